"""The implementation record per province and year, built only from rows the portal already holds.

Every figure is a count over rows (numerator ÷ denominator) and keeps the rows it counted, so a page can list
what is behind each number. Provinces are today's: the rows of provinces merged in 2025 roll up into their
successor through the merger door (`successor_among`). A fixed number of queries whatever the number of
provinces: one per kind of row, plus two per reporting period of the year (reports.selectors.timeliness).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, OuterRef, Subquery, Sum
from django.utils import timezone

from evaluation.models import Measure
from periods.models import PeriodKind, ReportingPeriod
from projects import rules
from projects.models import MoneyEntry, NationalPlanRegistration, Plan, ProgressUpdate, Project, ProjectTransition
from provinces import selectors as province_selectors
from provinces.models import Province, User
from reports import selectors as report_selectors

SETTLEMENT_DAY = (1, 22)  # contracts are settled by 22 January of the next year


@dataclass
class Row:
    """One row behind a figure: what it is, where to open it, and whether it counts in the numerator."""

    label: str
    kind: str  # project, report, plan, registration
    pk: int | None
    counted: bool
    note: str = ""


@dataclass
class Figure:
    code: str
    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    rows: list[Row] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def value(self) -> Decimal | None:
        """Numerator ÷ denominator as a percentage; None when nothing was due (no points either way)."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) * 100 / Decimal(self.denominator)


@dataclass
class Record:
    province: Province
    year: int
    figures: dict[str, Figure]
    score: Decimal | None = None

    def value_of(self, code: str) -> Decimal | None:
        return self.figures[code].value


def points(measure: Measure, value: Decimal | None) -> Decimal | None:
    """0…1, linear from `zero_at` to `full_at`, clamped (either direction)."""
    if value is None:
        return None
    share = (Decimal(value) - measure.zero_at) / (measure.full_at - measure.zero_at)
    return min(Decimal(1), max(Decimal(0), share))


def score(figures: dict[str, Figure], measures: list[Measure]) -> Decimal | None:
    """Weighted points over the figures that had something due, out of 100; None if none had."""
    earned = total = Decimal(0)
    for measure in measures:
        got = points(measure, figures[measure.code].value)
        if got is None or not measure.weight:
            continue
        earned += measure.weight * got
        total += measure.weight
    return (earned * 100 / total).quantize(Decimal("0.1")) if total else None


def _year_elapsed(year: int, today: datetime.date) -> Decimal:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if today < start:
        return Decimal(0)
    days = (min(today, end) - start).days + 1
    return Decimal(days) / Decimal((end - start).days + 1)


