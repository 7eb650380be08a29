"""The money roll-up stays equal to a rebuild from the entries after every kind of write, and the figures
read from it equal the figures summed from the entries.

`rollup.differences()` compares the table row by row with a fresh computation from the entries (the same
one `manage.py rollup_rebuild` writes), so "incremental = rebuild" is checked after each step, not only at
the end.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from periods.models import CutoffRule, PeriodKind, ReportingPeriod
from projects import rollup, services
from projects.models import Fund, MoneyEntry, MoneyRollup, Project, Status
from projects.tests import factories
from provinces.models import ActivityContent, Province
from reports import figures

D, A, S = MoneyEntry.Kind.DISBURSEMENT, MoneyEntry.Kind.ADVANCE, MoneyEntry.Kind.SETTLEMENT
M = 1_000_000
FIRST_DAY = datetime.date(2025, 9, 1)  # every date used is in the past whatever day the suite runs
LAST_DAY = datetime.date(2026, 11, 30)


def assert_in_step():
    assert rollup.differences() == {}


def test_an_entry_lands_in_its_quarter_under_its_projects_key(tayninh_officer, tayninh_approver):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    services.money_entry_add(
        project=project, by=tayninh_officer, kind=D, amount=30 * M, date=datetime.date(2026, 3, 14)
    )
    services.money_entry_add(
        project=project, by=tayninh_officer, kind=D, amount=20 * M, date=datetime.date(2026, 3, 15)
    )
    entry = services.money_entry_add(
        project=project, by=tayninh_officer, kind=D, amount=5 * M, date=datetime.date(2025, 12, 15)
    )
    services.money_entry_correct(entry=entry, by=tayninh_officer, reason="Nhập trùng", amount=2 * M)
    rows = {
        (r.window_year, r.window_number): (r.amount, r.entries)
        for r in MoneyRollup.objects.filter(province=project.province, plan_year=2026, fund=Fund.LOCAL, kind=D)
    }
    # 15/12/2025 and 14/03/2026 are the first and last day of Q1/2026's window; 15/03 opens Q2.
    assert rows == {(2026, 1): (Decimal(33 * M), 3), (2026, 2): (Decimal(20 * M), 1)}
    assert_in_step()


def test_a_random_sequence_of_writes_keeps_the_rollup_equal_to_a_rebuild(
    tayninh_officer, tayninh_approver, cantho_officer, cantho_approver, ministry_staff
):
    rng = random.Random(19)
    officers = {tayninh_officer.unit.province_id: (tayninh_officer, tayninh_approver)}
    officers[cantho_officer.unit.province_id] = (cantho_officer, cantho_approver)
    long_an = Province.objects.get(code=80, code_set=2004)
    activities = list(ActivityContent.objects.filter(code__in=["KC01", "KC03", "KC05"]))
    projects = []
    for i in range(4):
        officer, approver = rng.choice(list(officers.values()))
        fund = Fund.LOCAL if i % 2 else Fund.NATIONAL
        draft = factories.make_project(by=officer, fund=fund, support=500 * M, year=2026, title=f"Đề án thử {i}")
        approver = ministry_staff if fund == Fund.NATIONAL else approver  # the national fund: the ministry
        projects.append(factories.approve(draft, officer=officer, approver=approver))
    # The merger: a 2026 draft recorded under old Long An is approved into today's Tây Ninh.
    la_draft = Project.objects.create(
        code="RLP-LA-2026",
        title="Đề án Long An cũ",
        province=long_an,
        implementing_unit=factories.centre_of(tayninh_officer.unit.province),
        plan_year=2026,
        fund=Fund.LOCAL,
        activity=activities[0],
        start_date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 11, 30),
        approved_support=Decimal(500 * M),
        created_by=tayninh_officer,
    )
    la_project = factories.approve(la_draft, officer=tayninh_officer, approver=tayninh_approver)
    assert la_project.province_id == tayninh_officer.unit.province_id
    projects.append(la_project)
    assert_in_step()

    entries: list[MoneyEntry] = []
    for step in range(60):
        action = rng.choice(["entry", "entry", "entry", "correct", "move", "admin_edit", "admin_delete", "rule"])
        project = Project.objects.get(pk=rng.choice(projects).pk)
        officer, approver = officers[project.province_id]
        if action == "entry":
            kind = rng.choice([D, D, A, S])
            day = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
            amount = rng.randint(1, 9) * M
            if kind == S:  # within what was disbursed
                disbursed = sum(e.amount for e in project.money_entries.filter(kind=D))
                if disbursed < amount:
                    kind = D
            entries.append(services.money_entry_add(project=project, by=officer, kind=kind, amount=amount, date=day))
        elif action == "correct" and entries:
            entry = rng.choice([e for e in entries if not e.is_correction])
            remaining = entry.amount + sum(c.amount for c in entry.corrections.all())
            settled = sum(e.amount for e in entry.project.money_entries.filter(kind=S))
            disbursed = sum(e.amount for e in entry.project.money_entries.filter(kind=D))
            if remaining > 0 and (entry.kind != D or disbursed - remaining >= settled):
                entries.append(
                    services.money_entry_correct(
                        entry=entry, by=officers[entry.project.province_id][0], reason=f"Sửa bước {step}"
                    )
                )
        elif action == "move":  # the admin changes what the project is recorded under
            project.fund = Fund.NATIONAL if project.fund == Fund.LOCAL else Fund.LOCAL
            project.activity = rng.choice(activities)
            project.plan_year = rng.choice([2025, 2026])
            project.save()
        elif action == "admin_edit" and entries:
            entry = MoneyEntry.objects.get(pk=rng.choice(entries).pk)
            if not entry.is_correction and not entry.corrections.exists():
                entry.date = entry.date - datetime.timedelta(days=rng.randint(1, 120))
                entry.save()
        elif action == "admin_delete" and entries:
            entry = MoneyEntry.objects.get(pk=rng.choice(entries).pk)
            if not entry.is_correction and not entry.corrections.exists() and entry.kind != D:
                entries = [e for e in entries if e.pk != entry.pk]
                entry.delete()
        elif action == "rule":  # a new cut-off day moves every bucket: the table is rebuilt
            CutoffRule.objects.update_or_create(
                kind=PeriodKind.QUARTER,
                valid_from=datetime.date(2026, 1, 1),
                defaults={"end_day": rng.choice([14, 20])},
            )
        assert rollup.differences() == {}, f"step {step}: {action}"
    assert MoneyRollup.objects.count() > 5
    assert len(entries) > 20


def test_the_command_rebuilds_and_checks(tayninh_officer, tayninh_approver, capsys):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    services.money_entry_add(project=project, by=tayninh_officer, kind=D, amount=7 * M, date=datetime.date(2026, 5, 5))
    call_command("rollup_rebuild", "--check")
    assert "matches" in capsys.readouterr().out
    MoneyRollup.objects.update(amount=1)  # a write that went around the model
    with pytest.raises(Exception, match="1 roll-up rows differ"):
        call_command("rollup_rebuild", "--check")
    call_command("rollup_rebuild")
    assert_in_step()
    assert MoneyRollup.objects.get().amount == 7 * M


def test_bulk_writes_rebuild_once_at_the_end(tayninh_officer, tayninh_approver):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    with rollup.suspended():
        MoneyEntry.objects.bulk_create(
            [
                MoneyEntry(
                    project=project,
                    kind=D,
                    amount=Decimal(n * M),
                    date=datetime.date(2026, n, 1),
                    created_by=tayninh_officer,
                )
                for n in range(1, 6)
            ]
        )
        assert not MoneyRollup.objects.exists()  # nothing per row while suspended
    assert_in_step()
    assert sum(r.amount for r in MoneyRollup.objects.all()) == 15 * M


# ---- the figures read from it --------------------------------------------------------------------------


def _cells(dashboard: figures.Dashboard) -> list:
    out = []
    for table in dashboard.tables:
        for row, cells in [*table.lines, (None, table.total)]:
            out.append((row.name if row else "total", [(c.fund, c.now, c.last) for c in cells]))
    out.append([(a.code, a.figures) for a in dashboard.by_activity])
    out.append([(s.year, s.planned, s.quarters) for s in dashboard.series])
    return out


def _regional(user, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        dashboard = figures.regional_figures(user=user, rollup=True, today=datetime.date(2026, 11, 30), **kwargs)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return dashboard, sql


@pytest.fixture
def money_everywhere(tayninh_officer, tayninh_approver, cantho_officer, cantho_approver, ministry_staff):
    for officer, approver, fund in [
        (tayninh_officer, tayninh_approver, Fund.LOCAL),
        (tayninh_officer, ministry_staff, Fund.NATIONAL),
        (cantho_officer, cantho_approver, Fund.LOCAL),
    ]:
        factories.make_plan(officer.unit.province, 2026, fund, 900 * M)
        project = factories.approve(
            factories.make_project(by=officer, fund=fund, support=400 * M), officer=officer, approver=approver
        )
        for amount, day in [(10, (2025, 12, 15)), (20, (2026, 3, 14)), (30, (2026, 6, 15)), (40, (2026, 9, 14))]:
            services.money_entry_add(project=project, by=officer, kind=D, amount=amount * M, date=datetime.date(*day))
        services.money_entry_add(project=project, by=officer, kind=A, amount=99 * M, date=datetime.date(2026, 4, 1))


@pytest.mark.parametrize(
    "kind,number", [(PeriodKind.QUARTER, 1), (PeriodKind.QUARTER, 3), (PeriodKind.NINE_MONTHS, 1), (PeriodKind.YEAR, 1)]
)
def test_figures_from_the_rollup_equal_figures_from_the_entries(
    money_everywhere, ministry_staff, monkeypatch, kind, number
):
    from_rollup, sql = _regional(ministry_staff, year=2026, kind=kind, number=number)
    assert "projects_fundrollup" in sql and "projects_moneyrollup" in sql  # both roll-ups were read
    monkeypatch.setattr(figures._RollupWindows, "usable", lambda self, periods: False)
    from_entries, sql = _regional(ministry_staff, year=2026, kind=kind, number=number)
    assert "rollup" not in sql  # neither roll-up
    assert _cells(from_rollup) == _cells(from_entries)
    total = from_rollup.total.ytd_cells[-1].now if from_rollup.ytd_period else from_rollup.total.total.now
    assert total.disbursed > 0


def test_a_stored_period_whose_dates_differ_from_the_rules_is_summed_from_the_entries(money_everywhere, ministry_staff):
    # Q3/2026 stored with a cut-off of 20/09 (say, generated before a rule changed back): not whole buckets.
    ReportingPeriod.objects.create(
        kind=PeriodKind.QUARTER,
        year=2026,
        number=3,
        starts_on=datetime.date(2026, 6, 15),
        ends_on=datetime.date(2026, 9, 20),
        deadline=datetime.date(2026, 9, 25),
        entry_closes_on=datetime.date(2026, 10, 5),
    )
    dashboard, sql = _regional(ministry_staff, year=2026, kind=PeriodKind.QUARTER, number=3)
    assert "rollup" not in sql  # neither roll-up
    # Q3's own window 15/06–20/09: 30 + 40 for each of the three projects
    assert dashboard.total.total.now.disbursed == 3 * 70 * M
    assert_in_step()


def test_project_status_counts_stay_on_projects(money_everywhere, ministry_staff):
    dashboard, _sql = _regional(ministry_staff, year=2026, kind=PeriodKind.QUARTER, number=3)
    assert dashboard.total.statuses == {Status.IN_PROGRESS: 3}
