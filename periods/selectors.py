"""Reads of the calendar. Nothing here writes: a period not generated yet is returned unsaved (pk None),
built from the rules, so reading a page never creates a row (the sweep and the services do)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from khuyencong import cachekeys
from periods.models import CutoffRule, EntryException, PeriodKind, ReportingPeriod
from periods.rules import Calendar, Window
from provinces import selectors as province_selectors


def calendar() -> Calendar:
    """The cut-off rules as data: one small query, or none while the rules have not changed (reference data,
    khuyencong.cachekeys.reference_cached; periods/apps.py bumps it on any rule's save or delete)."""
    return cachekeys.reference_cached(["calendar"], lambda: Calendar(CutoffRule.objects.all()))


def stored_periods(*, years) -> dict[tuple[str, int, int], ReportingPeriod]:
    """The stored periods of the years, by (kind, year, number): their dates were fixed when generated.
    Cached as reference data like the calendar (a period stored anywhere makes it stale)."""
    years = sorted(set(years))

    def read() -> dict:
        return {(p.kind, p.year, p.number): p for p in ReportingPeriod.objects.filter(year__in=years)}

    return cachekeys.reference_cached(["stored-periods", *years], read)


def window(kind: str, year: int, number: int = 1, *, cal: Calendar | None = None) -> Window:
    return (cal or calendar()).window(kind, year, number)


def quarter_containing(day: datetime.date, *, cal: Calendar | None = None) -> tuple[int, int]:
    return (cal or calendar()).quarter_containing(day)


def unsaved_period(w: Window) -> ReportingPeriod:
    return ReportingPeriod(
        kind=w.kind,
        year=w.year,
        number=w.number,
        starts_on=w.starts_on,
        ends_on=w.ends_on,
        deadline=w.deadline,
        entry_closes_on=w.entry_closes_on,
    )


def period_for(*, kind: str, year: int, number: int = 1, cal: Calendar | None = None) -> ReportingPeriod:
    """The stored period (its dates were fixed when generated), else an unsaved one from the rules."""
    stored = stored_periods(years=[year]).get((kind, year, number))
    return stored or unsaved_period(window(kind, year, number, cal=cal))


def current_quarter(today: datetime.date | None = None) -> ReportingPeriod:
    """The quarter whose data window holds today ("Kỳ này"), stored or unsaved."""
    cal = calendar()
    year, number = cal.quarter_containing(today or timezone.localdate())
    return period_for(kind=PeriodKind.QUARTER, year=year, number=number, cal=cal)


def same_period(period: ReportingPeriod, prefix: str = "period") -> Q:
    """A filter matching rows of this period, saved or not (an unsaved period simply matches nothing)."""
    return Q(**{f"{prefix}__kind": period.kind, f"{prefix}__year": period.year, f"{prefix}__number": period.number})


def exceptions_granted_until(
    *, province_id: int, period_ids: list[int] | None = None, today: datetime.date | None = None
) -> dict[int, datetime.date]:
    """period id → the last day a granted entry exception keeps the period open for the province. An exception
    granted to any province of its merger family (as it is today, with the provinces merged into it) holds
    for all of them. One query; `period_ids` None: every period with an exception still running."""
    today = today or timezone.localdate()
    rows = EntryException.objects.filter(
        province_id__in=province_selectors.today_family_ids(province_id=province_id),
        decision=EntryException.Decision.GRANTED,
        open_until__gte=today,
        **({"period_id__in": period_ids} if period_ids is not None else {}),
    ).values_list("period_id", "open_until")
    until: dict[int, datetime.date] = {}
    for period_id, day in rows:
        until[period_id] = max(day, until.get(period_id, day))
    return until


def is_entry_open(*, province_id: int, period: ReportingPeriod, today: datetime.date | None = None) -> bool:
    """Data entry for a period is open until it closes, or while a granted exception lasts."""
    today = today or timezone.localdate()
    if today <= period.entry_closes_on:
        return True
    return period.pk is not None and period.pk in exceptions_granted_until(
        province_id=province_id, period_ids=[period.pk], today=today
    )
