"""Every main page speaks the user's language: Vietnamese by default, English after the switch.

Three nets, each able to catch what the others miss:
- the catalogue: no entry of locale/vi/LC_MESSAGES/django.po left empty or fuzzy (fuzzy ones are not shown);
- the lookups: while the pages render in Vietnamese, every message looked up in the translation catalogues
  (ours, Django's, the libraries') must come back translated; a msgid with no Vietnamese falls through
  as English and is named here;
- the page text: the English labels of statuses, report events, sort options and chart legends never
  appear in a Vietnamese page, and the Vietnamese status labels never in an English one; and every
  character has a glyph in DejaVu Sans, the stylesheet's font (an emoji such as ⏱ has none).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real
from fontTools.ttLib import TTFont

from conferences.models import ConclusionFollowUp, Conference
from khuyencong.tests import main_pages
from periods.models import EntryException
from projects.models import NationalPlanRegistration, Status
from provinces.models import User
from reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

DEJAVU_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core, in the base image
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# Looked up, and the same in both languages by design (names of formats, units and the portal's codes).
SAME_IN_BOTH = {
    "PDF",
    "Excel",
    "API",
    "SHA-256",
    "%(value)s%%",
    "OK",
    "Email",
    "ID",
    "dd/mm/yyyy",
    "%(truncated_text)s…",
    "%(title)s (%(window)s)",  # a figure's title with its window: words on both sides come translated
}
# Words of the interface that a Vietnamese page must not show in English, besides every status label.
ENGLISH_WORDS = [
    "generated",
    "submitted",
    "returned",
    "accepted",
    "descending",
    "ascending",
    "approved support",
    "disbursed",
    "planned",
    "not registered",
    "registered late",
    "no record",
    "Page",
    "Previous",
    "Next",
    "Search",
    "Filter",
]
# Attributes a person reads or hears, checked like the text.
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-label", "data-confirm", "data-busy", "value"}


class _Text(HTMLParser):
    """The text a person reads on a page: text nodes and read attributes, without scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES and not (name == "value" and kind in {"hidden", "text", None}):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def status_labels(language: str) -> set[str]:
    """Every status and decision label of the portal, as shown in `language`."""
    choices = [
        Status,
        Report.Status,
        NationalPlanRegistration.Status,
        EntryException.Decision,
        ConclusionFollowUp.Status,
        Conference.Status,
    ]
    with translation.override(language):
        labels = {str(label) for choice in choices for _, label in choice.choices}
        labels |= {str(label) for label in ReportEvent.LABELS.values()}
    return labels


def found(words, text: str) -> list[str]:
    return sorted({w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, flags=re.IGNORECASE)})


@pytest.fixture
def portal(db):
    main_pages.portal_seed()
    return main_pages.main_pages()


def _clients():
    clients = {None: Client()}

    def client_for(username, language):
        key = (username, language)
        if key not in clients:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            clients[key] = client
        return clients[key]

    return client_for


def test_the_catalogue_has_no_empty_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 500
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_vietnamese_pages_look_up_nothing_untranslated_and_show_no_english(portal, monkeypatch):
    untranslated: dict[str, set[str]] = {}
    where = {"path": ""}
    original_gettext, original_ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def note(catalogue, message, result):
        same = result == message and re.search("[A-Za-z]", message)
        if catalogue.language() == "vi" and same and message.split("\x04")[-1] not in SAME_IN_BOTH:
            untranslated.setdefault(message, set()).add(where["path"])

    def gettext(self, message):
        result = original_gettext(self, message)
        note(self, message, result)
        return result

    def ngettext(self, singular, plural, n):
        result = original_ngettext(self, singular, plural, n)
        note(self, singular, result if result != plural else singular)
        return result

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", ngettext)

    english = status_labels("en") | set(ENGLISH_WORDS)
    client_for, shown, characters = _clients(), {}, {}
    for username, path in portal:
        where["path"] = f"{username} {path}"
        response = client_for(username, "vi").get(path)
        assert response.status_code == 200, where["path"]
        assert response["Content-Language"] == "vi"
        text = page_text(response.content.decode())
        if words := found(english, text):
            shown[where["path"]] = words
        for character in set(text):
            characters.setdefault(character, where["path"])

    assert not untranslated, "looked up without a Vietnamese translation:\n" + "\n".join(
        f"  {msgid!r} on {sorted(paths)[0]}" for msgid, paths in sorted(untranslated.items())
    )
    assert not shown, "English on Vietnamese pages:\n" + "\n".join(f"  {p}: {w}" for p, w in shown.items())
    # Every character has a glyph in the font the stylesheet names first (an emoji such as ⏱ has none).
    cmap = TTFont(DEJAVU_SANS).getBestCmap()
    missing = {c: p for c, p in characters.items() if ord(c) not in cmap and not c.isspace()}
    assert not missing, "characters DejaVu Sans cannot draw: " + ", ".join(f"{c!r} on {p}" for c, p in missing.items())


def test_english_pages_show_no_vietnamese_status_or_event(portal):
    vietnamese = status_labels("vi")
    assert "đang thực hiện" in vietnamese  # the labels really are the Vietnamese ones
    client_for, shown = _clients(), {}
    for username, path in portal:
        response = client_for(username, "en").get(path)
        assert response.status_code == 200, (username, path)
        assert response["Content-Language"] == "en"
        if words := found(vietnamese, page_text(response.content.decode())):
            shown[f"{username} {path}"] = words
    assert not shown, "Vietnamese on English pages:\n" + "\n".join(f"  {p}: {w}" for p, w in shown.items())


def test_activity_names_follow_the_language(portal):
    client_for = _clients()
    html_en = client_for(main_pages.OFFICER, "en").get("/projects/").content.decode()
    html_vi = client_for(main_pages.OFFICER, "vi").get("/projects/").content.decode()
    assert "Demonstration models" not in html_vi
    from provinces.models import ActivityContent

    activity = ActivityContent.objects.order_by("code").first()
    assert activity.name_en in html_en and activity.name_vi not in html_en
    assert activity.name_vi in html_vi
