"""Text as the portal stores, searches and sorts it, in one place.

- `fold`: search text that ignores Vietnamese diacritics and case ("hau giang" finds "Hậu Giang").
- `nfc` and the `pre_save` receiver: every CharField/TextField of our apps is stored in Unicode NFC, whatever the
  keyboard, PDF or spreadsheet it came from; `nfc_rows` does the same for the writes that bypass save()
  (bulk_create); `NFCQueryMiddleware` normalises query strings, so a search typed in NFD finds the NFC row.
- Vietnamese order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, tones secondary): `vi_order(field)`
  for order_by (PostgreSQL's ICU collation "vi-x-icu"; on SQLite the same name is registered on each connection
  with `vi_sort_key`), and `vi_sort_key(text)` for lists sorted in Python.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable

from django.db import models
from django.db.models.functions import Collate
from django.http import QueryDict
from unidecode import unidecode

# The apps whose rows hold our text (Django's own and third-party tables are left as they are).
APPS = frozenset(
    ["provinces", "notices", "periods", "projects", "reports", "products", "conferences", "network", "evaluation"]
)
VI_COLLATION = "vi-x-icu"


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: `Đề án Hậu Giang` → `de an hau giang`."""
    return re.sub(r"\s+", " ", unidecode(text or "").lower()).strip()


def nfc(text: str) -> str:
    """Text as stored: Unicode NFC, so "Hậu" typed with combining marks (some Vietnamese keyboards) is the same
    "Hậu" as everywhere else."""
    return unicodedata.normalize("NFC", text or "")


def _text_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]


def nfc_instance(instance: models.Model) -> models.Model:
    """Normalise the instance's text fields in place (NFC); other values are left alone."""
    for attname in _text_fields(type(instance)):
        value = getattr(instance, attname)
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            setattr(instance, attname, unicodedata.normalize("NFC", value))
    return instance


def nfc_rows(rows: Iterable[models.Model]) -> list:
    """The rows of a bulk_create/bulk_update with their text in NFC (those writes send no pre_save)."""
    return [nfc_instance(row) for row in rows]


def nfc_before_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver (connected in KhuyencongConfig.ready): our apps' text is stored in NFC."""
    if sender._meta.app_label in APPS:
        nfc_instance(instance)


def nfc_migrate(apps, schema_editor) -> None:
    """Data migration: rewrite every stored text of our apps' tables in NFC (rows already in NFC are not
    written). Takes the migration's app registry, so it can also be called with django.apps.apps."""
    for model in apps.get_models():
        if model._meta.app_label not in APPS or not model._meta.managed or model._meta.proxy:
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        changed = []
        manager = model._base_manager.using(schema_editor.connection.alias)
        for row in manager.order_by().only("pk", *fields).iterator(chunk_size=2000):
            before = [getattr(row, f) for f in fields]
            nfc_instance(row)
            if [getattr(row, f) for f in fields] != before:
                changed.append(row)
        for start in range(0, len(changed), 500):
            manager.bulk_update(changed[start : start + 500], fields)


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


class NFCQueryMiddleware:
    """Query strings in NFC: a search or filter typed with combining marks matches the rows as stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if not all(_is_nfc(key) and all(_is_nfc(v) for v in values) for key, values in query.lists()):
            normalised = QueryDict(mutable=True, encoding=query.encoding)
            for key, values in query.lists():
                normalised.setlist(nfc(key), [nfc(v) for v in values])
            normalised._mutable = False
            request.GET = normalised
        return self.get_response(request)


# Vietnamese order. Letters (with f, j, w, z where the Latin alphabet puts them, for foreign names); the tone
# marks are secondary: no mark, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ), then case (lower first), as ICU's "vi".
_ALPHABET = {letter: i for i, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn: ă â ê ô ơ ư are letters of their own
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@functools.lru_cache(maxsize=8192)
def vi_sort_key(text: str) -> tuple:
    """Sort key in Vietnamese order: `sorted(names, key=vi_sort_key)` puts "Bạc Liêu", "Bến Tre" before
    "Bình Thuận" and "Đồng Nai" after "Dương". Three levels as a collation has: letters, marks, case."""
    chars = unicodedata.normalize("NFD", text or "")
    primary, secondary, tertiary = [], [], []
    i = 0
    while i < len(chars):
        char = chars[i]
        i += 1
        marks = []
        while i < len(chars) and unicodedata.combining(chars[i]):
            marks.append(chars[i])
            i += 1
        lower = char.lower()
        letter = unicodedata.normalize("NFC", lower + "".join(m for m in marks if m in _LETTER_MARKS))
        if letter in _ALPHABET:
            others = [m for m in marks if m not in _LETTER_MARKS]
            primary.append((4, _ALPHABET[letter]))
        else:
            others = marks
            if char.isspace():
                primary.append((1, 0))
            elif char.isdigit():
                primary.append((3, unicodedata.digit(char, 0)))
            elif char.isalpha():
                primary.append((5, ord(lower)))
            else:
                primary.append((2, ord(char)))
        secondary.append(tuple(_TONES.get(m, 10 + ord(m)) for m in others))
        tertiary.append(int(char != lower))
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _vi_compare(a: str, b: str) -> int:
    key_a, key_b = vi_sort_key(a), vi_sort_key(b)
    return (key_a > key_b) - (key_a < key_b)


def vi_order(field: str) -> Collate:
    """`field` in Vietnamese order, for order_by and Meta.ordering (`vi_order("name").desc()` reverses it)."""
    return Collate(models.F(field), VI_COLLATION)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite gets the "vi-x-icu" collation PostgreSQL has from ICU."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI_COLLATION, _vi_compare)
