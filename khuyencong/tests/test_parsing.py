"""What officers type, read the Vietnamese way (khuyencong.numbers.parse_*)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from khuyencong import numbers


@pytest.mark.parametrize(
    "text",
    ["15.000.000", "15000000", "15 000 000", "15\u00a0000\u00a0000", " 15.000.000 đ ", "15.000.000đ", "15000000 VND"],
)
def test_every_usual_spelling_of_fifteen_million_is_the_same_amount(text):
    assert numbers.parse_amount(text) == Decimal(15_000_000)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Nhập số tiền nguyên"),
        ("15,5", "không có phần thập phân"),
        ("15.000,50", "Nhập số tiền nguyên"),
        ("1.5", "không có phần thập phân"),
        ("15.00.000", "Nhập số tiền nguyên"),
        ("-500.000", "không được âm"),
        ("1" + "0" * 18, "quá lớn"),
    ],
)
def test_anything_else_is_refused_with_a_vietnamese_message(text, message):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        numbers.parse_amount(text)
    assert message in refused.value.messages[0]


def test_empty_amount_is_none_and_numbers_pass_through():
    assert (
        numbers.parse_amount("") is None and numbers.parse_amount("  ") is None and numbers.parse_amount(None) is None
    )
    assert numbers.parse_amount(2500) == Decimal(2500)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("37,5", Decimal("37.5")),
        ("37.5", Decimal("37.5")),
        ("37,5%", Decimal("37.5")),
        ("60", Decimal(60)),
        ("0", Decimal(0)),
        ("100", Decimal(100)),
        ("100,0", Decimal(100)),
    ],
)
def test_percentages_take_a_decimal_comma(text, expected):
    assert numbers.parse_percent(text) == expected


@pytest.mark.parametrize("text", ["abc", "101", "37,55", "-5", "1.000"])
def test_bad_percentages_are_refused(text):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        numbers.parse_percent(text)
    assert "37,5" in refused.value.messages[0]  # every message shows how to write it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/10/2026", datetime.date(2026, 10, 31)),
        ("1/2/2026", datetime.date(2026, 2, 1)),
        ("01-02-2026", datetime.date(2026, 2, 1)),
        ("01.02.2026", datetime.date(2026, 2, 1)),
        ("2026-02-01", datetime.date(2026, 2, 1)),
    ],
)
def test_dates_are_day_first(text, expected):
    assert numbers.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10/31/2026", "không phải một ngày"),
        ("31/02/2026", "không phải một ngày"),
        ("hôm qua", "dd/mm/yyyy"),
        ("01/02/1999", "ngoài khoảng"),
        ("1/2/26", "dd/mm/yyyy"),
    ],
)
def test_impossible_dates_are_refused(text, message):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        numbers.parse_date(text)
    assert message in refused.value.messages[0]


def test_inputs_show_values_the_way_they_are_read_back():
    assert numbers.format_amount_input(Decimal(15_000_000)) == "15.000.000"
    assert numbers.parse_amount(numbers.format_amount_input(Decimal(15_000_000))) == 15_000_000
    assert numbers.format_percent_input(Decimal("37.5")) == "37,5" and numbers.format_percent_input(60) == "60"
    assert numbers.format_date(datetime.date(2026, 2, 1)) == "01/02/2026"
