"""Vietnamese number formatting: 1.234.567 đ and 37,6%. English uses 1,234,567 ₫ and 37.6%.

Money is whole VND (int or Decimal); rates are Decimals or None (no plan: nothing to divide by).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

NO_VALUE = "—"


def _separators(language: str | None) -> tuple[str, str]:
    """(thousands, decimal) separators for a language; Vietnamese unless English is active."""
    return (",", ".") if (language or "vi").startswith("en") else (".", ",")


def group_digits(value: int | Decimal, *, places: int = 0, language: str | None = None) -> str:
    thousands, decimal_mark = _separators(language or translation.get_language())
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = thousands.join(groups) or "0"
    return f"{sign}{text}{decimal_mark}{fraction}" if fraction else f"{sign}{text}"


def format_vnd(value: int | Decimal | None, *, language: str | None = None) -> str:
    """Whole đồng with grouped digits: `1.234.567 đ`."""
    if value is None or value == "":
        return NO_VALUE
    language = language or translation.get_language()
    unit = "₫" if (language or "vi").startswith("en") else "đ"
    return f"{group_digits(value, language=language)} {unit}"


def format_percent(value: Decimal | float | None, *, places: int = 1, language: str | None = None) -> str:
    """A percentage already multiplied by 100: `37,6%`; None (no plan to divide by) shows `—`."""
    if value is None or value == "":
        return NO_VALUE
    return f"{group_digits(Decimal(str(value)), places=places, language=language)}%"


def rate(numerator: int | Decimal | None, denominator: int | Decimal | None) -> Decimal | None:
    """numerator ÷ denominator as a percentage, or None when the denominator is zero or missing."""
    if not denominator:
        return None
    return Decimal(numerator or 0) * 100 / Decimal(denominator)