def records(
    *, user: User, year: int, today: datetime.date | None = None, province_pk: int | None = None
) -> list[Record]:
    """The record of every today's province in the user's scope (or one), for a year."""
    today = today or timezone.localdate()
    provinces = province_selectors.provinces_in_region_on(day=today)
    provinces = province_selectors.scope_for_user(provinces, user=user, province_field="pk")
    if province_pk is not None:
        provinces = provinces.filter(pk=province_pk)
    provinces = list(provinces)
    keys = {p.pk for p in provinces}
    successor_of = dict(Province.objects.values_list("pk", "successor_id"))

    def home(province_id: int) -> int | None:
        return province_selectors.successor_among(province_id, successor_of, keys)

    figures = {p.pk: {code: Figure(code) for code in Measure.Code.values} for p in provinces}
    family = [pk for pk in successor_of if home(pk) is not None]

    # Projects of the plan year, approved or later: the first acceptance and settlement dates beside them.
    accepted = ProjectTransition.objects.filter(project=OuterRef("pk"), action="accept").order_by("at").values("at")[:1]
    settled = (
        MoneyEntry.objects.filter(project=OuterRef("pk"), kind=MoneyEntry.Kind.SETTLEMENT)
        .order_by("date")
        .values("date")[:1]
    )
    projects = list(
        Project.objects.filter(plan_year=year, province_id__in=family, status__in=rules.APPROVED_OR_LATER)
        .annotate(accepted_at=Subquery(accepted), settled_on=Subquery(settled))
        .only("pk", "code", "province_id", "status", "start_date", "end_date")
        .order_by("code")
    )
    settlement_due = datetime.date(year + 1, *SETTLEMENT_DAY)
    for project in projects:
        f = figures[home(project.province_id)]
        label = project.code
        if project.end_date < today:  # due: its end date has passed
            accepted_on = timezone.localtime(project.accepted_at).date() if project.accepted_at else None
            on_time = accepted_on is not None and accepted_on <= project.end_date
            _count(f["finished_on_time"], Row(label, "project", project.pk, on_time, _d(accepted_on)))
            late = rules.is_late_on(project, today)
            _count(f["behind_schedule"], Row(label, "project", project.pk, late, _d(project.end_date)))
        settled_on_time = project.settled_on is not None and project.settled_on <= settlement_due
        if today > settlement_due or settled_on_time:
            _count(f["settled_on_time"], Row(label, "project", project.pk, settled_on_time, _d(project.settled_on)))

    # Progress entered for every quarter of the year already closed, for projects running in it.
    quarters = list(
        ReportingPeriod.objects.filter(kind=PeriodKind.QUARTER, year=year, ends_on__lt=today).order_by("number")
    )
    entered = set(
        ProgressUpdate.objects.filter(period__in=quarters, project__in=[p.pk for p in projects]).values_list(
            "project_id", "period_id"
        )
    )
    for quarter in quarters:
        for project in projects:
            if project.start_date <= quarter.ends_on and project.end_date >= quarter.starts_on:
                row = Row(
                    f"{project.code} · Q{quarter.number}", "project", project.pk, (project.pk, quarter.pk) in entered
                )
                _count(figures[home(project.province_id)]["progress_complete"], row)

    # Periodic reports of the year whose deadline has passed: on time, late, very late (reports.selectors).
    periods = ReportingPeriod.objects.filter(year=year, deadline__lt=today).order_by("ends_on", "kind")
    for period in periods:
        for state in report_selectors.timeliness(period=period, today=today):
            target = home(state.province.pk)
            if target is None:
                continue
            f = figures[target]["reports_on_time"]
            label = f"{period.get_kind_display()} {period.number}/{period.year} · {state.province.name}"
            report_pk = state.report.pk if state.report else None
            _count(f, Row(label, "report", report_pk, state.state == "on_time", str(state.label)))
            f.extra[state.state] = f.extra.get(state.state, 0) + 1

    # Execution: disbursed in the year on its projects ÷ planned for the year, against the share elapsed.
    elapsed = _year_elapsed(year, today)
    planned = defaultdict(Decimal)
    for plan in (
        Plan.objects.filter(year=year, province_id__in=family).values("province_id").annotate(s=Sum("planned_amount"))
    ):
        planned[home(plan["province_id"])] += plan["s"] or 0
    disbursed = defaultdict(Decimal)
    money = (
        MoneyEntry.objects.filter(
            kind=MoneyEntry.Kind.DISBURSEMENT,
            project__in=[p.pk for p in projects],
            date__gte=datetime.date(year, 1, 1),
            date__lte=min(today, datetime.date(year, 12, 31)),
        )
        .values("project__province_id")
        .annotate(s=Sum("amount"))
    )
    for entry in money:
        disbursed[home(entry["project__province_id"])] += entry["s"] or 0
    for pk, f in figures.items():
        pace = f["execution_pace"]
        if planned[pk] and elapsed:
            # numerator: disbursed; denominator: the plan's share for the time elapsed
            pace.numerator, pace.denominator = disbursed[pk], (planned[pk] * elapsed).quantize(Decimal(1))
        pace.extra = {"planned": planned[pk], "disbursed": disbursed[pk], "elapsed": elapsed * 100}
        pace.rows = [Row(p.code, "project", p.pk, True) for p in projects if home(p.province_id) == pk]

    # National-plan registration made during the year (for the next plan year), once due or done.
    registrations = NationalPlanRegistration.objects.filter(plan_year=year + 1, province_id__in=family).select_related(
        "province"
    )
    for registration in registrations:
        done = registration.status != NationalPlanRegistration.Status.NOT_REGISTERED
        if not done and registration.deadline >= today:
            continue
        row = Row(
            f"{registration.province.name} → {registration.plan_year}",
            "registration",
            registration.pk,
            registration.status == NationalPlanRegistration.Status.REGISTERED,
            str(registration.get_status_display()),
        )
        _count(figures[home(registration.province_id)]["registered_on_time"], row)

    measures = list(Measure.objects.all())
    result = []
    for province in provinces:
        record = Record(province, year, figures[province.pk])
        record.score = score(record.figures, measures)
        result.append(record)
    return result


def _count(figure: Figure, row: Row) -> None:
    figure.denominator += 1
    figure.numerator += 1 if row.counted else 0
    figure.rows.append(row)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def first_year() -> int:
    found = Project.objects.aggregate(first=Min("plan_year"))["first"]
    return found or timezone.localdate().year


def definitions() -> dict[str, str]:
    """What each figure counts, in words (on the page and in the commendation export)."""
    from django.utils.translation import gettext as _

    return {
        "finished_on_time": _(
            "Projects of the plan year, approved or later, whose end date has passed: "
            "the share accepted by their end date."
        ),
        "behind_schedule": _("The same projects: the share still running past their end date (lower is better)."),
        "reports_on_time": _(
            "Periodic reports of the year whose deadline has passed: the share submitted by the deadline "
            "(late: within the grace days; very late: after them or still missing)."
        ),
        "progress_complete": _(
            "For every quarter of the year already closed and every project running in it: "
            "the share with progress entered."
        ),
        "execution_pace": _(
            "Disbursed during the year on the plan year's projects, against the year's plan times the share of the "
            "year elapsed (100% means on pace)."
        ),
        "settled_on_time": _(
            "Projects of the plan year, approved or later: "
            "the share with a settlement dated by 22 January of the next year."
        ),
        "registered_on_time": _(
            "The registration of next year's national-fund projects made during the year: registered by the deadline."
        ),
    }
