"""The project list's disbursed total: read from the money roll-up when the list is narrowed only by the
roll-up's key (province with its merged predecessors, plan year, fund, activity) — for an officer, with the
entries of the partner projects added — summed from the entries otherwise; both give the same figure,
worked out here by hand."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.models import Fund, MoneyEntry, Project, Status
from projects.tests import factories
from provinces.models import ActivityContent, Province

pytestmark = pytest.mark.django_db
M = 1_000_000
D, A = MoneyEntry.Kind.DISBURSEMENT, MoneyEntry.Kind.ADVANCE


@pytest.fixture
def money(tayninh_officer, tayninh_approver, cantho_officer, cantho_approver, ministry_staff, commit_bumps):
    """Disbursed (million đồng), with one advance that no total counts:

    | project                          | province         | year | fund     | activity | disbursed |
    |----------------------------------|------------------|------|----------|----------|-----------|
    | tn_local                         | Tây Ninh (today) | 2026 | local    | KC03     | 10 + 20   |
    | tn_national                      | Tây Ninh (today) | 2026 | national | KC03     | 5         |
    | ct_local                         | Cần Thơ (today)  | 2026 | local    | KC01     | 7         |
    | la_2024 (recorded as it was)     | Long An (former) | 2024 | local    | KC03     | 100       |
    """

    def running(officer, approver, **kwargs):
        return factories.approve(factories.make_project(by=officer, **kwargs), officer=officer, approver=approver)

    tn_local = running(tayninh_officer, tayninh_approver, title="Máy sấy Tây Ninh")
    tn_national = running(tayninh_officer, ministry_staff, fund=Fund.NATIONAL, title="Lò sấy Tây Ninh")
    ct_local = running(cantho_officer, cantho_approver, activity="KC01", title="Đan lát Cần Thơ")
    for project, amounts in [(tn_local, [10, 20]), (tn_national, [5]), (ct_local, [7])]:
        officer = tayninh_officer if project.province_id == tayninh_officer.unit.province_id else cantho_officer
        for amount in amounts:
            services.money_entry_add(
                project=project, by=officer, kind=D, amount=amount * M, date=datetime.date(2026, 5, 4)
            )
    services.money_entry_add(
        project=tn_local, by=tayninh_officer, kind=A, amount=99 * M, date=datetime.date(2026, 4, 1)
    )
    la_2024 = Project.objects.create(  # a former province's project, kept under its own province
        code="LA-2024-01",
        title="Đề án Long An cũ",
        province=Province.objects.get(code=80, code_set=2004),
        implementing_unit=factories.centre_of(tayninh_officer.unit.province),
        plan_year=2024,
        fund=Fund.LOCAL,
        activity=ActivityContent.objects.get(code="KC03"),
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 11, 30),
        approved_support=Decimal(300 * M),
        status=Status.DONE,
        created_by=tayninh_officer,
    )
    MoneyEntry.objects.create(
        project=la_2024, kind=D, amount=100 * M, date=datetime.date(2024, 9, 1), created_by=tayninh_officer
    )
    commit_bumps()
    return {
        "tn": tayninh_officer.unit.province,
        "ct": cantho_officer.unit.province,
        "kc03": ActivityContent.objects.get(code="KC03"),
    }


def _totals(client, query: str) -> tuple[Decimal, bool]:
    """The list's disbursed total and whether the roll-up was read (the cache emptied first: cold)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:list") + query)
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return response.context["totals"]["disbursed"], "projects_moneyrollup" in sql or "projects_fundrollup" in sql


def _rollups_read(client, query: str) -> set[str]:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("projects:list") + query)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return {table for table in ("projects_moneyrollup", "projects_fundrollup") if table in sql}


def test_the_total_reads_the_rollup_by_fund_unless_an_activity_is_chosen(client, ministry_staff, money):
    client.force_login(ministry_staff)
    assert _rollups_read(client, "?year=2026&fund=local") == {"projects_fundrollup"}  # the fewer rows
    assert _rollups_read(client, f"?activity={money['kc03'].pk}") == {"projects_moneyrollup"}


