"""The dashboards' figures are cached by data version: every write path that moves a figure bumps it, so the
next request shows the new figure; a rolled-back write bumps nothing; a warm dashboard asks fewer queries.

Each test warms the cache with one request, writes through the service (its transaction committed, as in a
request: django_capture_on_commit_callbacks runs the on-commit callbacks the test's own transaction holds
back), and reads the page again.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from freezegun import freeze_time

from khuyencong import cachekeys, numbers
from projects import services
from projects.models import Fund, Plan
from projects.tests import factories
from reports import charts, figures
from reports import selectors as report_selectors

pytestmark = pytest.mark.django_db
PARAMS = {"year": 2026, "period": "year"}


@pytest.fixture
def tayninh(tayninh_officer):
    return tayninh_officer.unit.province


def province_page(client, user, province):
    client.force_login(user)
    response = client.get(reverse("reports:province_dashboard", args=[province.pk]), PARAMS)
    assert response.status_code == 200
    return page_agrees(response)


def regional_page(client, user):
    client.force_login(user)
    response = client.get(reverse("reports:regional_dashboard"), PARAMS | {"view": "today"})
    assert response.status_code == 200
    return page_agrees(response)


def total_row(response) -> str:
    """The first execution table's total row, as the page shows it (rendered HTML, cached or not)."""
    return re.search(r'<tr class="total">(.*?)</tr>', response.content.decode(), re.S).group(1)


def page_agrees(response):
    """The figures in the context, after checking that the HTML the page sent (possibly from the rendered
    cache) shows the same plan and disbursement per fund in its first table's total row."""
    d = response.context["d"]
    # per fund (national, local, total): planned, disbursed, then last year's rate ("num rate" is skipped)
    cells = re.findall(r'<td class="num">(?:<a href="[^"]*">)?([^<]*)', total_row(response))
    funds = d.total.cells
    assert [cells[3 * n : 3 * n + 2] for n in range(len(funds))] == [
        [numbers.format_vnd(cell.now.planned), numbers.format_vnd(cell.now.disbursed)] for cell in funds
    ]
    return d


def running_project(officer, approver, **extra):
    return factories.approve(factories.make_project(by=officer, **extra), officer=officer, approver=approver)


def test_the_version_goes_up_on_commit_only(django_capture_on_commit_callbacks):
    start = cachekeys.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(3):  # one transaction, one bump
            cachekeys.bump()
        assert cachekeys.version() == start  # not before the commit
    assert len(callbacks) == 1
    assert cachekeys.version() == start + 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                cachekeys.bump()
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and cachekeys.version() == start + 1  # rolled back: nothing bumped
    cache.delete(cachekeys.VERSION_KEY)  # evicted: a new version from the clock, above every old one
    assert cachekeys.version() > start + 1


def test_cached_computes_once_per_version(django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return {"planned": Decimal(5)}

    assert cachekeys.cached(("t", 1), compute) == {"planned": Decimal(5)}
    assert cachekeys.cached(("t", 1), compute) == {"planned": Decimal(5)}
    assert len(calls) == 1
    cachekeys.cached(("t", 2), compute)  # other parts, another entry
    assert len(calls) == 2
    with django_capture_on_commit_callbacks(execute=True):
        cachekeys.bump()
    cachekeys.cached(("t", 1), compute)
    assert len(calls) == 3


def test_money_entry_and_its_correction_show_on_the_next_request(
    client, tayninh_officer, tayninh_approver, tayninh, django_capture_on_commit_callbacks
):
    project = running_project(tayninh_officer, tayninh_approver)
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 0
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 6, 1)
        )
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 40_000_000
    with django_capture_on_commit_callbacks(execute=True):
        services.money_entry_correct(entry=entry, by=tayninh_approver, reason="Nhập thừa", amount=10_000_000)
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 30_000_000


def test_progress_shows_on_the_next_request(
    client, tayninh_officer, tayninh_approver, tayninh, django_capture_on_commit_callbacks
):
    """The province dashboard lists running projects with no progress for the latest quarter."""
    project = running_project(tayninh_officer, tayninh_approver)
    silent = province_page(client, tayninh_officer, tayninh).attention["silent"]
    assert [p.pk for p in silent] == [project.pk]
    from periods import selectors as period_selectors
    from periods import services as period_services

    quarter = period_selectors.current_quarter()
    with django_capture_on_commit_callbacks(execute=True):
        period = period_services.period_stored(quarter)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_save(project=project, period=period, by=tayninh_officer, completion_percent=40)
    assert province_page(client, tayninh_officer, tayninh).attention["silent"] == []


def test_plan_written_in_the_admin_shows_on_the_next_request(
    client, administrator, ministry_staff, tayninh, django_capture_on_commit_callbacks
):
    assert regional_page(client, ministry_staff).total.now["local"].planned == 0
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:projects_plan_add"),
            {"province": tayninh.pk, "year": 2026, "fund": Fund.LOCAL, "planned_amount": "700000000", "note": ""},
        )
    assert response.status_code == 302 and Plan.objects.filter(province=tayninh, year=2026).exists()
    assert regional_page(client, ministry_staff).total.now["local"].planned == 700_000_000


