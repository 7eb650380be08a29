"""The implementation record: every figure with hand-worked data, weights as data, the merger roll-up."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import figures
from evaluation.models import Measure
from periods import services as period_services
from projects import services as project_services
from projects.models import NationalPlanRegistration, ProgressUpdate, ProjectTransition
from projects.tests import factories
from provinces.models import CodeSet, Province
from reports.models import Report

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def _at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _accept(project, *, officer, on: datetime.date):
    project_services.project_transition(project=project, action="accept", by=officer)
    ProjectTransition.objects.filter(project=project, action="accept").update(at=_at(on))


@pytest.fixture
def tay_ninh_2026(tayninh_officer, tayninh_approver):
    """Four projects of plan year 2026 in Tây Ninh (all started 1 February 2026):
    P1 ends 31/10, accepted 20/10 (on time); P2 ends 30/09, still running (behind schedule);
    P3 ends 15/11, accepted 20/11 (late); P4 ends 31/12 (not yet due)."""
    officer, approver = tayninh_officer, tayninh_approver
    made = {}
    for name, end in (("p1", (10, 31)), ("p2", (9, 30)), ("p3", (11, 15)), ("p4", (12, 31))):
        project = factories.make_project(by=officer, end=datetime.date(2026, *end), title=f"Đề án {name}")
        made[name] = factories.approve(project, officer=officer, approver=approver)
    _accept(made["p1"], officer=officer, on=datetime.date(2026, 10, 20))
    _accept(made["p3"], officer=officer, on=datetime.date(2026, 11, 20))
    add = project_services.money_entry_add
    add(project=made["p1"], by=officer, kind="disbursement", amount=60_000_000, date=datetime.date(2026, 6, 30))
    add(project=made["p2"], by=officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 5, 15))
    add(project=made["p1"], by=officer, kind="settlement", amount=60_000_000, date=datetime.date(2026, 11, 25))
    factories.make_plan(made["p1"].province, 2026, "local", 1_000_000_000)
    quarters = [period_services.period_get_or_create(kind="quarter", year=2026, number=n) for n in (1, 2, 3)]
    for project, quarter in ((made["p1"], quarters[0]), (made["p1"], quarters[1]), (made["p2"], quarters[0])):
        ProgressUpdate.objects.create(project=project, period=quarter, completion_percent=50, updated_by=officer)
    tn = made["p1"].province
    # Reports: Q1 on time, Q2 late (two days after the deadline), Q3 never submitted (very late by 1 December).
    Report.objects.create(
        period=quarters[0], province=tn, status="submitted", snapshot={}, submitted_at=_at(quarters[0].deadline)
    )
    late = quarters[1].deadline + datetime.timedelta(days=2)
    Report.objects.create(period=quarters[1], province=tn, status="submitted", snapshot={}, submitted_at=_at(late))
    NationalPlanRegistration.objects.create(
        province=tn, plan_year=2027, deadline=datetime.date(2026, 11, 30), status="registered", registered_at=_at(TODAY)
    )
    made["quarters"] = quarters
    return made


def _record(user, year=2026, today=TODAY):
    [record] = [r for r in figures.records(user=user, year=year, today=today) if r.province.code == 80]
    return record


def _fig(record, code):
    f = record.figures[code]
    return (int(f.numerator), int(f.denominator))


def test_each_figure_counts_the_rows_worked_by_hand(tay_ninh_2026, tayninh_officer):
    assert all(
        q.ends_on < TODAY and q.deadline + datetime.timedelta(days=14) < TODAY for q in tay_ninh_2026["quarters"]
    )
    record = _record(tayninh_officer)
    assert _fig(record, "finished_on_time") == (1, 3)  # P1 of P1, P2, P3 (P4 not yet due)
    assert _fig(record, "behind_schedule") == (1, 3)  # P2
    assert _fig(record, "reports_on_time") == (1, 3)
    assert record.figures["reports_on_time"].extra == {"on_time": 1, "late": 1, "very_late": 1}
    assert _fig(record, "progress_complete") == (3, 12)  # 4 projects × 3 closed quarters; 3 entered
    assert _fig(record, "settled_on_time") == (1, 1)  # before 22/01/2027 only the settled one counts
    assert _fig(record, "registered_on_time") == (1, 1)
    # Execution: 100 million disbursed against 1,000 million × 335/365 of the year elapsed.
    pace = record.figures["execution_pace"]
    assert (pace.numerator, pace.denominator) == (Decimal(100_000_000), Decimal(917_808_219))
    assert round(pace.value, 2) == Decimal("10.90")
    # Score: 20×⅓ + 15×⅓ (behind: 33,3% between 50 → 0 and 0 → full) + 20×⅓ + 15×¼ + 15×0,10896 + 10 + 5 = 38,7
    assert record.score == Decimal("38.7")
    # After 22 January 2027 every project of the plan year is due for settlement: 1 of 4.
    assert _fig(_record(tayninh_officer, today=datetime.date(2027, 2, 1)), "settled_on_time") == (1, 4)


def test_weights_and_thresholds_are_data(tay_ninh_2026, tayninh_officer):
    Measure.objects.exclude(code="reports_on_time").update(weight=0)
    assert _record(tayninh_officer).score == Decimal("33.3")
    Measure.objects.filter(code="reports_on_time").update(full_at=Decimal(50))  # ⅓ of the way to 50% → 66,7
    assert _record(tayninh_officer).score == Decimal("66.7")


def test_the_record_rolls_old_provinces_into_todays(tayninh_officer, ministry_staff):
    """2024, before the merger: old Tây Ninh reported on time, Long An late; both count for today's Tây Ninh."""
    old_tn = Province.objects.get(code=72, code_set=CodeSet.CODES_2004)
    long_an = Province.objects.get(code=80, code_set=CodeSet.CODES_2004)
    quarter = period_services.period_get_or_create(kind="quarter", year=2024, number=2)
    Report.objects.create(
        period=quarter, province=old_tn, status="submitted", snapshot={}, submitted_at=_at(quarter.deadline)
    )
    late = quarter.deadline + datetime.timedelta(days=3)
    Report.objects.create(period=quarter, province=long_an, status="submitted", snapshot={}, submitted_at=_at(late))
    record = _record(ministry_staff, year=2024)
    assert _fig(record, "reports_on_time") == (1, 2)
    assert {r.province.code_set for r in figures.records(user=ministry_staff, year=2024, today=TODAY)} == {2025}
    assert len(figures.records(user=ministry_staff, year=2024, today=TODAY)) == 9
    assert [r.province.code for r in figures.records(user=tayninh_officer, year=2024, today=TODAY)] == [80]


