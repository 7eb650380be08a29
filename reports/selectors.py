"""Reads of periodic reports, always through the user's scope."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from periods import selectors as period_selectors
from periods.models import EntryException, ReportingPeriod
from provinces import selectors as province_selectors
from provinces.models import Province, User
from reports.models import Report

T = TypeVar("T")


def report_list_for(*, user: User) -> QuerySet[Report]:
    """Reports the user may see: every report for ministry staff; the province's own otherwise (never the
    regional consolidated report, which gathers every province's working figures)."""
    queryset = Report.objects.select_related("period", "province", "submitted_by")
    return province_selectors.scope_for_user(queryset, user=user)


def report_get_for(*, user: User, pk: int) -> Report:
    try:
        return report_list_for(user=user).get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None


def versions_of(report: Report) -> QuerySet[Report]:
    return Report.objects.filter(period=report.period, province=report.province).order_by("-version")


@dataclass
class Timeliness:
    """Where a province stands for a period: its latest report version and whether it came on time."""

    province: Province
    report: Report | None
    submitted_on: datetime.date | None
    state: str  # missing, draft, on_time, late, very_late (not yet submitted and long overdue: very_late)

    @property
    def label(self) -> str:
        from django.utils.translation import gettext as _

        return {
            "missing": _("missing"),
            "draft": _("not submitted"),
            "overdue": _("overdue"),
            "very_late": _("very late"),
            "on_time": _("submitted on time"),
            "late": _("submitted late"),
        }[self.state]


def timeliness(
    *, period: ReportingPeriod, today: datetime.date | None = None, user: User | None = None
) -> list[Timeliness]:
    """Per province of the region at the period's cut-off: submitted on time, late, very late or missing.
    Two queries whatever the number of provinces."""
    today = today or timezone.localdate()
    provinces = province_selectors.provinces_in_region_on(day=period.ends_on)
    if user is not None:
        provinces = province_selectors.scope_for_user(provinces, user=user, province_field="pk")
    provinces = list(provinces)
    latest: dict[int, Report] = {}
    first_submission: dict[int, datetime.date] = {}
    reports = Report.objects.filter(period_selectors.same_period(period), province__in=provinces).order_by(
        "province_id", "version"
    )
    for report in reports:
        latest[report.province_id] = report
        if report.submitted_at and report.province_id not in first_submission:
            first_submission[report.province_id] = timezone.localtime(report.submitted_at).date()
    very_late = period.deadline + datetime.timedelta(days=settings.REPORTS_VERY_LATE_DAYS)
    result = []
    for province in provinces:
        report, submitted_on = latest.get(province.pk), first_submission.get(province.pk)
        if submitted_on:
            state = (
                "on_time" if submitted_on <= period.deadline else ("late" if submitted_on <= very_late else "very_late")
            )
        elif today > very_late:
            state = "very_late"
        elif today > period.deadline:
            state = "overdue"
        else:
            state = "draft" if report else "missing"
        result.append(Timeliness(province, report, submitted_on, state))
    return result


def completeness(rows: list[Timeliness]) -> dict[str, int]:
    """Reports submitted ÷ expected, and how many by the deadline."""
    submitted = sum(1 for r in rows if r.submitted_on)
    on_time = sum(1 for r in rows if r.state == "on_time")
    return {"expected": len(rows), "submitted": submitted, "on_time": on_time}


def exceptions_for(*, user: User) -> QuerySet[EntryException]:
    queryset = EntryException.objects.select_related("period", "province", "requested_by", "decided_by")
    return province_selectors.scope_for_user(queryset, user=user)


