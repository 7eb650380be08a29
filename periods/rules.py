"""The one rule for reporting windows (Decree 09/2019/NĐ-CP), pure: no database, no clock.

A period's data window ends on its rule's `end_day` of its last month (3, 6, 9 or 12 for quarters, 6 for
the half-year, 9 for nine months, 12 for the year) and starts the day after the previous cut-off: the
previous quarter's for quarters 2-4, the December cut-off of the year before for everything else. The
rule for a cut-off is the one of that kind in force on the first day of the cut-off month, so a rule
"cut on the 20th from 2026" moves every 2026 window while the 2025 ones keep theirs.

Callers get the rules as data (`periods.selectors.calendar()` loads them once per request); everything
that needs a window, a deadline or "the quarter holding this day" asks a `Calendar`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from periods.models import PeriodKind

LAST_MONTH = {PeriodKind.HALF_YEAR: 6, PeriodKind.NINE_MONTHS: 9, PeriodKind.YEAR: 12}
DEFAULT_RULES_FROM = datetime.date(2019, 1, 1)
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """A cut-off rule as plain data (the model `CutoffRule` holds the same fields)."""

    kind: str
    valid_from: datetime.date = DEFAULT_RULES_FROM
    end_day: int = 14
    submission_days: int = 5
    entry_closes_days: int = 10


@dataclass(frozen=True)
class Window:
    """A period's dates: data window (both inclusive), submission deadline, data entry close."""

    kind: str
    year: int
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date
    entry_closes_on: datetime.date

    def __iter__(self):  # (starts_on, ends_on), as the window was always unpacked
        return iter((self.starts_on, self.ends_on))

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def numbers(kind: str) -> range:
    return range(1, 5) if kind == PeriodKind.QUARTER else range(1, 2)


class Calendar:
    """The cut-off rules in force, and every window, deadline and period derived from them."""

    def __init__(self, rules: Iterable = ()):
        self._rules: dict[str, list[Rule]] = {}
        for rule in rules:
            plain = Rule(rule.kind, rule.valid_from, rule.end_day, rule.submission_days, rule.entry_closes_days)
            self._rules.setdefault(plain.kind, []).append(plain)
        for kind_rules in self._rules.values():
            kind_rules.sort(key=lambda r: r.valid_from, reverse=True)

    def rule_for(self, kind: str, on: datetime.date) -> Rule:
        """The rule in force on a date; the Decree 09/2019 defaults when none is configured."""
        for rule in self._rules.get(kind, ()):
            if rule.valid_from <= on:
                return rule
        return Rule(kind)

    def _cutoff(self, kind: str, year: int, month: int) -> tuple[datetime.date, Rule]:
        rule = self.rule_for(kind, datetime.date(year, month, 1))
        return datetime.date(year, month, rule.end_day), rule

    def window(self, kind: str, year: int, number: int = 1) -> Window:
        last_month = number * 3 if kind == PeriodKind.QUARTER else LAST_MONTH[kind]
        ends_on, rule = self._cutoff(kind, year, last_month)
        if kind == PeriodKind.QUARTER and number > 1:
            previous, _ = self._cutoff(kind, year, last_month - 3)
        else:
            previous, _ = self._cutoff(kind, year - 1, 12)
        deadline = ends_on + datetime.timedelta(days=rule.submission_days)
        return Window(
            kind,
            year,
            number,
            previous + ONE_DAY,
            ends_on,
            deadline,
            deadline + datetime.timedelta(days=rule.entry_closes_days),
        )

    def quarter_containing(self, day: datetime.date) -> tuple[int, int]:
        """(year, quarter) whose data window holds the day: 20/12/2025 belongs to Q1 of 2026."""
        for year in (day.year, day.year + 1):
            for number in numbers(PeriodKind.QUARTER):
                if self.window(PeriodKind.QUARTER, year, number).contains(day):
                    return year, number
        raise ValueError(day)  # unreachable: consecutive quarter windows cover every day

    def latest_closed(self, today: datetime.date) -> tuple[int, str, int]:
        """The latest period counted from the start of the year whose cut-off has passed."""
        for kind in (PeriodKind.YEAR, PeriodKind.NINE_MONTHS, PeriodKind.HALF_YEAR):
            if self.window(kind, today.year, 1).ends_on < today:
                return today.year, kind, 1
        if self.window(PeriodKind.QUARTER, today.year, 1).ends_on < today:
            return today.year, PeriodKind.QUARTER, 1
        return today.year - 1, PeriodKind.YEAR, 1

    def cut_between(self, kinds: Iterable[str], since: datetime.date, today: datetime.date) -> list[Window]:
        """Windows of these kinds whose cut-off fell in [since, today): the sweep's due periods."""
        due = []
        for year in range(since.year, today.year + 1):
            for kind in kinds:
                for number in numbers(kind):
                    window = self.window(kind, year, number)
                    if since <= window.ends_on < today:
                        due.append(window)
        return due


DEFAULT = Calendar()
