"""Vietnamese tax codes (mã số thuế) of establishments: told valid by their check digit, stored in one form.

- 10 digits: an enterprise, cooperative or household business; the tenth digit is a check digit
  (weights 31, 29, 23, 19, 17, 13, 7, 5, 3 over the first nine; check = 10 − sum mod 11, and a result of
  10 is never issued).
- 13 digits: a branch or dependent unit, the parent's ten digits and a three-digit number 001–999, written
  `0123456789-001` (stored so; typed with or without the hyphen).
- 12 digits: since 1 July 2025 individuals and household businesses use the owner's personal
  identification number as their tax code; it carries no check digit we can verify, only its length.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for nine digits, or None when no valid code can start with them."""
    remainder = sum(int(digit) * weight for digit, weight in zip(first_nine, WEIGHTS, strict=True)) % 11
    digit = 10 - remainder
    return None if digit == 10 else digit % 10


def normalise(text: str) -> str:
    """The tax code in its stored form ('' when empty); ValidationError with a Vietnamese message if invalid."""
    compact = re.sub(r"[\s.\-]", "", text or "")
    if not compact:
        return ""
    if not compact.isdigit() or len(compact) not in (10, 12, 13):
        raise ValidationError(
            _("A tax code has 10 digits (13 for a branch, e.g. 0123456789-001; 12 for a personal ID number).")
        )
    if len(compact) == 12:
        return compact
    if check_digit(compact[:9]) != int(compact[9]):
        raise ValidationError(_("The tax code %(code)s fails its check digit: please check it.") % {"code": text})
    if len(compact) == 13:
        if compact[10:] == "000":
            raise ValidationError(_("A branch number runs from 001 to 999."))
        return f"{compact[:10]}-{compact[10:]}"
    return compact
