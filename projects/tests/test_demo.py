import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Max, Q, Sum

from projects import demo
from projects.models import MoneyEntry, NationalPlanRegistration, Plan, Project, Status
from provinces.models import CodeSet

TODAY = datetime.date(2026, 11, 28)


def fingerprint():
    projects = list(
        Project.objects.order_by("code").values_list("code", "province__code", "province__code_set", "approved_support")
    )
    money = list(
        MoneyEntry.objects.order_by("project__code", "date", "kind", "amount").values_list("kind", "amount", "date")
    )
    plans = list(
        Plan.objects.order_by("province_id", "year", "fund").values_list("province_id", "year", "planned_amount")
    )
    return projects, money, plans


@pytest.fixture
def seeded(db):
    demo.demo_seed(scale=1, seed=7, today=TODAY)


def test_same_seed_twice_gives_the_same_rows_and_no_duplicates(seeded):
    first = fingerprint()
    counts = (Project.objects.count(), MoneyEntry.objects.count(), NationalPlanRegistration.objects.count())
    demo.demo_seed(scale=1, seed=7, today=TODAY)
    assert fingerprint() == first
    assert (Project.objects.count(), MoneyEntry.objects.count(), NationalPlanRegistration.objects.count()) == counts
    assert 1000 < counts[0] < 3000


def test_another_seed_gives_other_rows_and_replaces_the_old_ones(seeded):
    first = fingerprint()
    demo.demo_seed(scale=1, seed=8, today=TODAY)
    assert fingerprint() != first
    assert not Project.objects.exclude(code__startswith=demo.CODE_PREFIX).exists()


def test_projects_belong_to_the_province_as_it_was_on_approval_day(seeded):
    merger = datetime.datetime(2025, 7, 1, tzinfo=demo.TZ)
    approved = Project.objects.exclude(approved_at=None)
    assert approved.filter(approved_at__lt=merger).exists() and approved.filter(approved_at__gte=merger).exists()
    assert not approved.filter(approved_at__lt=merger, province__code_set=CodeSet.CODES_2025).exists()
    assert not approved.filter(approved_at__gte=merger, province__code_set=CodeSet.CODES_2004).exists()
    # the implementing unit is the province's own centre
    assert not Project.objects.exclude(implementing_unit__province=F("province")).exists()
    # plans follow the same split: 2024 only old provinces, 2026 only merged ones
    assert set(Plan.objects.filter(year=2024).values_list("province__code_set", flat=True)) == {CodeSet.CODES_2004}
    assert set(Plan.objects.filter(year=2026).values_list("province__code_set", flat=True)) == {CodeSet.CODES_2025}


def test_money_respects_ceilings_dates_and_status(seeded):
    for kind in MoneyEntry.Kind.values:
        over = (
            Project.objects.annotate(total=Sum("money_entries__amount", filter=Q(money_entries__kind=kind)))
            .filter(total__gt=F("approved_support"))
            .count()
        )
        assert over == 0, kind
    assert MoneyEntry.objects.aggregate(last=Max("date"))["last"] <= TODAY
    assert not MoneyEntry.objects.filter(project__status__in=[Status.REJECTED, Status.CANCELLED]).exists()
    settled = Project.objects.annotate(
        d=Sum("money_entries__amount", filter=Q(money_entries__kind="disbursement")),
        s=Sum("money_entries__amount", filter=Q(money_entries__kind="settlement")),
    ).filter(s__gt=F("d"))
    assert not settled.exists()
    # each plan covers the projects approved against it
    for plan in Plan.objects.filter(year=2023):
        projects = Project.objects.filter(province=plan.province, plan_year=2023, fund=plan.fund).exclude(
            status=Status.REJECTED
        )
        assert projects.aggregate(s=Sum("approved_support"))["s"] <= plan.planned_amount


def test_headline_figures_of_the_2022_conference(seeded):
    def rate(year, start, cutoff):
        planned = Plan.objects.filter(year=year).aggregate(s=Sum("planned_amount"))["s"]
        paid = MoneyEntry.objects.filter(
            kind="disbursement", project__plan_year=year, date__range=(start, cutoff)
        ).aggregate(s=Sum("amount"))["s"]
        return (paid * 100 / planned).quantize(Decimal("0.1"))

    assert rate(2022, datetime.date(2021, 12, 15), datetime.date(2022, 9, 14)) == Decimal("37.6")
    assert rate(2021, datetime.date(2020, 12, 15), datetime.date(2021, 12, 14)) == Decimal("50.0")
    on_time = NationalPlanRegistration.objects.filter(plan_year=2023, status="registered").count()
    assert (on_time, NationalPlanRegistration.objects.filter(plan_year=2023).count()) == (4, 20)


def test_demo_rows_are_marked(seeded):
    assert not Project.objects.exclude(title__startswith=demo.TITLE_PREFIX).exists()
    assert not Plan.objects.exclude(note=demo.DEMO_NOTE).exists()


def test_command_runs(db, capsys):
    call_command("seed_demo", "--scale", "1", "--seed", "2", skip_checks=True)
    assert "projects" in capsys.readouterr().out
    assert Project.objects.filter(code__startswith=demo.CODE_PREFIX).exists()


def test_national_demo_projects_keep_within_the_circulars_share_of_the_cost(seeded):
    """Demonstration models at most 30% of the cost, machinery at most 50% (the loaded national ceilings)."""
    national = Project.objects.filter(fund="national", activity__code__in=["KC02", "KC03"])
    assert national.filter(activity__code="KC02").exists() and national.filter(activity__code="KC03").exists()
    over = national.filter(
        Q(activity__code="KC02", approved_support__gt=F("total_cost") * Decimal("0.30"))
        | Q(activity__code="KC03", approved_support__gt=F("total_cost") * Decimal("0.50"))
    )
    assert not over.exists()
