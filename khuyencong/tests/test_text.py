"""Text in NFC at every entry point (form, API, import, search; existing rows by the data migration) and names in
Vietnamese order (PostgreSQL's ICU collation, the same collation on SQLite, the Python key), worked by hand."""

import datetime
import types
import unicodedata

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse
from freezegun import freeze_time

from khuyencong import text
from network.models import Collaborator
from projects import excel
from projects.models import Beneficiary, Project
from projects.tests import factories
from projects.tests.test_api import client_for
from projects.tests.test_excel import project_row, upload, workbook
from provinces.models import Commune, Province
from provinces.tests.test_api import bearer

pytestmark = pytest.mark.django_db


def nfd(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value)
    assert decomposed != value  # the test really sends combining marks
    return decomposed


def is_nfc(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value)


# The brief's order, checked against PostgreSQL 15's "vi-x-icu" by hand (ORDER BY x COLLATE "vi-x-icu").
VIETNAMESE_ORDER = [
    "An Giang",
    "Ăn",
    "Ấp",
    "Bạc Liêu",
    "Bến Tre",
    "Bình Thuận",
    "Dương",
    "Đồng Nai",
    "E",
    "Tây Ninh",
    "Thành phố Cần Thơ",
    "Uy",
    "Ưu",
]
TONES = ["a", "A", "à", "ả", "ã", "á", "ạ"]  # no mark, huyền, hỏi, ngã, sắc, nặng: secondary; case last


def test_the_python_key_sorts_in_vietnamese_order():
    assert sorted(sorted(VIETNAMESE_ORDER), key=text.vi_sort_key) == VIETNAMESE_ORDER
    assert sorted(sorted(TONES), key=text.vi_sort_key) == TONES
    # (the inner sort is code-point order.) NFD and NFC are the same name; code points put "Bạc Liêu" last
    assert text.vi_sort_key(nfd("Bạc Liêu")) == text.vi_sort_key("Bạc Liêu")
    assert sorted(["Bình Thuận", "Bạc Liêu"]) == ["Bình Thuận", "Bạc Liêu"]


def test_the_database_collation_sorts_like_the_python_key():
    """On the test database (PostgreSQL on CI: ICU's vi; SQLite: the collation registered on the connection)."""
    words = VIETNAMESE_ORDER + TONES
    with connection.cursor() as cursor:
        values = " UNION ALL ".join(["SELECT %s AS w"] * len(words))
        cursor.execute(f'SELECT w FROM ({values}) AS t ORDER BY w COLLATE "vi-x-icu"', words)  # noqa: S608
        ordered = [row[0] for row in cursor.fetchall()]
    assert ordered == sorted(words, key=text.vi_sort_key)
    assert ordered.index("Bạc Liêu") < ordered.index("Bình Thuận") < ordered.index("Dương") < ordered.index("Đồng Nai")


def test_provinces_and_communes_list_in_vietnamese_order(reference_data):
    old = list(Province.objects.filter(code_set=2004).values_list("name", flat=True))
    assert old == sorted(old, key=text.vi_sort_key)
    assert old.index("Bạc Liêu") < old.index("Bến Tre") < old.index("Bình Thuận") < old.index("Cà Mau")
    assert old.index("Bình Thuận") < old.index("Đồng Nai") < old.index("Hậu Giang")  # Đ after every D…, before E…
    assert old.index("Tây Ninh") < old.index("Thành phố Cần Thơ")
    assert list(Province.objects.values_list("code_set", flat=True)[:1]) == [2025]  # today's provinces first
    communes = list(Commune.objects.filter(province__name="Tây Ninh").values_list("name", flat=True))
    assert len(communes) > 50 and communes == sorted(communes, key=text.vi_sort_key)


def test_sqlite_connections_get_the_collation(reference_data):
    """A SQLite database (what `make run` uses) orders the same querysets the same way."""
    wrapper = DatabaseWrapper({**connections["default"].settings_dict, "ENGINE": "django.db.backends.sqlite3",
                               "NAME": ":memory:", "TEST": {}, "OPTIONS": {}}, alias="vi_sqlite")  # fmt: skip
    connections["vi_sqlite"] = wrapper
    try:
        with wrapper.schema_editor() as editor:
            editor.create_model(Province)
        names = list(reversed(VIETNAMESE_ORDER))
        Province.objects.using("vi_sqlite").bulk_create(
            Province(code=i, code_set=2004, name=n, valid_from=datetime.date(2004, 1, 1)) for i, n in enumerate(names)
        )
        assert list(Province.objects.using("vi_sqlite").values_list("name", flat=True)) == VIETNAMESE_ORDER
        ordered = Province.objects.using("vi_sqlite").order_by(text.vi_order("name").desc())
        assert list(ordered.values_list("name", flat=True)) == VIETNAMESE_ORDER[::-1]
    finally:
        wrapper.close()
        del connections["vi_sqlite"]


def test_the_regional_dashboard_lists_its_rows_in_vietnamese_order(client, ministry_staff):
    client.force_login(ministry_staff)
    html = client.get(reverse("reports:regional_dashboard"), {"year": 2024, "period": "year"}).content.decode()
    at = {name: html.index(f">{name}<") for name in ("Bạc Liêu", "Bến Tre", "Bình Thuận", "Đồng Nai", "Hậu Giang")}
    at |= {name: html.index(f">{name}") for name in ("Tây Ninh", "Thành phố Cần Thơ")}
    assert at["Bạc Liêu"] < at["Bến Tre"] < at["Bình Thuận"] < at["Đồng Nai"] < at["Hậu Giang"]
    assert at["Tây Ninh"] < at["Thành phố Cần Thơ"]


