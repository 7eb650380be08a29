"""Moving the calendar from reports to periods keeps every row: migrate a database at main's migrations,
write rows through the old models, migrate forward and read them through the new ones."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("reports", "0002_entryexception_report_reminderlog_reportevent_and_more"),
    ("projects", "0003_beneficiary_name_folded"),
    ("provinces", "0002_apitoken"),  # users as they were then (later columns are unknown to the old models)
]
AFTER = [("periods", "0001_initial"), ("reports", "0003_calendar_moved_to_periods")]
D = datetime.date


@pytest.mark.django_db(transaction=True)
def test_moving_the_calendar_keeps_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([("periods", None), *BEFORE])
    old = executor.loader.project_state(BEFORE).apps
    province = old.get_model("provinces", "Province").objects.create(
        code=72, code_set=2025, name="Tây Ninh", kind="province", valid_from=D(2025, 7, 1)
    )
    user = old.get_model("provinces", "User").objects.create(username="migration-check", role="ministry")
    old.get_model("reports", "CutoffRule").objects.create(kind="quarter", end_day=20, valid_from=D(2026, 1, 1))
    period = old.get_model("reports", "ReportingPeriod").objects.create(
        kind="quarter",
        year=2026,
        number=3,
        starts_on=D(2026, 6, 21),
        ends_on=D(2026, 9, 20),
        deadline=D(2026, 9, 25),
        entry_closes_on=D(2026, 10, 5),
    )
    old.get_model("reports", "EntryException").objects.create(
        period=period, province=province, reason="Bổ sung", requested_by=user
    )
    old.get_model("reports", "Report").objects.create(period=period, province=province)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("periods", "ReportingPeriod").objects.get()
    assert (moved.pk, moved.ends_on) == (period.pk, D(2026, 9, 20))
    assert new.get_model("periods", "CutoffRule").objects.get().end_day == 20
    assert new.get_model("periods", "EntryException").objects.get().period_id == period.pk
    assert new.get_model("reports", "Report").objects.get().period_id == period.pk
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="reports", model="reportingperiod").exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect
