"""The figures ministry staff quote: planned, disbursed and execution rate per province, fund and period.

Pure reads (no writes, not even a ReportingPeriod row): the dashboards and the periodic reports use
exactly these functions. Every sum happens in the database, grouped by province, year and fund, so the
number of queries does not depend on how many projects or provinces there are; Python only merges the
few grouped rows into display rows (the 20 former provinces into the 9 of today when rolled up).

Definitions (domain README, "Figures" in the project README):
- planned: the Plan rows of the year (per province and fund), the same for every window of the year (a
  quarter's own rate is its share of the year's plan);
- windows (Decree 09/2019/NĐ-CP): a quarter has its own window, from the day after the previous quarter's
  cut-off (the stored ReportingPeriod's dates, else `periods.selectors.window`) to its cut-off, and the
  cumulative window "lũy kế từ đầu năm", from the start of the year's first window (15/12 of the previous
  year) to the same cut-off. Six months, nine months and the year are cumulative only. Every PeriodInfo
  says which it is (`cumulative`) and carries its dates (`window_label`);
- disbursed: DISBURSEMENT money entries of that year's projects (plan year) dated within the window;
- late money: the whole-year figure (the year dashboard and the year report) counts every disbursement of
  the year's projects whatever its date, so a payment dated after the December cut-off (entered after the
  year closed) or before the year's first window belongs to its plan year and no disbursement is in no
  year. Quarters, six and nine months keep to their windows, so they never move after their cut-off
  because of a late entry; only the year figure does;
- execution rate: disbursed ÷ planned × 100, None (shown "—") when nothing was planned;
- same period last year: the same kind of window one year earlier, same definitions. Across the 2025
  merger, a province that no longer existed when the year's data began (old Tây Ninh and Long An for
  2026) has its last-year figures counted in its successor's row, so today's Tây Ninh compares with its
  predecessors rolled up; a window that spans a change of provinces says how it was counted
  (`Dashboard.comparison_notes`);
- change: the rate minus last year's rate, in percentage points ("điểm"), never a percentage;
- behind schedule: still running (approved, in progress, adjusting) past the end date, as of today.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong import numbers
from khuyencong.statements import compiled_once
from khuyencong.text import vi_sort_key
from periods import selectors as period_selectors
from periods.models import PeriodKind, ReportingPeriod
from periods.rules import Calendar
from projects import rules as project_rules
from projects import selectors as project_selectors
from projects.models import (
    Fund,
    FundRollup,
    MoneyEntry,
    MoneyRollup,
    NationalPlanRegistration,
    Plan,
    ProgressUpdate,
    Project,
)
from projects.models import Status as ProjectStatus
from provinces import selectors as province_selectors
from provinces.models import Province, RegionMembership, User

FIRST_YEAR = 2021  # the 2021-2025 programme: the start of the "over the years" series
FUNDS = (Fund.NATIONAL, Fund.LOCAL)
ZERO = Decimal(0)
BEHIND_POINTS = Decimal(30)  # "disbursement far behind": this many points below the share of time elapsed


@dataclass
class Figures:
    planned: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        return numbers.rate(self.disbursed, self.planned)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.planned + other.planned, self.disbursed + other.disbursed)


@dataclass
class FundCell:
    """One fund's figures in a row: this period, the same period last year, and the change in points."""

    fund: str  # "national", "local" or "total"
    now: Figures
    last: Figures

    @property
    def change(self) -> Decimal | None:
        if self.now.rate is None or self.last.rate is None:
            return None
        return self.now.rate - self.last.rate


@dataclass
class Row:
    """A province (or the region's total) on the dashboard."""

    province: Province | None
    name: str
    merged: list[str] = field(default_factory=list)  # former provinces rolled into this row
    # the period's own window (a quarter's own, else the cumulative) and the same window last year
    now: dict[str, Figures] = field(default_factory=lambda: {f: Figures() for f in FUNDS})
    last: dict[str, Figures] = field(default_factory=lambda: {f: Figures() for f in FUNDS})
    # the cumulative window from the start of the year (for a quarter; the same as now/last otherwise)
    ytd: dict[str, Figures] = field(default_factory=lambda: {f: Figures() for f in FUNDS})
    ytd_last: dict[str, Figures] = field(default_factory=lambda: {f: Figures() for f in FUNDS})
    statuses: dict[str, int] = field(default_factory=dict)
    late: int = 0
    registration: dict[str, int] = field(default_factory=dict)
    ids: set[int] = field(default_factory=set)  # provinces whose figures this row counts, this year
    last_ids: set[int] = field(default_factory=set)  # and last year (predecessors of a merged province)

    @staticmethod
    def _cells(now: dict[str, Figures], last: dict[str, Figures]) -> list[FundCell]:
        now_total = reduce(Figures.__add__, now.values(), Figures())
        last_total = reduce(Figures.__add__, last.values(), Figures())
        cells = [FundCell(f, now[f], last[f]) for f in FUNDS]
        return [*cells, FundCell("total", now_total, last_total)]

    @property
    def cells(self) -> list[FundCell]:
        return self._cells(self.now, self.last)

    @property
    def ytd_cells(self) -> list[FundCell]:
        return self._cells(self.ytd, self.ytd_last)

    @property
    def total(self) -> FundCell:
        return self.cells[-1]

    @property
    def projects(self) -> int:
        return sum(self.statuses.values())

    @property
    def registration_status(self) -> str | None:
        """The row's registration for next year: one status, or None when there is no record."""
        if not self.registration:
            return None
        if len(self.registration) == 1:
            return next(iter(self.registration))
        return "mixed"

    def absorb(self, other: "Row") -> None:
        for fund in FUNDS:
            self.now[fund] += other.now[fund]
            self.last[fund] += other.last[fund]
            self.ytd[fund] += other.ytd[fund]
            self.ytd_last[fund] += other.ytd_last[fund]
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.late += other.late
        for status, n in other.registration.items():
            self.registration[status] = self.registration.get(status, 0) + n


@dataclass
class ActivityRow:
    activity_id: int
    code: str
    name: str
    heading: int
    projects: int
    figures: Figures  # planned here is the approved support of the year's projects (plans are not split)


@dataclass
class YearSeries:
    """A year's plan and the disbursement cumulated to each quarter's cut-off (None: cut-off not reached)."""

    year: int
    planned: Decimal
    quarters: list[Decimal | None]


@dataclass
class PeriodInfo:
    """A window the figures are summed over: a quarter's own, or cumulative from the start of the year."""

    kind: str
    year: int
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    label: str  # the period's name: "Quý 3/2022", "9 tháng đầu năm 2022"
    cumulative: bool = False  # from the start of the year's first window to the cut-off
    whole_year: bool = False  # the year figure: also the year's projects' money dated outside the window

    @property
    def window_label(self) -> str:
        """ "15/06/2022–14/09/2022" """
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"

    @property
    def title(self) -> str:
        """What the figures cover, saying when they are cumulative: "Quý 3/2022", "Lũy kế từ đầu năm đến
        hết quý 3/2022", "9 tháng đầu năm 2022, lũy kế từ đầu năm"."""
        if not self.cumulative:
            return self.label
        if self.kind == PeriodKind.QUARTER:
            return _("Cumulative from the start of the year to the end of quarter %(n)s/%(year)s") % {
                "n": self.number,
                "year": self.year,
            }
        return _("%(period)s, cumulative from the start of the year") % {"period": self.label}

    @property
    def caption(self) -> str:
        """ "Quý 3/2022 (15/06/2022–14/09/2022)" """
        return _("%(title)s (%(window)s)") % {"title": self.title, "window": self.window_label}

    @property
    def note(self) -> str:
        """How the window is counted when its dates do not say it all (the late money of the year figure)."""
        if not self.whole_year:
            return ""
        return _(
            "The whole-year figure also counts disbursements of %(year)s's projects dated after the cut-off of "
            "%(end)s (entered after the year closed) or before %(start)s: every disbursement belongs to its "
            "project's plan year."
        ) % {"year": self.year, "end": f"{self.ends_on:%d/%m/%Y}", "start": f"{self.starts_on:%d/%m/%Y}"}


@dataclass
class Table:
    """One execution table of a dashboard or report: its window, last year's, and a line per row."""

    which: str  # "own" (the period's own window) or "cumulative"
    period: PeriodInfo
    last_period: PeriodInfo
    lines: list[tuple["Row", list[FundCell]]]
    total: list[FundCell]


@dataclass
class Registration:
    """Registration for next year's national plan: `headline` is the one definition
    (`projects.selectors.RegistrationHeadline`), None when the ministry never opened that year's registration."""

    plan_year: int
    headline: project_selectors.RegistrationHeadline | None = None

    @property
    def on_time(self) -> int:
        return self.headline.on_time if self.headline else 0

    @property
    def late(self) -> int:
        return self.headline.late if self.headline else 0

    @property
    def registered(self) -> int:
        return self.headline.registered if self.headline else 0

    @property
    def missing(self) -> int:
        return self.headline.missing if self.headline else 0

    @property
    def provinces(self) -> int:  # the provinces the registration was opened to
        return self.headline.opened if self.headline else 0

    @property
    def deadline(self) -> datetime.date | None:
        return self.headline.deadline if self.headline else None


@dataclass
class Dashboard:
    """Everything a dashboard or a report shows for one period."""

    period: PeriodInfo  # the period's own window: a quarter's own, else the cumulative one
    last_period: PeriodInfo
    rollup: bool
    rows: list[Row]
    total: Row
    by_activity: list[ActivityRow]
    series: list[YearSeries]
    registration: Registration
    statuses: list[tuple[str, str]]  # (value, label) of the statuses shown as columns
    attention: dict[str, list[Project]] = field(default_factory=dict)
    attention_counts: dict[str, int] = field(default_factory=dict)  # each attention list's length in all
    ytd_period: PeriodInfo | None = None  # cumulative from the start of the year (the period itself if it is)
    ytd_last_period: PeriodInfo | None = None
    comparison_notes: list[str] = field(default_factory=list)  # how windows spanning a merger were counted

    @property
    def tables(self) -> list[Table]:
        """The execution tables to show: a quarter's own window and the cumulative one; otherwise the
        cumulative one only (the period's own window is cumulative)."""
        own = Table(
            "own" if not self.period.cumulative else "cumulative",
            self.period,
            self.last_period,
            [(row, row.cells) for row in self.rows],
            self.total.cells,
        )
        if self.period.cumulative or self.ytd_period is None:
            return [own]
        ytd = Table(
            "cumulative",
            self.ytd_period,
            self.ytd_last_period,
            [(row, row.ytd_cells) for row in self.rows],
            self.total.ytd_cells,
        )
        return [own, ytd]

    @staticmethod
    def _headline(period: PeriodInfo, rate: Decimal | None) -> str:
        if rate is None:
            return _("%(period)s: nothing was planned") % {"period": period.caption}
        return _("%(period)s: execution reached %(rate)s of plan") % {
            "period": period.caption,
            "rate": numbers.format_percent(rate),
        }

    @property
    def headline_rate(self) -> str:
        """ "9 tháng đầu năm 2022, lũy kế từ đầu năm (15/12/2021–14/09/2022): thực hiện đạt 37,6% kế hoạch" """
        return self._headline(self.period, self.total.total.now.rate)

    @property
    def headline_cumulative(self) -> str:
        """A quarter's cumulative headline beside its own; "" for periods that are cumulative already."""
        if self.period.cumulative or self.ytd_period is None:
            return ""
        return self._headline(self.ytd_period, self.total.ytd_cells[-1].now.rate)

    @property
    def headline_registration(self) -> str | None:
        """ "05/20 tỉnh đã đăng ký kế hoạch khuyến công quốc gia năm 2023 (04 đúng hạn, 01 muộn)"; None when
        the registration of that plan year was never opened."""
        headline = self.registration.headline
        return headline.text if headline else None


# ---- periods ------------------------------------------------------------------------------------------


def period_info(
    *, kind: str, year: int, number: int = 1, known: dict | None = None, cal: Calendar | None = None
) -> PeriodInfo:
    """The period's own window: the stored ReportingPeriod's dates when it exists, else the cut-off rules.
    A quarter's own window is not cumulative; six months, nine months and the year are."""
    stored = (known or {}).get((kind, year, number))
    if stored is not None:
        starts_on, ends_on = stored.starts_on, stored.ends_on
    else:
        starts_on, ends_on = period_selectors.window(kind, year, number, cal=cal)
    label = ReportingPeriod(kind=kind, year=year, number=number).label
    cumulative = kind != PeriodKind.QUARTER
    return PeriodInfo(kind, year, number, starts_on, ends_on, label, cumulative, kind == PeriodKind.YEAR)


def cumulative_info(
    *, kind: str, year: int, number: int = 1, known: dict | None = None, cal: Calendar | None = None
) -> PeriodInfo:
    """The cumulative window ("lũy kế từ đầu năm") to the period's cut-off: from the start of the year's
    first quarter window (stored, else the rules) to the period's own cut-off."""
    own = period_info(kind=kind, year=year, number=number, known=known, cal=cal)
    if own.cumulative:
        return own
    first = period_info(kind=PeriodKind.QUARTER, year=year, number=1, known=known, cal=cal)
    return PeriodInfo(kind, year, number, first.starts_on, own.ends_on, own.label, cumulative=True)


def default_period(today: datetime.date | None = None) -> tuple[int, str, int]:
    """The latest period (counted from the start of the year) whose cut-off has passed."""
    return period_selectors.calendar().latest_closed(today or timezone.localdate())


# ---- the core ------------------------------------------------------------------------------------------


def _window_q(period: PeriodInfo, prefix: str = "") -> Q:
    return Q(**{f"{prefix}date__gte": period.starts_on, f"{prefix}date__lte": period.ends_on})


def money_q(period: PeriodInfo) -> Q:
    """Disbursements (of MoneyEntry) counted in a window: the plan year's projects, dated in the window;
    for the whole-year figure every date (the late money rule in the module docstring)."""
    plan_year = Q(project__plan_year=period.year)
    return plan_year if period.whole_year else plan_year & _window_q(period)


class _RollupWindows:
    """The same windows read from the money roll-up (`projects.models.MoneyRollup`), whose buckets are the
    quarters of the cut-off rules: usable only when every quarter the figures use has exactly the rules'
    dates (a period stored before a rule changed keeps its own) and every window is a run of whole quarters.
    `aligned` is False otherwise, and the figures then sum the entries themselves (the same definitions)."""

    def __init__(self, quarters: dict[tuple[int, int], PeriodInfo], cal: Calendar):
        self.quarters = quarters
        self.aligned = all(
            tuple(cal.window(PeriodKind.QUARTER, y, n)) == (q.starts_on, q.ends_on) for (y, n), q in quarters.items()
        )

    def buckets(self, period: PeriodInfo) -> tuple[int, int] | None:
        """The first and last quarter of the period's year making up its window exactly; None when the window
        is not whole quarters."""
        inside = sorted(
            (q.starts_on, n, q)
            for (y, n), q in self.quarters.items()
            if y == period.year and q.starts_on >= period.starts_on and q.ends_on <= period.ends_on
        )
        if not inside or inside[0][2].starts_on != period.starts_on or inside[-1][2].ends_on != period.ends_on:
            return None
        return inside[0][1], inside[-1][1]

    def usable(self, periods: list[PeriodInfo]) -> bool:
        return self.aligned and all(p.whole_year or self.buckets(p) is not None for p in periods)

    def q(self, period: PeriodInfo) -> Q:
        """The roll-up rows of a window: its plan year, and its quarters (every one for the whole year)."""
        if period.whole_year:
            return Q(plan_year=period.year)
        first, last = self.buckets(period)
        return Q(plan_year=period.year, window_year=period.year, window_number__gte=first, window_number__lte=last)


def drill_params(period: PeriodInfo) -> dict[str, str]:
    """The project list's query parameters for a window: the plan year and the money dates, so its total
    row equals the dashboard's cell (no money dates for the whole-year figure: all its money counts)."""
    params = {"year": str(period.year)}
    if not period.whole_year:
        params |= {"money_from": period.starts_on.isoformat(), "money_to": period.ends_on.isoformat()}
    return params


def _straddle_notes(periods: list[PeriodInfo], changed_on: set[datetime.date], rolled: bool) -> list[str]:
    notes = []
    for period in periods:
        for day in sorted(changed_on):
            if period.starts_on < day <= period.ends_on:
                values = {"period": period.caption, "day": f"{day:%d/%m/%Y}"}
                if rolled:
                    text = _(
                        "%(period)s spans the reorganisation of provinces of %(day)s: the money of the former "
                        "provinces, before and after that day, is added to the province they merged into."
                    )
                else:
                    text = _(
                        "%(period)s spans the reorganisation of provinces of %(day)s: each amount counts for the "
                        "province recorded on its project, so a former province's row holds its projects' money "
                        "of the whole window and a merged province's row only its own projects'."
                    )
                notes.append(text % values)
    return list(dict.fromkeys(notes))


# ---- the grouped statements of _build --------------------------------------------------------------------
# Compiled to SQL once per process for each set of arguments (khuyencong/statements.py): after a write the
# dashboards run them again for the same period and provinces, and building and compiling these querysets cost
# as much as PostgreSQL took to answer them. Each depends on its arguments only.


@compiled_once
def _plans(ids: frozenset[int], years: tuple[int, ...]):
    """Plans of the years, per province, year and fund."""
    return (
        Plan.objects.filter(province_id__in=ids, year__in=years)
        .values("province_id", "year", "fund")
        .annotate(total=Sum("planned_amount"))
        .order_by()
    )


@compiled_once
def _rollup_money(ids: frozenset[int], years: tuple[int, ...], windows: tuple[tuple[str, Q], ...]):
    """Disbursed per province, plan year and fund: in each named window (its roll-up rows' condition), and
    by each quarter's cut-off of its own plan year (q1…q4, the series)."""
    return (  # by fund: the activity contents already summed (a sixth of MoneyRollup's rows, not growing with projects)
        FundRollup.objects.filter(kind=MoneyEntry.Kind.DISBURSEMENT, province_id__in=ids, plan_year__in=years)
        .values("province_id", "plan_year", "fund")
        .annotate(
            **{name: Sum("amount", filter=condition) for name, condition in windows},
            # Each plan year's own quarters to the n-th: one condition over the plan years read, instead of an
            # OR of one per year (the same rows; the ORM built 60 lookups for it).
            **{
                f"q{n}": Sum("amount", filter=Q(window_year=F("plan_year"), window_number__lte=n)) for n in (1, 2, 3, 4)
            },
        )
        .order_by()
    )


@compiled_once
def _status_counts(ids: frozenset[int], year: int, today: datetime.date):
    """Projects of the plan year per province and status, and how many of them are behind schedule today."""
    return (
        Project.objects.filter(province_id__in=ids, plan_year=year)
        .values("province_id", "status")
        .annotate(n=Count("id"), late=Count("id", filter=project_selectors.late_filter(today)))
        .order_by()
    )


@compiled_once
def _registrations(ids: frozenset[int], plan_year: int):
    """The national plan's registration rows of the plan year: (province, status, deadline)."""
    return (
        NationalPlanRegistration.objects.filter(province_id__in=ids, plan_year=plan_year)
        .values_list("province_id", "status", "deadline")
        .order_by()
    )


@compiled_once
def _support_by_activity(ids: frozenset[int], year: int):
    """The plan year's approved projects per activity content: how many, and their approved support."""
    return (
        Project.objects.filter(province_id__in=ids, plan_year=year, status__in=project_rules.APPROVED_OR_LATER)
        .values("activity_id", "activity__code", "activity__name_vi", "activity__name_en", "activity__heading")
        .annotate(n=Count("id"), support=Sum("approved_support"))
        .order_by("activity__heading", "activity__code")
    )


@compiled_once
def _rollup_paid_by_activity(ids: frozenset[int], window: Q):
    """Disbursed per activity content in one window (its roll-up rows' condition): (activity, amount)."""
    return (
        MoneyRollup.objects.filter(window, kind=MoneyEntry.Kind.DISBURSEMENT, province_id__in=ids)
        .values_list("activity_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _build(
    *,
    ids: set[int],
    row_provinces: list[Province],
    key_of: dict[int, int],
    merged: dict[int, list[str]],
    year: int,
    kind: str,
    number: int,
    rollup: bool,
    today: datetime.date,
    changed_on: set[datetime.date] = frozenset(),
    roll_last: bool = False,
) -> Dashboard:
    """`changed_on`: the days provinces changed (a window spanning one gets a note); `roll_last`: count the
    last-year figures of a province that ended before this year's data began in its successor's row."""
    years = range(min(FIRST_YEAR, year - 1), year + 1)
    known = period_selectors.stored_periods(years=years)
    cal = period_selectors.calendar()
    period = period_info(kind=kind, year=year, number=number, known=known, cal=cal)
    last_period = period_info(kind=kind, year=year - 1, number=number, known=known, cal=cal)
    ytd_period = cumulative_info(kind=kind, year=year, number=number, known=known, cal=cal)
    ytd_last_period = cumulative_info(kind=kind, year=year - 1, number=number, known=known, cal=cal)
    quarters = {
        (y, n): period_info(kind=PeriodKind.QUARTER, year=y, number=n, known=known, cal=cal)
        for y in years
        for n in (1, 2, 3, 4)
    }
    year_start = {y: quarters[(y, 1)].starts_on for y in years}

    # Former provinces are marked "(đến 06/2025)" only where they stand beside today's provinces.
    mixed = len({p.code_set for p in row_provinces}) > 1
    rows = {p.pk: Row(province=p, name=str(p) if mixed else p.name, merged=merged.get(p.pk, [])) for p in row_provinces}

    def row_for(province_id: int) -> Row | None:
        key = key_of.get(province_id)
        return rows.get(key) if key is not None else None

    # Same period last year of a province formed by the merger: its predecessors rolled up (a province that
    # ended before this year's data began has no row of its own to compare with).
    last_key_of = dict(key_of)
    rolled: dict[int, list[str]] = defaultdict(list)
    if roll_last:
        successor_of = {p.pk: p.successor_id for p in row_provinces}
        for p in row_provinces:
            if p.valid_to is not None and p.valid_to < year_start[year] and p.successor_id:
                target = province_selectors.successor_among(p.successor_id, successor_of, set(rows))
                if target is not None:
                    last_key_of[p.pk] = target
                    rolled[target].append(p.name)

    def last_row_for(province_id: int) -> Row | None:
        key = last_key_of.get(province_id)
        return rows.get(key) if key is not None else None

    for pk in ids:  # what each row counts, for its drill-down links
        if (row := row_for(pk)) is not None:
            row.ids.add(pk)
        if (row := last_row_for(pk)) is not None:
            row.last_ids.add(pk)

    # 1. Plans of every year of the series, per province and fund.
    ids_key = frozenset(ids)
    plans = _plans(ids_key, tuple(years))
    planned_by_year: dict[int, Decimal] = defaultdict(Decimal)
    for plan in plans:
        planned_by_year[plan["year"]] += plan["total"]
        if plan["year"] == year and (row := row_for(plan["province_id"])) is not None:
            row.now[plan["fund"]].planned += plan["total"]
            row.ytd[plan["fund"]].planned += plan["total"]
        elif plan["year"] == year - 1 and (row := last_row_for(plan["province_id"])) is not None:
            row.last[plan["fund"]].planned += plan["total"]
            row.ytd_last[plan["fund"]].planned += plan["total"]

    # 2. Disbursements: the period's own window, its cumulative one, the same two last year, and each
    # quarter's cut-off of every year (the series), in one grouped query.
    # Read from the money roll-up when its quarters make up every window, else from the entries.
    rollup_windows = _RollupWindows(quarters, cal)
    windows = {"now": period, "last": last_period, "ytd": ytd_period, "ytd_last": ytd_last_period}
    from_rollup = rollup_windows.usable(list(windows.values()))
    if from_rollup:
        money = _rollup_money(ids_key, tuple(years), tuple((name, rollup_windows.q(w)) for name, w in windows.items()))
    else:
        money = (
            MoneyEntry.objects.filter(
                kind=MoneyEntry.Kind.DISBURSEMENT,
                project__province_id__in=ids,
                project__plan_year__in=list(years),
            )
            .values(province_id=F("project__province_id"), plan_year=F("project__plan_year"), fund=F("project__fund"))
            .annotate(
                **{name: Sum("amount", filter=money_q(w)) for name, w in windows.items()},
                **{
                    f"q{n}": Sum(
                        "amount",
                        filter=reduce(
                            or_,
                            [
                                Q(project__plan_year=y, date__gte=year_start[y], date__lte=quarters[(y, n)].ends_on)
                                for y in years
                            ],
                        ),
                    )
                    for n in (1, 2, 3, 4)
                },
            )
            .order_by()
        )
    cumulative: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for entry in money:
        plan_year, fund = entry["plan_year"], entry["fund"]
        for n in (1, 2, 3, 4):
            cumulative[(plan_year, n)] += entry[f"q{n}"] or ZERO
        if plan_year == year and (row := row_for(entry["province_id"])) is not None:
            row.now[fund].disbursed += entry["now"] or ZERO
            row.ytd[fund].disbursed += entry["ytd"] or ZERO
        elif plan_year == year - 1 and (row := last_row_for(entry["province_id"])) is not None:
            row.last[fund].disbursed += entry["last"] or ZERO
            row.ytd_last[fund].disbursed += entry["ytd_last"] or ZERO
    series = [
        YearSeries(
            y,
            planned_by_year.get(y, ZERO),
            [cumulative.get((y, n), ZERO) if quarters[(y, n)].ends_on <= today else None for n in (1, 2, 3, 4)],
        )
        for y in years
        if y >= FIRST_YEAR
    ]

    # 3. Projects of the year by status, and how many are behind schedule.
    counts = _status_counts(ids_key, year, today)
    seen_statuses = set()
    for count in counts:
        row = row_for(count["province_id"])
        if row is not None:
            row.statuses[count["status"]] = row.statuses.get(count["status"], 0) + count["n"]
            row.late += count["late"]
            seen_statuses.add(count["status"])

    # 4. Registration for next year's national plan: the rows the ministry opened, one per province.
    registrations = _registrations(ids_key, year + 1)
    for province_id, status, _deadline in registrations:
        row = row_for(province_id)
        if row is not None:
            row.registration[status] = row.registration.get(status, 0) + 1
    registration = Registration(
        plan_year=year + 1,
        headline=project_selectors.registration_headline_of(
            plan_year=year + 1, rows=[(status, deadline) for _pk, status, deadline in registrations]
        ),
    )

    # 5. The year's projects by activity content: approved support and disbursed in the cumulative window.
    support = _support_by_activity(ids_key, year)
    if from_rollup:
        paid = dict(_rollup_paid_by_activity(ids_key, rollup_windows.q(ytd_period)))
    else:
        paid_rows = MoneyEntry.objects.filter(
            money_q(ytd_period), kind=MoneyEntry.Kind.DISBURSEMENT, project__province_id__in=ids
        ).values_list("project__activity_id")
        paid = dict(paid_rows.annotate(total=Sum("amount")).order_by())
    english = (translation.get_language() or "vi").startswith("en")
    by_activity = [
        ActivityRow(
            a["activity_id"],
            a["activity__code"],
            a["activity__name_en"] if english else a["activity__name_vi"],
            a["activity__heading"],
            a["n"],
            Figures(a["support"] or ZERO, paid.get(a["activity_id"], ZERO)),
        )
        for a in support
    ]

    total = Row(province=None, name=_("Region total"))
    for row in rows.values():
        total.absorb(row)
    statuses = [(s.value, s.label) for s in ProjectStatus if s.value in seen_statuses]
    notes = _straddle_notes([period, ytd_period], changed_on, rollup)
    notes += _straddle_notes([last_period, ytd_last_period], changed_on, rollup or bool(rolled))
    notes += [
        _("Same period last year of %(province)s adds up the former provinces merged into it: %(names)s.")
        % {"province": rows[key].name, "names": ", ".join(sorted(names))}
        for key, names in rolled.items()
    ]
    return Dashboard(
        period=period,
        last_period=last_period,
        rollup=rollup,
        rows=list(rows.values()),
        total=total,
        by_activity=by_activity,
        series=series,
        registration=registration,
        statuses=statuses,
        ytd_period=ytd_period,
        ytd_last_period=ytd_last_period,
        comparison_notes=notes,
    )


def _overlaps(m: RegionMembership, first: datetime.date, last: datetime.date) -> bool:
    return m.valid_from <= last and (m.valid_to is None or m.valid_to >= first)


def regional_figures(
    *, year: int, kind: str, number: int = 1, rollup: bool, user: User, today: datetime.date | None = None
) -> Dashboard:
    """The region's dashboard for a period; rollup=True adds the 20 former provinces into today's 9.

    Rows are limited to the provinces in the user's scope (every province for ministry staff).
    """
    today = today or timezone.localdate()
    memberships = province_selectors.region_memberships()
    scope = province_selectors.province_ids_in_scope(user=user)
    by_pk = {m.province.pk: m.province for m in memberships}
    ids = set(by_pk) if scope is None else set(by_pk) & scope
    if rollup:
        first = last = today
    else:  # the provinces of the region during the year's data window
        first, last = period_selectors.window(PeriodKind.YEAR, year, 1)
    row_provinces = sorted(
        {m.province for m in memberships if m.province.pk in ids and _overlaps(m, first, last)},
        key=lambda p: (p.code_set, vi_sort_key(p.name)),
    )
    keys = {p.pk for p in row_provinces}
    successor_of = {pk: p.successor_id for pk, p in by_pk.items()}
    key_of = {pk: province_selectors.successor_among(pk, successor_of, keys) for pk in by_pk if pk in ids}
    merged: dict[int, list[str]] = defaultdict(list)
    if rollup:
        for pk, key in key_of.items():
            if key is not None and key != pk:
                merged[key].append(by_pk[pk].name)
    return _build(
        ids=ids,
        row_provinces=row_provinces,
        key_of=key_of,
        merged={k: sorted(v, key=vi_sort_key) for k, v in merged.items()},
        year=year,
        kind=kind,
        number=number,
        rollup=rollup,
        today=today,
        changed_on=_changed_on(by_pk[pk] for pk in ids),
    )


def _changed_on(provinces) -> set[datetime.date]:
    """The days provinces changed (the day after a province's last day): 01/07/2025 for the merger."""
    return {p.valid_to + datetime.timedelta(days=1) for p in provinces if p.valid_to is not None}


def province_figures(
    *,
    province: Province,
    year: int,
    kind: str,
    number: int = 1,
    user: User,
    today: datetime.date | None = None,
    attention_limit: int = 50,
) -> Dashboard:
    """One province's dashboard: a row per province its history is recorded under (itself and the former
    provinces merged into it), their total, and the projects that need attention (`attention_limit` of each
    list, with each list's full count in `attention_counts`). The caller checks scope.
    """
    today = today or timezone.localdate()
    ids = province_selectors.province_family_ids(province_id=province.pk)
    row_provinces = sorted(Province.objects.filter(pk__in=ids), key=lambda p: (p.code_set, vi_sort_key(p.name)))
    dashboard = _build(
        ids=ids,
        row_provinces=row_provinces,
        key_of={pk: pk for pk in ids},
        merged={},
        year=year,
        kind=kind,
        number=number,
        rollup=False,
        today=today,
        changed_on=_changed_on(row_provinces),
        roll_last=True,
    )
    dashboard.total.name = _("Total, %(province)s") % {"province": province.name}
    dashboard.rows = [
        r
        for r in dashboard.rows
        if r.province == province or r.projects or r.total.now.planned or r.total.last.planned or r.total.last.disbursed
    ]
    dashboard.attention = attention(
        ids=ids, period=dashboard.period, today=today, limit=attention_limit, counts=dashboard.attention_counts
    )
    return dashboard


# The attention lists' order, by end date then code. Written COALESCE(end_date, end_date) (the same order) so
# that PostgreSQL does not walk the list's end-date index in order and filter every project of the region on
# the way until ten of one province turn up (8 ms at demo scale 10, growing with the data); it reads the
# province's running projects by their status and province indexes and sorts those (0.5 ms).
BY_END_DATE = (Coalesce("end_date", "end_date"), "code")


def attention(
    *, ids: set[int], period: PeriodInfo, today: datetime.date, limit: int = 50, counts: dict | None = None
) -> dict[str, list[Project]]:
    """Projects that need attention: overdue, no progress for the period's last quarter, money far behind time.

    A constant number of queries whatever the number of projects; lists are capped at `limit`. `counts`, when
    given, receives how many projects each list has in all (a capped list must not pass for the whole).
    """
    base = Project.objects.filter(province_id__in=ids).select_related("province", "activity")
    overdue_q = base.filter(project_selectors.late_filter(today))
    overdue = list(overdue_q.order_by(*BY_END_DATE)[:limit])
    number = {PeriodKind.HALF_YEAR: 2, PeriodKind.NINE_MONTHS: 3, PeriodKind.YEAR: 4}.get(period.kind, period.number)
    quarter = ReportingPeriod.objects.filter(kind=PeriodKind.QUARTER, year=period.year, number=number)
    has_progress = ProgressUpdate.objects.filter(project=OuterRef("pk"), period__in=quarter)
    silent_filter = Q(status__in=[ProjectStatus.IN_PROGRESS, ProjectStatus.ADJUSTING], start_date__lte=period.ends_on)
    silent_q = base.filter(silent_filter).exclude(Exists(has_progress))
    silent = list(silent_q.order_by(*BY_END_DATE)[:limit])
    # Far behind: every running project's dates and disbursed sum as plain values (no model rows), then the
    # first `limit` of them as projects, so the cost of a long list is one light row each.
    running = (  # only the disbursed sum: the one this list compares with the time elapsed
        base.filter(status__in=project_rules.ACTIVE_STATUSES, start_date__lte=period.ends_on, approved_support__gt=0)
        .annotate(disbursed=project_selectors.money_sum(MoneyEntry.Kind.DISBURSEMENT, until=period.ends_on))
        .order_by("end_date", "code")
        .values_list("pk", "start_date", "end_date", "disbursed", "approved_support")
    )
    shares: dict[int, tuple[Decimal, Decimal]] = {}
    for pk, start_date, end_date, disbursed, support in running:
        span = max(1, (end_date - start_date).days)
        elapsed = min(Decimal(100), Decimal(100 * (period.ends_on - start_date).days) / span)
        share = Decimal(100) * disbursed / support
        if elapsed - share > BEHIND_POINTS:
            shares[pk] = (elapsed, share)
    behind = list(base.filter(pk__in=list(shares)[:limit]).order_by("end_date", "code"))
    for project in behind:
        project.elapsed_share, project.disbursed_share = shares[project.pk]
    if counts is not None:  # one query whatever the lists' lengths
        counts.update(
            base.order_by().aggregate(
                overdue=Count("pk", filter=project_selectors.late_filter(today)),
                silent=Count("pk", filter=silent_filter & ~Q(Exists(has_progress))),
            ),
            behind=len(shares),
        )
    return {"overdue": overdue, "silent": silent, "behind": behind}
