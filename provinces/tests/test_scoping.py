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
