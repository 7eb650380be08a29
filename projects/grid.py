"""The period's entry grid ("Kỳ này"): one row per project due in the period, read from one query, and one way
of reading and saving a row's cells, shared by the page (with or without JavaScript), the cell saves and the
spreadsheet upload — so all three accept and refuse exactly the same input.

Cells: `percent` (completion this period), `narrative`, `difficulties` (the progress section) and `amount`,
`date` (a new disbursement: the money section). The two sections save separately: leaving a progress cell
saves the progress; leaving the amount/date pair saves the disbursement.
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong import numbers
from khuyencong.text import nfc
from periods import selectors as period_selectors
from periods.models import ReportingPeriod
from projects import entry_periods, rules, selectors, services
from projects.models import MoneyEntry, ProgressUpdate, Project
from provinces.models import User

PROGRESS_CELLS = ("percent", "narrative", "difficulties")
MONEY_CELLS = ("amount", "date")
CELLS = PROGRESS_CELLS + MONEY_CELLS
# service field → grid cell
SERVICE_FIELDS = {
    "completion_percent": "percent",
    "narrative": "narrative",
    "difficulties": "difficulties",
    "amount": "amount",
    "disbursement": "amount",
    "date": "date",
    "disbursement_date": "date",
}
MAX_TEXT = 10000
# Column headers: in Python, so "%" needs no escaping for the catalogue (the spreadsheet uses them too).
LABELS = {
    "code": gettext_lazy("Project"),
    "support": gettext_lazy("Approved support"),
    "last": gettext_lazy("Last period"),
    "percent": gettext_lazy("Completion (%)"),
    "narrative": gettext_lazy("Progress"),
    "difficulties": gettext_lazy("Difficulties"),
    "amount": gettext_lazy("New disbursement (VND)"),
    "date": gettext_lazy("Disbursement date"),
    "state": gettext_lazy("State"),
}


def new_entry_key() -> str:
    """A fresh key for the next disbursement typed in a row: a resent save carries it and is recorded once."""
    return uuid.uuid4().hex


@dataclass
class Row:
    """One project's row as the grid shows it."""

    project: Project
    progress: ProgressUpdate | None
    last_percent: object = None  # the latest earlier period's completion, as "37,5%"
    last_narrative: str = ""
    last_label: str = ""
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    row_error: str = ""
    saved: bool = False
    entry_key: str = ""

    @property
    def pk(self) -> int:
        return self.project.pk

    @property
    def version(self) -> int:
        return self.progress.version if self.progress else 0

    @property
    def reported(self) -> bool:
        return self.progress is not None


# What the page's rows read of a project (grid_html.render_rows): loading only these, without the scope's joined
# province, activity and unit, took a third off the rows' query at 195 rows (10.0 → 6.4 ms CPU).
DISPLAY_FIELDS = ("code", "title", "approved_support", "end_date")


def rows_queryset(*, user: User, period, display: bool = False) -> QuerySet[Project]:
    """The due projects in the user's scope with what a row shows: disbursed to the cut-off and in the window,
    this period's progress (prefetched), and the id of the latest earlier progress (read by build_rows). Three
    queries whatever the number of rows. `display`: only the fields the page shows (DISPLAY_FIELDS), for rows
    that are rendered and never saved from (a deferred field read later would cost a query per row)."""
    earlier = ProgressUpdate.objects.filter(project=OuterRef("pk"), period__ends_on__lt=period.ends_on).order_by(
        "-period__ends_on"
    )
    due = selectors.due_in_period(selectors.project_change_list_for(user=user), period=period)  # partners only read
    if display:
        due = due.select_related(None).only(*DISPLAY_FIELDS)
    return (
        due.annotate(
            disbursed=selectors.money_sum(MoneyEntry.Kind.DISBURSEMENT, until=period.ends_on),
            disbursed_in_period=selectors.money_sum(
                MoneyEntry.Kind.DISBURSEMENT, since=period.starts_on, until=period.ends_on
            ),
            last_progress_id=Subquery(earlier.values("pk")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(period_selectors.same_period(period)),
                to_attr="period_progress",
            )
        )
        .order_by("end_date", "code")
    )


def values_of(progress: ProgressUpdate | None) -> dict:
    """The cells as the inputs show them (the money pair is always empty: each save records a new entry)."""
    if progress is None:
        return {"percent": "", "narrative": "", "difficulties": "", "amount": "", "date": ""}
    return {
        "percent": numbers.format_percent_input(progress.completion_percent),
        "narrative": progress.narrative,
        "difficulties": progress.difficulties,
        "amount": "",
        "date": "",
    }


def build_rows(projects) -> list[Row]:
    projects = list(projects)
    last_ids = {p.last_progress_id for p in projects if p.last_progress_id}
    earlier = {}  # progress id → (percent, narrative, period label)
    if last_ids:
        # Plain tuples, and each period's label made once: most rows' last period is the same quarter.
        labels = {}
        for pk, percent, narrative, *period in ProgressUpdate.objects.filter(pk__in=last_ids).values_list(
            "pk", "completion_percent", "narrative", "period__kind", "period__year", "period__number"
        ):
            key = tuple(period)
            if key not in labels:
                kind, year, number = key
                labels[key] = ReportingPeriod(kind=kind, year=year, number=number).label
            earlier[pk] = (percent, narrative, labels[key])
    rows = []
    for project in projects:
        progress = project.period_progress[0] if project.period_progress else None
        last = earlier.get(project.last_progress_id)
        rows.append(
            Row(
                project=project,
                progress=progress,
                last_percent=f"{numbers.format_percent_input(last[0])}%" if last else "",
                last_narrative=last[1] if last else "",
                last_label=last[2] if last else "",
                values=values_of(progress),
                entry_key=new_entry_key(),
            )
        )
    return rows