def test_the_project_form_stores_nfd_input_in_nfc(client, tayninh_officer):
    client.force_login(tayninh_officer)
    form = {
        "title": nfd("Hỗ trợ máy sấy nông sản Hậu Giang"),
        "location": nfd("Ấp Phước Hội, xã Mỹ An"),
        "province": tayninh_officer.unit.province.pk,
        "implementing_unit": tayninh_officer.unit.pk,
        "plan_year": 2026,
        "fund": "local",
        "activity": factories.ActivityContent.objects.get(code="KC03").pk,
        "start_date": "01/05/2026",
        "end_date": "30/11/2026",
        "approved_support": "150.000.000",
        "counterpart": "0",
        "other_sources": "0",
    }
    assert client.post(reverse("projects:create"), form).status_code == 302
    project = Project.objects.get()
    assert project.title == "Hỗ trợ máy sấy nông sản Hậu Giang" and is_nfc(project.title)
    assert project.location == "Ấp Phước Hội, xã Mỹ An"
    assert project.history.get().title == project.title  # the history row is written from the normalised row


@freeze_time("2026-03-10")
def test_the_api_stores_nfd_input_in_nfc(tayninh_officer):
    tayninh_project = factories.make_project(by=tayninh_officer)
    body = {
        "title": nfd("Đào tạo nghề mây tre Bến Tre"),
        "location": nfd("Xã Tân Phú"),
        "province": tayninh_project.province_id,
        "implementing_unit": tayninh_project.implementing_unit_id,
        "plan_year": 2026,
        "fund": "local",
        "activity": tayninh_project.activity_id,
        "start_date": "2026-03-01",
        "end_date": "2026-09-30",
        "approved_support": "150000000",
        "counterpart": 20_000_000,
    }
    response = client_for(tayninh_officer).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Đào tạo nghề mây tre Bến Tre"
    stored = Project.objects.get(pk=response.json()["id"])
    assert (stored.title, stored.location) == ("Đào tạo nghề mây tre Bến Tre", "Xã Tân Phú")


@freeze_time("2026-11-20")
def test_the_import_stores_nfd_cells_in_nfc(tayninh_officer):
    content = workbook(
        projects=[
            project_row(
                code="IMP-NFD",
                title=nfd("Hỗ trợ lò sấy Đồng Tháp"),
                location=nfd("Xã Mỹ An"),
                beneficiary_name=nfd("Hợp tác xã Mây tre đan Phú Hội"),
                beneficiary_kind="Hợp tác xã",
            )
        ]
    )
    assert excel.import_workbook(upload(content), by=tayninh_officer)["created"] == 1
    project = Project.objects.get(code="IMP-NFD")
    assert (project.title, project.location) == ("Hỗ trợ lò sấy Đồng Tháp", "Xã Mỹ An")
    assert project.beneficiaries.get().name == "Hợp tác xã Mây tre đan Phú Hội"


def test_a_search_typed_in_nfd_finds_the_nfc_row(client, tayninh_officer, cantho_officer):
    cantho_project = factories.make_project(by=cantho_officer, title="Đào tạo nghề đan lát Hậu Giang", activity="KC01")
    client.force_login(cantho_officer)
    page = client.get(reverse("projects:list"), {"q": nfd("Hậu Giang")})
    assert list(page.context["page"]) == [cantho_project]
    assert page.context["filter"].form["q"].value() == "Hậu Giang"  # the box shows the query as stored
    # an exact-substring filter (icontains) too: the province search of the API
    found = bearer(tayninh_officer).get("/api/v1/provinces/", {"code_set": 2004, "search": nfd("Bạc Liêu")}).json()
    assert [p["name"] for p in found["results"]] == ["Bạc Liêu"]


def test_every_save_of_our_models_stores_nfc_and_bulk_writes_are_normalised(reference_data, tayninh_officer):
    tay_ninh = tayninh_officer.unit.province
    collaborator = Collaborator.objects.create(
        province=tay_ninh, full_name=nfd("Nguyễn Thị Ánh"), contract_start=datetime.date(2026, 1, 1)
    )
    collaborator.refresh_from_db()
    assert collaborator.full_name == "Nguyễn Thị Ánh"
    rows = text.nfc_rows([Beneficiary(name=nfd("Cơ sở Bánh tráng Tư Hương"), kind="household")])
    Beneficiary.objects.bulk_create(rows)
    assert Beneficiary.objects.get(kind="household").name == "Cơ sở Bánh tráng Tư Hương"


def test_the_data_migration_rewrites_stored_nfd_in_nfc(reference_data, tayninh_officer):
    project = factories.make_project(by=tayninh_officer, title="Đề án Sóc Trăng")
    Project.objects.filter(pk=project.pk).update(title=nfd("Đề án Sóc Trăng"), location=nfd("Xã Hòa Tú"))  # no save()
    Province.objects.filter(code=94, code_set=2004).update(name=nfd("Sóc Trăng"))
    assert not is_nfc(Project.objects.get(pk=project.pk).title)
    text.nfc_migrate(apps, types.SimpleNamespace(connection=connection))
    project.refresh_from_db()
    assert (project.title, project.location) == ("Đề án Sóc Trăng", "Xã Hòa Tú")
    assert is_nfc(project.title) and Province.objects.get(code=94, code_set=2004).name == "Sóc Trăng"