def test_the_ministry_list_reads_the_rollup_for_key_filters(client, ministry_staff, money):
    tn, ct, kc03 = money["tn"].pk, money["ct"].pk, money["kc03"].pk
    client.force_login(ministry_staff)
    cases = [
        ("", 30 + 5 + 7 + 100),
        ("?order=-year", 142),
        (f"?province={tn}", 30 + 5 + 100),  # today's Tây Ninh with former Long An
        (f"?province={tn}&province_only=1", 30 + 5),  # as it is recorded
        ("?year=2026", 30 + 5 + 7),
        ("?year=2024", 100),
        ("?fund=national", 5),
        (f"?fund=local&activity={kc03}", 30 + 100),
        (f"?province={ct}&year=2026&fund=local", 7),
        ("?year=2025", 0),
    ]
    for query, millions in cases:
        assert _totals(client, query) == (Decimal(millions * M), True), query


def test_other_filters_and_windows_sum_the_entries(client, ministry_staff, cantho_officer, money):
    tn = money["tn"].pk
    client.force_login(ministry_staff)
    cases = [
        ("?status=in_progress", 30 + 5 + 7),
        ("?q=sấy", 30 + 5),
        (f"?province={tn}&status=done", 100),
        ("?money_from=2026-01-01", 42),  # a money window: dated money, not all to date
        ("?money_to=30/06/2024", 0),
        ("?year=abc", 142),  # a filter that does not validate is ignored by the list; the entries are summed
    ]
    for query, millions in cases:
        assert _totals(client, query) == (Decimal(millions * M), False), query
    client.force_login(cantho_officer)
    assert _totals(client, "?status=in_progress") == (Decimal(7 * M), False)


def test_an_officers_list_adds_the_partner_projects_entries_to_its_provinces_rollup(
    client, tayninh_officer, cantho_officer, money
):
    """Cần Thơ's officer lists Cần Thơ's projects and those naming Cần Thơ a partner (liên kết vùng): the
    province's money from the roll-up, the partner projects' from their entries; a province chosen in the
    filter is one of the officer's own, so the partner projects drop out."""
    tn_local = Project.objects.get(title="Máy sấy Tây Ninh")  # 30 disbursed, Tây Ninh, 2026, local, KC03
    tn_local.partner_provinces.add(money["ct"])
    ct = money["ct"].pk
    client.force_login(cantho_officer)
    cases = [
        ("", 7 + 30),
        ("?year=2026", 7 + 30),
        ("?year=2024", 0),
        ("?fund=local", 7 + 30),
        ("?fund=national", 0),
        (f"?activity={money['kc03'].pk}", 30),
        (f"?province={ct}", 7),
        (f"?province={ct}&province_only=1", 7),
    ]
    for query, millions in cases:
        assert _totals(client, query) == (Decimal(millions * M), True), query
        assert _totals(client, f"{query}{'&' if query else '?'}status=in_progress")[0] == Decimal(millions * M)
    client.force_login(tayninh_officer)  # the partner project is Tây Ninh's own: counted once, from the roll-up
    assert _totals(client, "") == (Decimal(30 + 5 + 100) * M, True)


def test_the_rollup_total_moves_with_the_next_entry(client, ministry_staff, tayninh_officer, money, commit_bumps):
    client.force_login(ministry_staff)
    assert client.get(reverse("projects:list"))  # warm the cached total
    project = Project.objects.get(title="Máy sấy Tây Ninh")
    services.money_entry_add(project=project, by=tayninh_officer, kind=D, amount=8 * M, date=datetime.date(2026, 6, 1))
    commit_bumps()
    response = client.get(reverse("projects:list"))
    assert response.context["totals"]["disbursed"] == Decimal(150 * M)