def regional_figures_on(*, region_code: str, day: datetime.date) -> dict:
    """The region's headline figures at a day (a conference's date): the latest period cut off by then,
    from the same selectors as the dashboards and reports. Display strings, ready to be frozen as JSON."""
    from django.utils import translation

    from khuyencong import numbers
    from reports import figures
    from reports.snapshot import SYSTEM_READER

    year, kind, number = figures.default_period(day)
    with translation.override("vi"):
        dashboard = figures.regional_figures(
            year=year, kind=kind, number=number, rollup=True, user=SYSTEM_READER, today=day
        )
        total = dashboard.total.total.now
        figures_on = {
            "Kỳ số liệu": str(dashboard.period.label),
            "Kế hoạch": numbers.format_vnd(total.planned),
            "Đã giải ngân": numbers.format_vnd(total.disbursed),
            "Tỷ lệ thực hiện": numbers.format_percent(total.rate),
            "Kết quả": str(dashboard.headline_rate),
        }
        if dashboard.headline_registration:  # nothing to quote for a registration never opened
            figures_on["Đăng ký kế hoạch khuyến công quốc gia"] = dashboard.headline_registration
        return figures_on


def reports_published_for(*, user: User, include_drafts: bool = False) -> QuerySet[Report]:
    """What the API reads by default: reports in the user's scope whose figures are frozen (submitted,
    accepted, returned); `include_drafts` adds the drafts the same scope reaches (their own province's for
    provincial accounts, every one for ministry staff)."""
    queryset = report_list_for(user=user).select_related("reviewed_by")
    return queryset if include_drafts else queryset.exclude(status=Report.Status.DRAFT)


def submitted_report_covering(*, province_ids: set[int], day: datetime.date) -> Report | None:
    """A submitted (or accepted) report of one of these provinces whose data window holds the day."""
    return (
        Report.objects.filter(
            province_id__in=province_ids,
            status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED],
            period__starts_on__lte=day,
            period__ends_on__gte=day,
        )
        .select_related("period")
        .order_by("submitted_at")
        .first()
    )


# ---- the dashboards' figures, cached by data version -----------------------------------------------------
# Same arguments and results as reports.figures.regional_figures / province_figures; the value is kept in
# the cache under the period, the view, the scope, the day and the data version the services bump on every
# write that moves figures (khuyencong/cachekeys.py), so the next request after a write computes afresh.
# The periodic reports' snapshots and the conference capture call figures directly: what they freeze is
# always read from the rows.


DASHBOARD_ATTENTION = 10  # projects shown per attention list on the dashboard (with the full count)


def _scope_key(user: User) -> str:
    scope = province_selectors.province_ids_in_scope(user=user)
    return "all" if scope is None else ",".join(str(pk) for pk in sorted(scope))


def regional_figures_cached(
    *, year: int, kind: str, number: int = 1, rollup: bool, user: User, today: datetime.date | None = None
):
    from khuyencong import cachekeys
    from reports import figures

    today = today or timezone.localdate()
    return cachekeys.cached(
        ("regional", year, kind, number, rollup, today.isoformat(), _scope_key(user)),
        lambda: figures.regional_figures(year=year, kind=kind, number=number, rollup=rollup, user=user, today=today),
    )


def province_figures_cached(
    *, province: Province, year: int, kind: str, number: int = 1, user: User, today: datetime.date | None = None
):
    """The caller checks scope (as for figures.province_figures): the figures are the province's, whoever asks."""
    from khuyencong import cachekeys
    from reports import figures

    today = today or timezone.localdate()
    return cachekeys.cached(
        ("province", province.pk, year, kind, number, today.isoformat()),
        lambda: figures.province_figures(
            province=province,
            year=year,
            kind=kind,
            number=number,
            user=user,
            today=today,
            attention_limit=DASHBOARD_ATTENTION,
        ),
    )


def dashboard_html_cached(key_parts: tuple, *, user: User | None, today: datetime.date, render: Callable[[], T]) -> T:
    """A dashboard's rendered figures (HTML with its charts and drill-down links), cached like the figures:
    by the data version, the language, the day and the caller's parts (page, period, view, province…) and by
    the user's scope when `user` is given (the regional page's rows are the provinces the user sees).
    `render` builds the fragments from the figures when nothing is cached; their cost is the page's."""
    from khuyencong import cachekeys

    scope = () if user is None else (_scope_key(user),)
    return cachekeys.cached((*key_parts, today.isoformat(), *scope), render)
