"""The reporting calendar as the entry grid sees it: which periods an officer may open, and whether a period
(or a money entry's window) is still open to them.

Every call from projects into the calendar (periods/, below projects) goes through here, and so does the one
question projects ask of the reports above them (is a period's report submitted?), which reports answer by
registering a lookup. Periods are named in URLs by a key (`quarter-2026-4`), not an id: reading the
grid never creates a period row (periods.selectors hands back an unsaved one), a save does.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from periods import rules as period_rules
from periods import selectors as period_selectors
from periods import services as period_services
from periods.models import PeriodKind, ReportingPeriod
from provinces import selectors as province_selectors

RECENT_CLOSED_QUARTERS = 2  # shown read-only in the selector, so last period's entries can be looked at


@dataclass
class PeriodState:
    """A period as offered to one province: open or locked, and why."""

    period: ReportingPeriod  # stored, or unsaved (built from the rules)
    is_open: bool
    reason: str  # why it is open beyond its close (an exception), or why it is locked
    is_current: bool = False
    reopened_until: datetime.date | None = None

    @property
    def key(self) -> str:
        return period_key(self.period)


def period_key(period: ReportingPeriod) -> str:
    return f"{period.kind}-{period.year}-{period.number}"


def period_from_key(key) -> ReportingPeriod | None:
    """The period a key names (stored or unsaved), or None for anything that is not a period."""
    try:
        kind, year, number = str(key).split("-")
        year, number = int(year), int(number)
    except (TypeError, ValueError):
        return None
    if kind not in PeriodKind.values or number not in period_rules.numbers(kind) or not 2000 <= year <= 2100:
        return None
    return period_selectors.period_for(kind=kind, year=year, number=number)


def stored(period: ReportingPeriod) -> ReportingPeriod:
    """The period as a row, created now if it was only read so far (a write needs it)."""
    return period_services.period_stored(period)


def current_period() -> ReportingPeriod:
    """The quarter whose data window holds today (unsaved until something is saved in it)."""
    return period_selectors.current_quarter()


def state_of(
    period, *, province_id: int | None, today: datetime.date | None = None, granted: dict | None = None
) -> PeriodState:
    """Whether the province may still enter data for the period: until entry closes, or while a granted
    exception lasts. Without a province (ministry staff) every period is read-only. `granted`: the exceptions
    already read for the province (period id → last open day), when several periods are asked at once."""
    today = today or timezone.localdate()
    closes = period.entry_closes_on.strftime("%d/%m/%Y")
    if province_id is None:
        return PeriodState(period, False, _("Only the province's staff enter its data."))
    if today <= period.entry_closes_on:
        return PeriodState(period, True, "")
    if granted is None:
        granted = (
            period_selectors.exceptions_granted_until(province_id=province_id, period_ids=[period.pk], today=today)
            if period.pk
            else {}
        )
    until = granted.get(period.pk)
    if until:
        reason = _("Reopened by a granted exception until %(date)s.") % {"date": until.strftime("%d/%m/%Y")}
        return PeriodState(period, True, reason, reopened_until=until)
    return PeriodState(period, False, _("Data entry for this period closed on %(date)s.") % {"date": closes})


def _recent_quarters(count: int, today: datetime.date) -> list[ReportingPeriod]:
    """The quarter holding `today` (current_period() on that day) and the `count` before it: the stored ones
    in one query, the others unsaved. The calendar is read once for all of them, and the current quarter comes
    with the earlier ones: two queries fewer than asking current_period() first."""
    cal = period_selectors.calendar()
    year, number = cal.quarter_containing(today)
    wanted = [(year, number)]
    for _step in range(count):
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
        wanted.append((year, number))
    stored = period_selectors.stored_periods(years={y for y, _n in wanted})
    found = {(y, n): p for (kind, y, n), p in stored.items() if kind == PeriodKind.QUARTER}
    return [found.get(key) or period_selectors.unsaved_period(cal.window(PeriodKind.QUARTER, *key)) for key in wanted]


def periods_for(*, province_id: int | None, today: datetime.date | None = None) -> list[PeriodState]:
    """The periods the selector offers, newest first: the current quarter, earlier periods still open, periods
    reopened for the province by a granted exception (until it ends), and the last closed quarters read-only.
    A fixed number of queries."""
    today = today or timezone.localdate()
    quarters = _recent_quarters(4, today)
    current = quarters[0]
    granted = period_selectors.exceptions_granted_until(province_id=province_id, today=today) if province_id else {}
    extra = list(ReportingPeriod.objects.filter(pk__in=set(granted) - {p.pk for p in quarters if p.pk}))
    states, closed_shown = [], 0
    for period in sorted([*quarters, *extra], key=lambda p: p.ends_on, reverse=True):
        state = state_of(period, province_id=province_id, today=today, granted=granted)
        state.is_current = period_key(period) == period_key(current)
        if state.is_open or state.is_current or province_id is None:
            states.append(state)
        elif closed_shown < RECENT_CLOSED_QUARTERS:
            states.append(state)
            closed_shown += 1
    return states


# Whether a periodic report has been submitted is known to reports, which sit above projects: reports hand in
# their lookup when the app starts (reports.apps.ReportsConfig.ready), so projects never import them.
_submission_lookups: list = []


def register_submission_lookup(lookup) -> None:
    """`lookup(province_ids=set, day=date)` → the submitted report whose window holds the day, or None."""
    if lookup not in _submission_lookups:
        _submission_lookups.append(lookup)


def submitted_report_covering(*, province_id: int, day: datetime.date):
    """The province's submitted (or accepted) periodic report whose data window holds the day, if any: once it
    is submitted, money entries in that window are corrected only by the approver. The province is taken with
    its merger family (a project of old Long An belongs to today's Tây Ninh's report)."""
    family = province_selectors.today_family_ids(province_id=province_id)
    for lookup in _submission_lookups:
        report = lookup(province_ids=family, day=day)
        if report is not None:
            return report
    return None
