import datetime

import pytest
from django.urls import reverse

from provinces import selectors, services
from provinces.models import Province, Unit, User


def names(queryset):
    return sorted(p.name for p in queryset)


def test_officer_reaches_own_province_and_those_merged_into_it(tayninh_officer):
    provinces = Province.objects.filter(pk__in=selectors.province_ids_in_scope(user=tayninh_officer))
    assert sorted((p.name, p.code_set) for p in provinces) == [
        ("Long An", 2004),
        ("Tây Ninh", 2004),
        ("Tây Ninh", 2025),
    ]


def test_officer_of_merged_city_sees_hau_giang_history(cantho_officer):
    scoped = selectors.scope_for_user(Province.objects.all(), user=cantho_officer, province_field="pk")
    assert names(scoped) == ["Hậu Giang", "Sóc Trăng", "Thành phố Cần Thơ", "Thành phố Cần Thơ"]


def test_officers_of_two_provinces_never_overlap(tayninh_officer, cantho_officer):
    tayninh = selectors.province_ids_in_scope(user=tayninh_officer)
    cantho = selectors.province_ids_in_scope(user=cantho_officer)
    assert tayninh and cantho and not (tayninh & cantho)


def test_ministry_staff_and_administrators_see_every_province(ministry_staff, administrator):
    for user in (ministry_staff, administrator):
        assert selectors.province_ids_in_scope(user=user) is None
        assert selectors.scope_for_user(Province.objects.all(), user=user, province_field="pk").count() == 29


def test_anonymous_and_unit_less_accounts_see_nothing(reference_data):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.scope_for_user(Province.objects.all(), user=AnonymousUser(), province_field="pk").count() == 0


def test_provincial_role_requires_a_unit(reference_data):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="nounit", role=User.Role.OFFICER)


def test_old_province_unit_sees_only_itself(reference_data):
    long_an_centre = Unit.objects.get(kind="centre", province__code=80, province__code_set=2004)
    user = User.objects.create_user(username="la", role=User.Role.OFFICER, unit=long_an_centre)
    assert names(selectors.provinces_in_scope_for(user=user)) == ["Long An"]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("tayninh_officer", "Tây Ninh"), ("cantho_approver", "Thành phố Cần Thơ")],
)
def test_home_shows_the_users_province(client, request, fixture, expected):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["province"].name == expected
    assert expected in response.content.decode()


def test_home_requires_sign_in(client, reference_data):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_ministry_home_counts_all_provinces(client, ministry_staff):
    """Every province is in the ministry's scope, today's and the former ones, counted apart."""
    client.force_login(ministry_staff)
    page = client.get(reverse("home")).content.decode()
    assert "9 tỉnh, thành phố của khu vực hiện nay" in page and "20 tỉnh, thành phố cũ" in page


def test_demo_accounts_are_idempotent(reference_data):
    services.demo_accounts_create()
    services.demo_accounts_create()
    assert User.objects.filter(username__in=[a[0] for a in services.DEMO_ACCOUNTS]).count() == 6
    officer = User.objects.get(username="tayninh.canbo")
    assert officer.unit.province.name == "Tây Ninh" and officer.unit.province.code_set == 2025
    assert officer.check_password(services.DEMO_PASSWORD)


def test_demo_accounts_refused_in_production(reference_data, settings):
    settings.PRODUCTION = True
    with pytest.raises(RuntimeError):
        services.demo_accounts_create()


def test_families_remembered_reads_each_family_once_and_keeps_them_apart(
    tayninh_officer, cantho_officer, django_assert_num_queries
):
    """Inside the block the merger's graph is read once (one query: this test's transaction wrote the
    provinces, so they are not read from the cache) and each family computed from it, apart; the sets handed
    out are copies, and outside the block every call reads the graph afresh."""
    tayninh, cantho = tayninh_officer.unit.province_id, cantho_officer.unit.province_id
    with selectors.families_remembered(), django_assert_num_queries(1):
        first = selectors.province_family_ids(province_id=tayninh)
        first.add(-1)  # a caller's change stays its own
        assert selectors.province_family_ids(province_id=tayninh) == first - {-1}
        assert selectors.province_ids_in_scope(user=tayninh_officer) == first - {-1}
        assert not selectors.province_family_ids(province_id=cantho) & first
        selectors.province_ids_in_scope(user=cantho_officer)
    with django_assert_num_queries(1):
        selectors.province_family_ids(province_id=tayninh)


def test_a_merger_recorded_after_a_read_is_seen_outside_the_block(tayninh_officer):
    """A write (a POST) is never inside the block: a province merged into Tây Ninh joins its family at once."""
    tayninh = tayninh_officer.unit.province
    extra = Province.objects.create(
        code=999, code_set=2004, name="Tỉnh thử", kind="province", valid_from=datetime.date(2004, 1, 1)
    )
    with selectors.families_remembered():
        before = selectors.province_family_ids(province_id=tayninh.pk)
        Province.objects.filter(pk=extra.pk).update(successor=tayninh)
        assert selectors.province_family_ids(province_id=tayninh.pk) == before  # remembered inside
    assert selectors.province_family_ids(province_id=tayninh.pk) == before | {extra.pk}


def test_a_get_request_reads_each_family_once_and_a_post_afresh(rf, client, tayninh_officer):
    from django.db import connection
    from django.http import HttpResponse
    from django.test.utils import CaptureQueriesContext

    from khuyencong.middleware import ReadOnlyScopeMiddleware

    def view(request):
        for _ in range(3):
            selectors.province_ids_in_scope(user=tayninh_officer)
        return HttpResponse()

    # This test's transaction wrote the provinces: the merger's graph is read from the database, not the cache.
    middleware = ReadOnlyScopeMiddleware(view)
    for method, reads in [("get", 1), ("head", 1), ("post", 3)]:
        with CaptureQueriesContext(connection) as queries:
            middleware(getattr(rf, method)("/"))
        assert len(queries) == reads, method
    client.force_login(tayninh_officer)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    graph_reads = [q for q in queries.captured_queries if 'AS "valid_to" FROM "provinces_province"' in q["sql"]]
    assert len(graph_reads) == 1  # once for the page's every section