def test_registration_shows_on_the_next_request(
    client, ministry_staff, tayninh_officer, tayninh_approver, tayninh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_open(plan_year=2027, deadline=datetime.date(2026, 9, 30), by=ministry_staff)
    project = factories.make_project(
        by=tayninh_officer,
        fund=Fund.NATIONAL,
        year=2027,
        start=datetime.date(2027, 3, 1),
        end=datetime.date(2027, 10, 1),
        support=300_000_000,
    )
    services.project_transition(project=project, action="submit", by=tayninh_officer)
    assert regional_page(client, ministry_staff).registration.on_time == 0
    with freeze_time("2026-09-20"), django_capture_on_commit_callbacks(execute=True):
        services.registration_submit(province=tayninh, plan_year=2027, by=tayninh_approver)
    assert regional_page(client, ministry_staff).registration.on_time == 1


def test_approval_shows_on_the_next_request(
    client, tayninh_officer, tayninh_approver, tayninh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = factories.make_project(by=tayninh_officer)
        services.project_transition(project=project, action="submit", by=tayninh_officer)
    before = province_page(client, tayninh_officer, tayninh).total.statuses
    assert before.get("approved", 0) == 0 and before.get("registered") == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.project_transition(project=project, action="approve", by=tayninh_approver)
    after = province_page(client, tayninh_officer, tayninh).total.statuses
    assert after.get("approved") == 1 and after.get("registered", 0) == 0


def test_a_transaction_reads_its_own_uncommitted_writes_and_caches_nothing(
    client, tayninh_officer, tayninh_approver, tayninh, commit_bumps, monkeypatch
):
    """The other side of the tests above: until the write commits (here the test's transaction never does, so
    the on-commit bump never runs) the version stays; the writing transaction itself reads its figures fresh,
    and stores nothing under the old version that others still read."""
    project = running_project(tayninh_officer, tayninh_approver)
    commit_bumps()
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 0
    version, stored = cachekeys.version(), []
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: stored.append(key) or real_set(key, *args, **kwargs))
    services.money_entry_add(
        project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 6, 1)
    )
    assert cachekeys.writes_pending()
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 40_000_000
    assert cachekeys.version() == version
    assert stored == []  # the fresh figures were not cached


def test_cached_figures_equal_the_computed_ones(ministry_staff, tayninh_officer, tayninh_approver, tayninh):
    project = running_project(tayninh_officer, tayninh_approver)
    services.money_entry_add(
        project=project, by=tayninh_officer, kind="disbursement", amount=25_000_000, date=datetime.date(2026, 5, 1)
    )
    args = {"year": 2026, "kind": "year", "number": 1, "rollup": True, "user": ministry_staff}
    direct = figures.regional_figures(**args)
    for _ in range(2):  # cold, then warm
        via_cache = report_selectors.regional_figures_cached(**args)
        assert [(r.name, r.cells, r.statuses) for r in via_cache.rows] == [
            (r.name, r.cells, r.statuses) for r in direct.rows
        ]
        assert via_cache.series == direct.series and via_cache.registration == direct.registration


def test_scope_and_province_are_part_of_the_key(client, tayninh_officer, cantho_officer, tayninh_approver, tayninh):
    project = running_project(tayninh_officer, tayninh_approver)
    services.money_entry_add(
        project=project, by=tayninh_officer, kind="disbursement", amount=10_000_000, date=datetime.date(2026, 4, 1)
    )
    cantho = cantho_officer.unit.province
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 10_000_000
    assert province_page(client, cantho_officer, cantho).total.now["local"].disbursed == 0


def test_warm_dashboards_ask_fewer_queries(
    client, ministry_staff, tayninh_officer, tayninh, django_assert_num_queries, commit_bumps
):
    """Pinned cold and warm (the session refresh and the first sign-in's writes out of the way first). The
    calendar and the region's provinces are reference data (khuyencong.cachekeys.reference_cached), read by
    the first request after the cache was emptied and kept until such a row is written: the cold requests
    below find them cached, as every request after a money entry does.

    Regional, cold 12: session, user, stored periods (the series' years), plans, money, projects by status,
    registrations (the headline counts the rows the registration was opened to, so no separate region count),
    activity money, activity support, then who has reported (the stored periods of the year, the region's
    provinces, their reports). Warm 4: session, user, and who has reported (2: the stored period is cached).
    Province, cold 15: session, user, the province in scope (its row: the scope's ids come from the cached
    merger), its family's rows, stored periods, the figures' six, the three attention lists and their counts
    (one query; the far-behind projects are read as rows only when there are some, none here). Warm 3:
    session, user, the province in scope.
    """
    from periods import services as period_services

    period_services.period_get_or_create(kind="year", year=2026)  # who has reported: its three queries run
    commit_bumps()  # the fixtures' writes, as committed: the requests below may use the cache
    for user, url, params, cold, warm in [
        (ministry_staff, reverse("reports:regional_dashboard"), PARAMS | {"view": "today"}, 12, 4),
        (tayninh_officer, reverse("reports:province_dashboard", args=[tayninh.pk]), PARAMS, 15, 3),
    ]:
        client.force_login(user)
        assert client.get(url, {"year": 2025}).status_code == 200
        cache.clear()
        client.force_login(user)
        assert client.get(url, {"year": 2025}).status_code == 200
        with django_assert_num_queries(cold):
            assert client.get(url, params).status_code == 200
        with django_assert_num_queries(warm):
            assert client.get(url, params).status_code == 200


