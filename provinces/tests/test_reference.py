import datetime

import pytest

from provinces import selectors, services
from provinces.models import ActivityContent, CodeSet, Commune, Province, RegionMembership, Unit

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


def test_loads_20_old_and_9_new_provinces(reference_data):
    assert Province.objects.filter(code_set=CodeSet.CODES_2004).count() == 20
    assert Province.objects.filter(code_set=CodeSet.CODES_2025).count() == 9
    assert selectors.provinces_in_region_on(day=BEFORE).count() == 20
    assert selectors.provinces_in_region_on(day=AFTER).count() == 9


@pytest.mark.parametrize(
    ("old_code", "old_name", "new_code", "new_name"),
    [
        (79, "Thành phố Hồ Chí Minh", 79, "Thành phố Hồ Chí Minh"),
        (74, "Bình Dương", 79, "Thành phố Hồ Chí Minh"),
        (77, "Bà Rịa - Vũng Tàu", 79, "Thành phố Hồ Chí Minh"),
        (75, "Đồng Nai", 75, "Đồng Nai"),
        (70, "Bình Phước", 75, "Đồng Nai"),
        (72, "Tây Ninh", 80, "Tây Ninh"),
        (80, "Long An", 80, "Tây Ninh"),
        (82, "Tiền Giang", 82, "Đồng Tháp"),
        (87, "Đồng Tháp", 82, "Đồng Tháp"),
        (83, "Bến Tre", 86, "Vĩnh Long"),
        (84, "Trà Vinh", 86, "Vĩnh Long"),
        (86, "Vĩnh Long", 86, "Vĩnh Long"),
        (89, "An Giang", 91, "An Giang"),
        (91, "Kiên Giang", 91, "An Giang"),
        (92, "Thành phố Cần Thơ", 92, "Thành phố Cần Thơ"),
        (93, "Hậu Giang", 92, "Thành phố Cần Thơ"),
        (94, "Sóc Trăng", 92, "Thành phố Cần Thơ"),
        (95, "Bạc Liêu", 96, "Cà Mau"),
        (96, "Cà Mau", 96, "Cà Mau"),
        (60, "Bình Thuận", 68, "Lâm Đồng"),
    ],
)
def test_every_successor_link(reference_data, old_code, old_name, new_code, new_name):
    old = Province.objects.select_related("successor").get(code=old_code, code_set=CodeSet.CODES_2004)
    assert old.name == old_name
    assert (old.successor.code, old.successor.code_set, old.successor.name) == (new_code, 2025, new_name)
    assert old.valid_to == BEFORE and old.successor.valid_from == AFTER


@pytest.mark.parametrize(
    ("code", "old_name", "new_name"),
    [(80, "Long An", "Tây Ninh"), (82, "Tiền Giang", "Đồng Tháp"), (91, "Kiên Giang", "An Giang")],
)
def test_reused_codes_are_kept_apart(reference_data, code, old_name, new_name):
    assert Province.objects.get(code=code, code_set=2004).name == old_name
    assert Province.objects.get(code=code, code_set=2025).name == new_name


def test_inferred_memberships_are_marked(reference_data):
    inferred = set(
        RegionMembership.objects.filter(is_inferred=True).values_list("province__name", "province__code_set")
    )
    assert inferred == {("Bình Thuận", 2004), ("Lâm Đồng", 2025)}


def test_communes_of_the_new_provinces(reference_data):
    assert Commune.objects.filter(province__code=80, province__code_set=2025).count() == 96
    assert Commune.objects.filter(province__code=92, province__code_set=2025).count() == 103
    assert Commune.objects.count() == 978
    assert set(Commune.objects.values_list("division_type", flat=True)) == {"xã", "phường", "đặc khu"}


def test_ministry_department_renamed_in_2025(reference_data):
    ministry = Unit.objects.get(kind=Unit.Kind.MINISTRY_DEPARTMENT)
    assert ministry.name_on(datetime.date(2022, 10, 13)).startswith("Cục Công Thương địa phương")
    assert ministry.name_on(datetime.date(2025, 10, 20)).startswith(
        "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"
    )


def test_each_province_has_its_department_and_centre(reference_data):
    for province in Province.objects.all():
        kinds = set(province.units.values_list("kind", flat=True))
        assert kinds == {Unit.Kind.DEPARTMENT_OF_INDUSTRY_AND_TRADE, Unit.Kind.EXTENSION_CENTRE}, province


def test_activity_contents_reference_table(reference_data):
    assert ActivityContent.objects.count() == 18
    assert set(ActivityContent.objects.values_list("heading", flat=True)) == {1, 2, 3, 4, 5, 6}
    added_2025 = ActivityContent.objects.filter(valid_from=datetime.date(2025, 10, 15))
    assert added_2025.count() == 3


def test_loading_twice_adds_no_rows(db):
    first = services.reference_load()
    second = services.reference_load()
    assert first == second
    assert first["provinces"] == 29 and first["communes"] == 978


def test_constraint_rejects_duplicate_code_in_same_set(reference_data):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Province.objects.create(code=80, code_set=2025, name="Trùng", kind="province", valid_from=AFTER)
