"""The project lists' count and total row are cached by data version under the list's SQL: a write is seen
on the next request, one scope's figures never answer another's, and a warm list reads no count or sums."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from khuyencong import cachekeys
from projects import services
from projects.models import MoneyEntry
from projects.tests import factories

pytestmark = pytest.mark.django_db
M = 1_000_000


def _disburse_12_million(project, officer) -> None:
    services.money_entry_add(
        project=project, by=officer, kind=MoneyEntry.Kind.DISBURSEMENT, amount=12 * M, date=datetime.date(2026, 5, 4)
    )


def _list(client):
    response = client.get(reverse("projects:list"))
    return response.context["page"].paginator.count, response.context["totals"]


def test_a_write_is_seen_on_the_next_request(
    client, tayninh_officer, tayninh_approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
    client.force_login(tayninh_officer)
    assert _list(client)[0] == 1
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_project(by=tayninh_officer, title="Đề án thứ hai")
    count, totals = _list(client)
    assert count == 2 and totals["disbursed"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        _disburse_12_million(project, tayninh_officer)
    count, totals = _list(client)
    assert (count, totals["disbursed"], totals["support"]) == (2, Decimal(12 * M), Decimal(200 * M))


def test_one_scope_never_answers_for_another(client, tayninh_officer, cantho_officer, ministry_staff):
    factories.make_project(by=tayninh_officer)
    for index in range(3):
        factories.make_project(by=cantho_officer, title=f"Đề án Cần Thơ {index}", activity="KC01")
    counts = {}
    for user in (tayninh_officer, cantho_officer, ministry_staff, tayninh_officer):
        client.force_login(user)
        counts.setdefault(user.username, set()).add(_list(client)[0])
    assert counts == {"tn.officer": {1}, "ct.officer": {3}, "ministry": {4}}


def test_a_warm_list_reads_no_count_or_sums(
    client, ministry_staff, tayninh_officer, django_assert_num_queries, commit_bumps
):
    for index in range(3):
        factories.make_project(by=tayninh_officer, title=f"Đề án {index}")
    commit_bumps()
    client.force_login(ministry_staff)
    client.get(reverse("projects:list"))  # cold: count, page, support and disbursed sums, the form's choices
    # warm: session and user; the rendered filter form and page of rows come from the cache (no count, no
    # sums, no rows, no choices)
    with django_assert_num_queries(2):
        response = client.get(reverse("projects:list"))
    assert response.context["page"].paginator.count == 3
    assert [f"Đề án {index}" in response.content.decode() for index in range(3)] == [True] * 3


def _rows(client, query: str = "") -> str:
    response = client.get(reverse("projects:list") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_rendered_rows_show_each_write_on_the_next_request(client, tayninh_officer, tayninh_approver, commit_bumps):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    commit_bumps()
    client.force_login(tayninh_officer)
    assert "Hỗ trợ máy sấy nông sản" in _rows(client) and "12.000.000 đ" not in _rows(client)  # warm now
    _disburse_12_million(project, tayninh_officer)
    commit_bumps()
    assert _rows(client).count("12.000.000 đ") == 2  # the row and the total row
    project.refresh_from_db()
    services.project_update(
        project=project,
        by=tayninh_officer,
        data={"title": "Máy sấy nông sản năng lượng mặt trời"},
        expected_version=project.version,
    )
    commit_bumps()
    page = _rows(client)
    assert "Máy sấy nông sản năng lượng mặt trời" in page and "Hỗ trợ máy sấy nông sản" not in page


def test_the_rendered_rows_and_form_are_per_scope_query_and_language(
    client, tayninh_officer, cantho_officer, ministry_staff, commit_bumps
):
    factories.make_project(by=tayninh_officer, title="Đề án Tây Ninh")
    factories.make_project(by=cantho_officer, title="Đề án Cần Thơ", year=2025, activity="KC01")
    commit_bumps()
    client.force_login(ministry_staff)
    both = _rows(client)
    assert "Đề án Tây Ninh" in both and "Đề án Cần Thơ" in both
    assert "Đề án Tây Ninh" not in _rows(client, "?year=2025")
    assert 'value="2025"' in _rows(client, "?year=2025") and 'value="2025"' not in _rows(client)  # the form's value
    client.force_login(tayninh_officer)
    own = _rows(client)
    assert "Đề án Tây Ninh" in own and "Đề án Cần Thơ" not in own
    assert ">Cần Thơ</option>" not in own  # the province choices are the officer's scope
    assert "đề xuất" in own.lower()  # the status, in Vietnamese
    client.cookies["django_language"] = "en"
    english = _rows(client)
    assert "proposed" in english and "đề xuất" not in english.lower()


def test_inside_a_transaction_that_wrote_the_figures_are_read_fresh(tayninh_officer, commit_bumps):
    # the test's own transaction is open: a service's bump is pending until a commit that never comes
    commit_bumps()  # the fixtures' writes
    assert not cachekeys.writes_pending()
    calls = []
    assert cachekeys.cached(["x"], lambda: calls.append(1) or 1) == 1
    assert cachekeys.cached(["x"], lambda: calls.append(2) or 2) == 1  # cached
    factories.make_project(by=tayninh_officer)
    assert cachekeys.writes_pending()
    assert cachekeys.cached(["x"], lambda: calls.append(3) or 3) == 3  # fresh, and not stored
    assert calls == [1, 3]


def test_a_scope_that_matches_nothing_counts_nothing(tayninh_officer):
    from projects import selectors
    from projects.models import Project

    factories.make_project(by=tayninh_officer)
    for empty in (Project.objects.none(), Project.objects.filter(pk__in=[])):
        assert cachekeys.CountCachedPaginator(empty, 50).count == 0
        assert selectors.list_totals(empty)["support"] == 0


def test_the_counts_are_written_with_vietnamese_digit_groups(client, ministry_staff, monkeypatch):
    """14.750 đề án, not 14750: the count is grouped as every other figure (and 14,750 in English)."""
    monkeypatch.setattr(cachekeys.CountCachedPaginator, "count", 14_750)
    client.force_login(ministry_staff)
    html = _rows(client)
    assert "14.750 đề án" in html and "Tổng cộng 14.750 đề án trong danh sách" in html
    client.cookies["django_language"] = "en"
    assert "14,750 projects" in _rows(client)


def test_a_write_committed_elsewhere_mid_request_never_mixes_two_versions(
    client, tayninh_officer, tayninh_approver, monkeypatch, commit_bumps
):
    """The list's count and totals are cached before its rows are rendered. Another process's write that
    commits in between must not leave the old totals in a fragment stored under the new version: a request
    keeps the version it read first (cachekeys.one_version), so the next request renders it all afresh."""
    import contextvars

    from projects import views

    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    commit_bumps()
    client.force_login(tayninh_officer)
    totals = views.selectors.list_totals
    done = []

    def elsewhere():  # another process: its bump does not touch this request's own version
        _disburse_12_million(project, tayninh_officer)
        commit_bumps()

    def totals_then_a_write_elsewhere(*args, **kwargs):
        value = totals(*args, **kwargs)
        if not done:
            done.append(True)
            contextvars.copy_context().run(elsewhere)
        return value

    monkeypatch.setattr(views.selectors, "list_totals", totals_then_a_write_elsewhere)
    _rows(client)  # summed before the write, rendered after it
    page = _rows(client)  # no write since
    total_row = page[page.index('<tr class="total">') :]
    assert "12.000.000 đ" in total_row


def test_made_up_parameters_add_no_cache_entry(client, ministry_staff, tayninh_officer, commit_bumps):
    from django.core.cache import cache

    factories.make_project(by=tayninh_officer)
    commit_bumps()
    client.force_login(ministry_staff)
    _rows(client, "?year=2026")  # the list's own parameters: its fragments are stored
    keys = set(cache._cache.get_client().keys("*")) if hasattr(cache, "_cache") else None
    for n in range(3):
        assert "Hỗ trợ máy sấy nông sản" in _rows(client, f"?year=2026&x={n}")
    if keys is not None:  # Redis: no new fragment keys for ?x=…
        assert set(cache._cache.get_client().keys("*")) == keys


def test_after_a_money_entry_the_filter_form_is_not_built_again_but_an_activity_renamed_shows(
    client, tayninh_officer, tayninh_approver, django_assert_num_queries, commit_bumps
):
    """The filter form's choices are reference data (cached_reference): an officer's entry re-renders the rows,
    not the form with its provinces and activity contents; renaming an activity content shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from provinces.models import ActivityContent

    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    commit_bumps()
    client.force_login(tayninh_officer)
    _rows(client)  # the form and the rows rendered and cached
    _disburse_12_million(project, tayninh_officer)
    commit_bumps()
    with CaptureQueriesContext(connection) as queries:
        assert _rows(client).count("12.000.000 đ") == 2  # the rows, rendered again
    assert not [q for q in queries.captured_queries if 'FROM "provinces_activitycontent"' in q["sql"]]  # choices
    activity = ActivityContent.objects.get(pk=project.activity_id)
    activity.name_vi = "Nội dung đổi tên thử"
    activity.save()
    commit_bumps()
    assert "Nội dung đổi tên thử" in _rows(client)


def test_a_search_is_rendered_not_stored(client, tayninh_officer, monkeypatch):
    """Each search typed would add its own rendered page of rows and filter form to the cache: they are
    rendered for the request and not stored; the plain list's fragments are."""
    stored = []

    def recording(store):
        def wrapper(parts, compute, **kwargs):
            parts = list(parts)
            if parts[0] == "fragment":
                stored.append(parts[1])  # the fragment's name ("project-list", "project-list-filters")
            return store(parts, compute, **kwargs)

        return wrapper

    monkeypatch.setattr(cachekeys, "cached", recording(cachekeys.cached))
    monkeypatch.setattr(cachekeys, "reference_cached", recording(cachekeys.reference_cached))
    factories.make_project(by=tayninh_officer)
    client.force_login(tayninh_officer)
    assert "Hỗ trợ máy sấy nông sản" in _rows(client, "?q=máy sấy")
    assert "project-list" not in stored and "project-list-filters" not in stored
    _rows(client, "?year=2026")
    assert {"project-list", "project-list-filters"} <= set(stored)
