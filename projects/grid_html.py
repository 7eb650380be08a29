"""The grid's rows as HTML, written here rather than by the template engine: a row has ten cells and five inputs,
and at a few hundred rows the engine's per-tag cost dominated the page (bench/grid.py). Every value from the
database or the user goes through _escape(); the markup is the one grid.js and the tests rely on.

At Cần Thơ's 195 rows Django's escape() (a lazy-aware wrapper building a SafeString per call, 18 calls a row)
and Truncator were a third of the rows' time: _escape is the same html.escape without the wrapper, and a
narrative that fits is only normalised as Truncator does (NFC) — the HTML is byte for byte the same."""

import html
import unicodedata

from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from khuyencong import numbers
from projects.grid import Row

COLUMNS = ("percent", "narrative", "difficulties", "amount", "date")
LAST_NARRATIVE_CHARS = 160
_INPUTS = {
    # column: (inputmode, css class)
    "percent": ("decimal", "num"),
    "amount": ("numeric", "num"),
    "date": ("", "day"),
}


def _escape(value) -> str:
    """django.utils.html.escape without its lazy-string wrapper: the same characters escaped the same way."""
    return html.escape(str(value))


def _truncated(text: str) -> str:
    """Truncator(text).chars(LAST_NARRATIVE_CHARS): a text no longer than that in code points cannot count more
    characters (combining marks are not counted), so it is only normalised."""
    text = str(text)
    if len(text) <= LAST_NARRATIVE_CHARS:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(LAST_NARRATIVE_CHARS)


def _cell(row: Row, pk: int, col: str, readonly: str, placeholder: str) -> str:
    error = row.errors.get(col, "")
    described = f'aria-labelledby="h-{col} code-{pk}" aria-describedby="m-{pk}-{col}"'
    invalid = ' aria-invalid="true"' if error else ""
    value = _escape(row.values.get(col, ""))
    name = f'name="r{pk}-{col}" id="c-{pk}-{col}" data-col="{col}"'
    if col in ("narrative", "difficulties"):
        field = f'<textarea rows="2" {name} {described}{invalid}{readonly}>{value}</textarea>'
        wide = " wide"
    else:
        mode, css = _INPUTS[col]
        extra = f' inputmode="{mode}"' if mode else f' placeholder="{placeholder}"'
        field = (
            f'<input type="text"{extra} autocomplete="off" class="{css}" {name} value="{value}" '
            f"{described}{invalid}{readonly}>"
        )
        wide = ""
    css, message = (f"cell{wide} has-error", _escape(error)) if error else (f"cell{wide}", "")
    return f'<td class="{css}">{field}<span class="cell-msg" id="m-{pk}-{col}">{message}</span></td>'


def render_rows(rows: list[Row]) -> SafeString:
    detail = reverse("projects:detail", args=[0])[: -len("0/")]
    in_period = _escape(_("in this period"))
    placeholder = _escape(_("dd/mm/yyyy"))
    language = translation.get_language()
    vnd = numbers.format_vnd
    out = []
    for row in rows:
        project, pk = row.project, row.pk
        readonly = " readonly" if row.state == "locked" else ""
        if row.last_label:
            narrative = _escape(_truncated(row.last_narrative))
            last = (
                f'<span class="muted">{_escape(row.last_label)}:</span> {_escape(row.last_percent)}'
                f'<span class="last-narrative">{narrative}</span>'
            )
        else:
            last = '<span class="muted">—</span>'
        out.append(
            f'<tr id="row-{pk}" class="grid-row state-{row.state}" data-pk="{pk}" '
            f'data-reported="{"1" if row.reported else ""}">'
            f'<th scope="row" class="ro"><a href="{detail}{pk}/" id="code-{pk}">{_escape(project.code)}</a>'
            f'<span class="grid-title">{_escape(project.title)}</span>'
            f'<input type="hidden" name="r{pk}-version" value="{row.version}">'
            f'<input type="hidden" name="r{pk}-key" value="{_escape(row.entry_key)}"></th>'
            f'<td class="num ro">{vnd(project.approved_support, language=language)}</td>'
            f'<td class="num ro"><span class="disbursed">{vnd(project.disbursed, language=language)}</span>'
            f'<span class="muted in-period">{in_period}: <span class="disbursed-in-period">'
            f"{vnd(project.disbursed_in_period, language=language)}</span></span></td>"
            f'<td class="ro last">{last}</td>'
            + "".join(_cell(row, pk, col, readonly, placeholder) for col in COLUMNS)
            + f'<td class="row-state" role="status"><span class="badge {row.state}">{_escape(row.state_text)}</span>'
            f'<span class="error row-error">{_escape(row.row_error) if row.row_error else ""}</span></td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every interpolated value above is escaped or our own markup
