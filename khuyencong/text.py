"""Search text that ignores Vietnamese diacritics and case: "hau giang" finds "Hậu Giang"."""

import re

from unidecode import unidecode


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: `Đề án Hậu Giang` → `de an hau giang`."""
    return re.sub(r"\s+", " ", unidecode(text or "").lower()).strip()
