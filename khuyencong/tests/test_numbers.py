from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from khuyencong import numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, "1.234.567 đ"),
        (0, "0 đ"),
        (999, "999 đ"),
        (1000, "1.000 đ"),
        (Decimal("2500000000"), "2.500.000.000 đ"),
        (-45000, "-45.000 đ"),
        (None, "—"),
    ],
)
def test_vnd_in_vietnamese(value, expected):
    with translation.override("vi"):
        assert numbers.format_vnd(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("37.6"), "37,6%"),
        (Decimal("50"), "50,0%"),
        (Decimal("37.649"), "37,6%"),
        (Decimal("37.65"), "37,7%"),
        (Decimal("1234.5"), "1.234,5%"),
        (None, "—"),
    ],
)
def test_percent_in_vietnamese(value, expected):
    with translation.override("vi"):
        assert numbers.format_percent(value) == expected


def test_english_uses_english_separators():
    with translation.override("en"):
        assert numbers.format_vnd(1234567) == "1,234,567 ₫"
        assert numbers.format_percent(Decimal("37.6")) == "37.6%"


def test_rate_handles_a_zero_plan():
    assert numbers.rate(376, 1000) == Decimal("37.6")
    assert numbers.rate(5, 0) is None
    assert numbers.rate(5, None) is None
    assert numbers.rate(None, 10) == 0


def test_template_filters_are_builtin():
    template = Template("{{ amount|vnd }} | {{ share|percent }} | {{ none|percent }} | {{ count|digits }}")
    with translation.override("vi"):
        out = template.render(Context({"amount": 1234567, "share": Decimal("37.6"), "none": None, "count": 12345}))
    assert out == "1.234.567 đ | 37,6% | — | 12.345"
