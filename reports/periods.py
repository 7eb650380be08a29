"""Reporting windows from cut-off rules: quarter n ends on the 14th of its last month and starts the
day after the previous quarter's cut-off (15/12 of the previous year for Q1). Half-year, nine-month and
year windows all start on that same 15/12."""

import datetime

from django.db import transaction
from django.utils import timezone

from reports.models import CutoffRule, PeriodKind, ReportingPeriod

LAST_MONTH = {PeriodKind.HALF_YEAR: 6, PeriodKind.NINE_MONTHS: 9, PeriodKind.YEAR: 12}
DEFAULT_RULES_FROM = datetime.date(2019, 1, 1)


def _last_month(kind: str, number: int) -> int:
    return number * 3 if kind == PeriodKind.QUARTER else LAST_MONTH[kind]


def window(kind: str, year: int, number: int, *, end_day: int = 14) -> tuple[datetime.date, datetime.date]:
    """(first day, cut-off day) of a period's data window, both inclusive."""
    ends_on = datetime.date(year, _last_month(kind, number), end_day)
    if kind == PeriodKind.QUARTER and number > 1:
        starts_on = datetime.date(year, _last_month(kind, number - 1), end_day) + datetime.timedelta(days=1)
    else:
        starts_on = datetime.date(year - 1, 12, end_day) + datetime.timedelta(days=1)
    return starts_on, ends_on


def rule_for(kind: str, on: datetime.date) -> CutoffRule:
    """The rule in force on a date; the Decree 09/2019 defaults when none is configured."""
    rule = CutoffRule.objects.filter(kind=kind, valid_from__lte=on).order_by("-valid_from").first()
    return rule or CutoffRule(kind=kind, valid_from=DEFAULT_RULES_FROM)


@transaction.atomic
def period_get_or_create(*, kind: str, year: int, number: int = 1) -> ReportingPeriod:
    """The period, generated from the rule in force at its cut-off the first time it is asked for."""
    existing = ReportingPeriod.objects.filter(kind=kind, year=year, number=number).first()
    if existing:
        return existing
    nominal_end = window(kind, year, number)[1]
    rule = rule_for(kind, nominal_end)
    starts_on, ends_on = window(kind, year, number, end_day=rule.end_day)
    deadline = ends_on + datetime.timedelta(days=rule.submission_days)
    period, _ = ReportingPeriod.objects.get_or_create(
        kind=kind,
        year=year,
        number=number,
        defaults={
            "starts_on": starts_on,
            "ends_on": ends_on,
            "deadline": deadline,
            "entry_closes_on": deadline + datetime.timedelta(days=rule.entry_closes_days),
        },
    )
    return period


def quarter_containing(day: datetime.date) -> tuple[int, int]:
    """(year, quarter) whose data window holds the day: 20/12/2025 belongs to Q1 of 2026."""
    year = day.year + 1 if (day.month == 12 and day.day > 14) else day.year
    for number in range(1, 5):
        starts_on, ends_on = window(PeriodKind.QUARTER, year, number)
        if starts_on <= day <= ends_on:
            return year, number
    raise ValueError(day)  # unreachable: the four windows cover the year


def current_quarter() -> ReportingPeriod:
    year, number = quarter_containing(timezone.localdate())
    return period_get_or_create(kind=PeriodKind.QUARTER, year=year, number=number)
