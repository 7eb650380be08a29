"""Every error message in the Vietnamese slot is Vietnamese: each of DRF's (and django-filter's) built-in
validation errors is fed through the API and its `vi` text checked, beside the English one."""

import re

import pytest

from projects.tests.test_api import client_for, error_of

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
ENGLISH_WORDS = re.compile(r"\b(the|this|field|value|valid|must|ensure|expected|received|object|enter|invalid)\b", re.I)


def valid_body(officer) -> dict:
    from provinces.models import ActivityContent, Unit

    province = officer.unit.province
    return {
        "title": "Hỗ trợ máy sấy",
        "province": province.pk,
        "implementing_unit": Unit.objects.get(kind="centre", province=province).pk,
        "plan_year": 2026,
        "fund": "local",
        "activity": ActivityContent.objects.get(code="KC03").pk,
        "start_date": "2026-02-01",
        "end_date": "2026-10-31",
        "approved_support": "100000000",
    }


CASES = {
    # DRF error code: (field, value sent; None removes the field)
    "required": ("title", None),
    "blank": ("title", ""),
    "null": ("title", None),  # sent as JSON null, see below
    "max_length": ("title", "x" * 501),
    "invalid_string": ("title", {"a": 1}),
    "incorrect_type": ("province", "tám mươi"),
    "does_not_exist": ("province", 999_999),
    "out_of_range_id": ("province", 0),
    "max_value": ("plan_year", 2101),
    "min_value": ("plan_year", 1999),
    "invalid_integer": ("plan_year", "năm nay"),
    "invalid_choice": ("fund", "bogus"),
    "date_format": ("start_date", "31/12/2026"),
    "boolean": ("is_pilot", "có lẽ"),
    "unknown_field": ("colour", "xanh"),
    "money": ("approved_support", 1.5),
}


def assert_vietnamese(message: dict) -> None:
    assert message["vi"] != message["en"], message
    assert VIETNAMESE.search(message["vi"]), message
    assert not ENGLISH_WORDS.search(message["vi"]), message
    assert " ." not in message["vi"] and "  " not in message["vi"], message  # no "… 100 ." spacing


@pytest.mark.parametrize("case", CASES)
def test_each_builtin_field_error_is_vietnamese_in_the_vi_slot(tayninh_officer, case):
    field, value = CASES[case]
    body = valid_body(tayninh_officer)
    if case == "required":
        body.pop(field)
    elif case == "null":
        body[field] = None
    else:
        body[field] = value
    response = client_for(tayninh_officer).post("/api/v1/projects/", body, format="json")
    error = error_of(response)
    assert response.status_code == 400, error
    assert field in error["fields"], error
    for message in error["fields"][field]:
        assert_vietnamese(message)
    assert_vietnamese({"vi": error["message_vi"], "en": error["message_en"]})


def test_the_pk_messages_say_what_is_wrong(tayninh_officer):
    body = valid_body(tayninh_officer) | {"province": 0, "activity": 999_999, "implementing_unit": "80"}
    fields = error_of(client_for(tayninh_officer).post("/api/v1/projects/", body, format="json"))["fields"]
    assert fields["province"][0]["vi"] == "Không có bản ghi nào mang mã số (id) “0”."
    assert fields["activity"][0]["vi"] == "Không có bản ghi nào mang mã số (id) “999999”."
    assert fields["implementing_unit"][0]["en"] == "Incorrect type. Expected pk value, received str."
    assert fields["implementing_unit"][0]["vi"].startswith("Sai kiểu dữ liệu")


@pytest.mark.parametrize(
    "query",
    ["approved=yes", "year=20x6", "year=1999", "status=bogus", "province=abc", "ordering=bogus", "page_size=0"],
)
def test_each_filter_error_is_vietnamese_in_the_vi_slot(tayninh_officer, query):
    response = client_for(tayninh_officer).get(f"/api/v1/projects/?{query}")
    error = error_of(response)
    assert response.status_code == 400
    name = query.split("=")[0]
    assert name in error["fields"], error
    for message in error["fields"][name]:
        assert_vietnamese(message)


def test_a_body_that_is_not_an_object_is_refused_in_vietnamese(tayninh_officer):
    error = error_of(client_for(tayninh_officer).post("/api/v1/projects/", [1, 2], format="json"))
    for messages in error["fields"].values():
        for message in messages:
            assert_vietnamese(message)
