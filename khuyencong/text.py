"""Search text that ignores Vietnamese diacritics and case: "hau giang" finds "Hậu Giang"."""

import re
import unicodedata

from unidecode import unidecode


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: `Đề án Hậu Giang` → `de an hau giang`."""
    return re.sub(r"\s+", " ", unidecode(text or "").lower()).strip()


def nfc(text: str) -> str:
    """Text as stored: Unicode NFC, so "Hậu" typed with combining marks (some Vietnamese keyboards) is the same
    "Hậu" as everywhere else."""
    return unicodedata.normalize("NFC", text or "")