def test_a_province_sees_its_own_record_only(client, tay_ninh_2026, cantho_officer):
    client.force_login(cantho_officer)
    body = client.get(reverse("evaluation:list") + "?year=2026").content.decode()
    assert "Tây Ninh" not in body.split("<table", 1)[1]
    tn = tay_ninh_2026["p1"].province
    assert client.get(reverse("evaluation:rows", args=[tn.pk, "reports_on_time"]) + "?year=2026").status_code == 404


def test_the_rows_page_lists_what_the_figure_counted(client, tay_ninh_2026, tayninh_officer):
    client.force_login(tayninh_officer)
    tn = tay_ninh_2026["p1"].province
    body = client.get(reverse("evaluation:rows", args=[tn.pk, "behind_schedule"]) + "?year=2026").content.decode()
    for key in ("p1", "p2", "p3"):
        assert reverse("projects:detail", args=[tay_ninh_2026[key].pk]) in body
    assert reverse("projects:detail", args=[tay_ninh_2026["p4"].pk]) not in body


def test_the_commendation_export_lists_figures_with_definitions(client, tay_ninh_2026, ministry_staff):
    import io

    from openpyxl import load_workbook

    client.force_login(ministry_staff)
    response = client.get(reverse("evaluation:export") + "?year=2026")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert "không phải" in rows[0][0]  # labelled: not an official ranking
    assert all("counted" not in str(h) for h in rows[1]) and any("đạt / phải có" in str(h) for h in rows[1])
    tay_ninh = next(r for r in rows[2:] if r[0] == "Tây Ninh")
    assert tay_ninh[1] == 38.7
    definitions = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert len(definitions) == 7 and all(row[1] for row in definitions)


def test_the_registration_page_shows_the_record_beside_it(client, tay_ninh_2026, ministry_staff):
    client.force_login(ministry_staff)
    body = client.get(reverse("projects:registrations") + "?year=2027").content.decode()
    assert 'id="record-aside"' in body and reverse("evaluation:list") + "?year=2026" in body


@pytest.mark.parametrize("extra", [0, 5])
def test_the_record_page_takes_a_fixed_number_of_queries(
    client, tay_ninh_2026, tayninh_officer, tayninh_approver, ministry_staff, extra, django_assert_max_num_queries
):
    for index in range(extra):
        project = factories.make_project(by=tayninh_officer, end=datetime.date(2026, 8, 31), title=f"Thêm {index}")
        factories.approve(project, officer=tayninh_officer, approver=tayninh_approver)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(23):
        assert client.get(reverse("evaluation:list") + "?year=2026").status_code == 200
