import pytest

from conferences.models import from_roman, to_roman


@pytest.mark.parametrize(
    ("number", "text"), [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII"), (14, "XIV"), (15, "XV"), (40, "XL")]
)
def test_roman_numerals_both_ways(number, text):
    assert to_roman(number) == text
    assert from_roman(text) == number


@pytest.mark.parametrize("text", ["", "IIII", "VX", "ABC", "XIIII"])
def test_non_canonical_roman_numerals_are_refused(text):
    with pytest.raises(ValueError):
        from_roman(text)