# ---- the rendered dashboards (HTML, charts, drill-down links) are cached with the figures ------------------


def test_a_warm_dashboard_renders_no_chart_until_a_write(
    client,
    monkeypatch,
    ministry_staff,
    tayninh_officer,
    tayninh_approver,
    tayninh,
    django_capture_on_commit_callbacks,
    commit_bumps,
):
    """Warm, the page comes from the rendered cache (no chart is drawn); after a write, it is drawn again with
    the new figure in the table, the chart and the drill-down links alike."""
    project = running_project(tayninh_officer, tayninh_approver)
    commit_bumps()  # the fixtures' writes, as committed: the pages below may use the cache
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 0
    assert regional_page(client, ministry_staff).total.now["local"].disbursed == 0
    drawn = []
    real = charts.rate_bars

    def spy(*args, **kwargs):
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "rate_bars", spy)
    province_page(client, tayninh_officer, tayninh)
    regional_page(client, ministry_staff)
    assert drawn == []  # both from the rendered cache
    with django_capture_on_commit_callbacks(execute=True):
        services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 6, 1)
        )
    assert province_page(client, tayninh_officer, tayninh).total.now["local"].disbursed == 40_000_000
    assert regional_page(client, ministry_staff).total.now["local"].disbursed == 40_000_000
    assert drawn == [1, 1]


def test_rendered_dashboards_are_kept_per_language(client, ministry_staff, tayninh_officer, tayninh, commit_bumps):
    commit_bumps()
    for user, url in [
        (ministry_staff, reverse("reports:regional_dashboard")),
        (tayninh_officer, reverse("reports:province_dashboard", args=[tayninh.pk])),
    ]:
        client.force_login(user)
        client.cookies.pop("django_language", None)
        assert "Tình hình thực hiện" in client.get(url, PARAMS).content.decode()
        client.cookies["django_language"] = "en"
        english = client.get(url, PARAMS).content.decode()
        assert '<html lang="en">' in english and "Execution" in english and "Tình hình thực hiện" not in english
        client.cookies.pop("django_language")
        assert "Tình hình thực hiện" in client.get(url, PARAMS).content.decode()


def test_a_rendered_province_dashboard_stays_with_its_province(
    client,
    ministry_staff,
    tayninh_officer,
    cantho_officer,
    tayninh_approver,
    tayninh,
    django_capture_on_commit_callbacks,
    commit_bumps,
):
    """Tây Ninh's page, once rendered and cached, is never what another province's officer gets: Cần Thơ's
    officer is refused it and sees their own province's figures; ministry staff see the same page."""
    project = running_project(tayninh_officer, tayninh_approver)
    commit_bumps()
    with django_capture_on_commit_callbacks(execute=True):
        services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=10_000_000, date=datetime.date(2026, 4, 1)
        )
    tayninh_url = reverse("reports:province_dashboard", args=[tayninh.pk])
    client.force_login(tayninh_officer)
    officer_html = client.get(tayninh_url, PARAMS).content.decode()
    assert numbers.format_vnd(10_000_000) in officer_html
    client.force_login(cantho_officer)
    assert client.get(tayninh_url, PARAMS).status_code == 404
    cantho = cantho_officer.unit.province
    cantho_html = client.get(reverse("reports:province_dashboard", args=[cantho.pk]), PARAMS).content.decode()
    assert cantho.name in cantho_html and numbers.format_vnd(10_000_000) not in cantho_html
    assert tayninh.name not in re.search(r"<h1>(.*?)</h1>", cantho_html).group(1)
    client.force_login(ministry_staff)
    ministry_html = client.get(tayninh_url, PARAMS).content.decode()
    main = re.compile(r'<main id="main">(.*)</main>', re.S)
    assert main.search(ministry_html).group(1) == main.search(officer_html).group(1)


def test_the_rendered_regional_dashboard_is_keyed_by_scope(
    ministry_staff, tayninh_officer, cantho_officer, commit_bumps
):
    """The regional page's rows are the provinces the user sees: its rendered parts are kept per scope."""
    commit_bumps()
    today = datetime.date(2026, 6, 1)
    render = []

    def parts(user):
        return report_selectors.dashboard_html_cached(
            ("regional-html", 2026), user=user, today=today, render=lambda: render.append(user) or user.username
        )

    assert [parts(u) for u in (ministry_staff, tayninh_officer, cantho_officer, tayninh_officer)] == [
        ministry_staff.username,
        tayninh_officer.username,
        cantho_officer.username,
        tayninh_officer.username,
    ]
    assert render == [ministry_staff, tayninh_officer, cantho_officer]  # the fourth from the cache
