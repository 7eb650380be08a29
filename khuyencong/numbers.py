"""Vietnamese number formatting: 1.234.567 đ and 37,6%. English uses 1,234,567 ₫ and 37.6%.

Money is whole VND (int or Decimal); rates are Decimals or None (no plan: nothing to divide by).
Parsing goes the other way: `parse_amount`, `parse_percent`, `parse_date` read what people type into the
portal's text inputs (and spreadsheet cells), raising a ValidationError with a message in the active language.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

NO_VALUE = "—"


def _separators(language: str | None) -> tuple[str, str]:
    """(thousands, decimal) separators for a language; Vietnamese unless English is active."""
    return (",", ".") if (language or "vi").startswith("en") else (".", ",")


def group_digits(value: int | Decimal, *, places: int = 0, language: str | None = None) -> str:
    thousands, decimal_mark = _separators(language or translation.get_language())
    if not places and (type(value) is int or (type(value) is Decimal and value == value.to_integral_value())):
        # Whole numbers (every amount of money): the format mini-language groups by three as the loop below
        # does, five times faster — the period grid formats three amounts a row.
        whole = int(value)
        return f"{'-' if whole < 0 else ''}{abs(whole):,}".replace(",", thousands)
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


# ---- parsing what people type ------------------------------------------------------------------------
# The portal's own inputs are plain text boxes (never the browser's number or date widgets, which follow
# the browser's locale): what an officer types is read here, the Vietnamese way, in one place.

MAX_AMOUNT = Decimal(10) ** 18 - 1  # money_field: 18 digits
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_UNIT = re.compile(r"(đ|₫|vnđ|vnd|đồng)$")
_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 15.000.000
_DIGITS = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")
_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 31/10/2026, 31-10-2026, 31.10.2026
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_amount(text) -> Decimal | None:
    """Whole đồng from what was typed: `15.000.000`, `15000000`, `15 000 000` and `15.000.000 đ` are the same
    amount. Empty → None. A comma is the Vietnamese decimal mark, so `15,5` is refused (no fractions of a đồng)."""
    if text is None:
        return None
    if isinstance(text, int | Decimal) and not isinstance(text, bool):
        value = Decimal(text)
    else:
        if not isinstance(text, str):
            raise ValidationError(_("Enter a whole amount in đồng."), code="invalid")
        cleaned = _UNIT.sub("", _SPACES.sub("", text).lower())
        if not cleaned:
            return None
        if cleaned.startswith("-"):
            raise ValidationError(_("The amount cannot be negative."), code="negative")
        if _GROUPED_DOTS.match(cleaned):
            cleaned = cleaned.replace(".", "")
        if not _DIGITS.match(cleaned):
            if _DECIMAL.match(cleaned):
                raise ValidationError(_("Amounts are whole đồng, without decimals."), code="fraction")
            raise ValidationError(_("Enter a whole amount in đồng."), code="invalid")
        value = Decimal(cleaned)
    if value != value.to_integral_value():
        raise ValidationError(_("Amounts are whole đồng, without decimals."), code="fraction")
    if value < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if value > MAX_AMOUNT:
        raise ValidationError(_("The amount is too large."), code="too_large")
    return value


def parse_percent(text) -> Decimal | None:
    """A percentage from 0 to 100 with at most one decimal: `37,5`, `37.5`, `37,5%` and `60` are accepted.
    Empty → None."""
    if text is None:
        return None
    if isinstance(text, int | Decimal) and not isinstance(text, bool):
        value = Decimal(text)
    else:
        if not isinstance(text, str):
            raise ValidationError(_("Enter a percentage from 0 to 100, for example 37,5."), code="invalid")
        cleaned = _SPACES.sub("", text).rstrip("%")
        if not cleaned:
            return None
        if not _DECIMAL.match(cleaned):
            raise ValidationError(_("Enter a percentage from 0 to 100, for example 37,5."), code="invalid")
        whole, _mark, fraction = cleaned.replace(",", ".").partition(".")
        if len(fraction) > 1:  # "37,55"; and "1.000" is a thousand written with a group dot, not one
            raise ValidationError(_("Use at most one decimal place, for example 37,5."), code="places")
        value = Decimal(cleaned.replace(",", "."))
    if value != value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP):
        raise ValidationError(_("Use at most one decimal place, for example 37,5."), code="places")
    if not 0 <= value <= 100:
        raise ValidationError(_("Enter a percentage from 0 to 100, for example 37,5."), code="range")
    return value.quantize(Decimal("0.1")) if value != value.to_integral_value() else value.quantize(Decimal(1))


def parse_date(text) -> datetime.date | None:
    """A calendar day typed dd/mm/yyyy (also d/m/yyyy, with - or . between); ISO yyyy-mm-dd is read too, for
    machines. Empty → None. Years outside 2000–2100 are refused (a typo, not a project)."""
    if text is None:
        return None
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    if not isinstance(text, str):
        raise ValidationError(_("Enter a date as dd/mm/yyyy, for example 31/10/2026."), code="invalid")
    cleaned = _SPACES.sub("", text)
    if not cleaned:
        return None
    match = _DAY.match(cleaned)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DAY.match(cleaned)
        if not match:
            raise ValidationError(_("Enter a date as dd/mm/yyyy, for example 31/10/2026."), code="invalid")
        year, month, day = (int(part) for part in match.groups())
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("%(text)s is not a date in the calendar.") % {"text": text.strip()}, code="invalid"
        ) from None
    if not 2000 <= value.year <= 2100:
        raise ValidationError(
            _("The date %(date)s is out of range.") % {"date": value.strftime("%d/%m/%Y")}, code="range"
        )
    return value


def format_date(value: datetime.date | None) -> str:
    """dd/mm/yyyy, the way every page prints a day (and the way the inputs read it back)."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_amount_input(value: int | Decimal | None) -> str:
    """An amount as it is typed into an input: grouped with dots, no unit (`15.000.000`)."""
    return "" if value is None or value == "" else group_digits(value, language="vi")


def format_percent_input(value: Decimal | int | None) -> str:
    """A percentage as it is typed into an input: `37,5`, `60`."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else 1
    return group_digits(number, places=places, language="vi")