def rows_for(*, user: User, period, display: bool = False) -> list[Row]:
    return build_rows(rows_queryset(user=user, period=period, display=display))


def counters(rows: list[Row]) -> dict:
    missing = sum(1 for row in rows if not row.reported)
    return {"total": len(rows), "missing": missing, "reported": len(rows) - missing}


def counters_for(*, user: User, period) -> dict:
    """The same counters without loading the rows (after a cell save): two counts."""
    due = selectors.due_in_period(selectors.project_change_list_for(user=user), period=period)  # partners only read
    total = due.count()
    missing = due.exclude(selectors.reported_in_period(period)).count()
    return {"total": total, "missing": missing, "reported": total - missing}


def missing_text(count: int) -> str:
    return _("%(n)s projects not yet reported.") % {"n": numbers.group_digits(count)}


# ---- reading and saving a row ----------------------------------------------------------------------------


@dataclass
class Result:
    ok: bool
    errors: dict = field(default_factory=dict)  # cell → message
    row_error: str = ""
    progress: ProgressUpdate | None = None
    entry: MoneyEntry | None = None
    stale: bool = False


def parse(values: dict) -> tuple[dict, dict]:
    """Cells as typed → (clean values, cell errors). Text is stored NFC and trimmed."""
    clean, errors = {}, {}
    for cell, parser in (
        ("percent", numbers.parse_percent),
        ("amount", numbers.parse_amount),
        ("date", numbers.parse_date),
    ):
        try:
            clean[cell] = parser(values.get(cell))
        except ValidationError as error:
            errors[cell] = " ".join(error.messages)
    for cell in ("narrative", "difficulties"):
        text = nfc(str(values.get(cell) or "")).strip()
        if len(text) > MAX_TEXT:
            errors[cell] = _("At most %(n)s characters.") % {"n": numbers.group_digits(MAX_TEXT)}
        clean[cell] = text
    if clean.get("amount") == 0:
        errors["amount"] = _("The amount must be greater than zero.")
    if clean.get("date") and not clean.get("amount") and "amount" not in errors:
        errors["amount"] = _("Enter the amount disbursed on that date.")
    return clean, errors


def _cell_errors(error: ValidationError) -> tuple[dict, str]:
    if not hasattr(error, "error_dict"):
        return {}, " ".join(error.messages)
    cells, rest = {}, []
    for name, messages in error.message_dict.items():
        cell = SERVICE_FIELDS.get(name)
        if cell:
            cells[cell] = " ".join(messages)
        else:
            rest.extend(messages)
    return cells, " ".join(rest)


def save(
    *,
    project: Project,
    period,
    by: User,
    values: dict,
    sections: set[str],
    expected_version: int | None,
    entry_key: str = "",
) -> Result:
    """Save the sections of one row ("progress", "money"): parsed here, ruled by the services, all or nothing."""
    clean, errors = parse(values)
    with_progress = "progress" in sections
    with_money = "money" in sections and clean.get("amount") is not None
    relevant = {cell for cell in errors if (cell in PROGRESS_CELLS and with_progress) or cell in MONEY_CELLS}
    if "money" not in sections:
        relevant -= set(MONEY_CELLS)
    if relevant:
        return Result(ok=False, errors={cell: errors[cell] for cell in relevant})
    if not with_progress and not with_money:
        return Result(ok=True)
    if with_progress and clean.get("percent") is None:
        return Result(ok=False, errors={"percent": _("Enter the completion first (0 to 100, for example 37,5).")})
    try:
        progress, entry = services.period_entry_save(
            project=project,
            period=period,
            by=by,
            completion_percent=clean.get("percent"),
            narrative=clean.get("narrative", ""),
            difficulties=clean.get("difficulties", ""),
            expected_version=expected_version,
            with_progress=with_progress,
            disbursement=clean.get("amount") if with_money else None,
            disbursement_date=clean.get("date"),
            entry_key=entry_key,
        )
    except services.StaleEdit:
        return Result(
            ok=False,
            stale=True,
            row_error=_("Someone else saved this row after you opened the page. Reload to see their entry."),
        )
    except ValidationError as error:
        cells, rest = _cell_errors(error)
        return Result(ok=False, errors=cells, row_error=rest)
    except PermissionDenied as error:
        return Result(ok=False, row_error=str(error) or _("You are not allowed to do that."))
    return Result(ok=True, progress=progress, entry=entry)


def changed_sections(row: Row, posted: dict) -> set[str]:
    """Which sections of a row the one-form submit (no JavaScript) changed: the progress when a progress cell
    differs from what is stored, the money when an amount was typed."""
    sections = set()
    stored = values_of(row.progress)
    for cell in PROGRESS_CELLS:
        if (posted.get(cell) or "").strip() != (stored[cell] or "").strip():
            sections.add("progress")
            break
    if (posted.get("amount") or "").strip() or (posted.get("date") or "").strip():
        sections.add("money")
    return sections


def row_state(row: Row, state: entry_periods.PeriodState) -> tuple[str, str]:
    """(css state, text) of a row: locked (why), error, saved (when), not reported yet."""
    if not state.is_open:
        return "locked", _("Locked: %(reason)s") % {"reason": state.reason}
    if row.errors or row.row_error:
        return "error", _("Not saved: see the cells marked in red.")
    if row.progress is not None:
        when = timezone.localtime(row.progress.updated_at).strftime("%d/%m/%Y %H:%M")
        return "saved", _("Saved %(when)s") % {"when": when}
    return "missing", _("Not reported yet")


def may_enter(user: User) -> bool:
    return rules.is_editor(user)
