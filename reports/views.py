"""Dashboards: thin views over reports.figures (the same figures the periodic reports will print)."""

import datetime
import functools
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from periods import selectors as period_selectors
from periods.models import PeriodKind
from provinces import selectors as province_selectors
from reports import charts, figures
from reports import selectors as report_selectors

PERIODS = {
    "q1": (PeriodKind.QUARTER, 1),
    "q2": (PeriodKind.QUARTER, 2),
    "q3": (PeriodKind.QUARTER, 3),
    "q4": (PeriodKind.QUARTER, 4),
    "half": (PeriodKind.HALF_YEAR, 1),
    "nine": (PeriodKind.NINE_MONTHS, 1),
    "year": (PeriodKind.YEAR, 1),
}


def period_labels() -> list[tuple[str, str]]:
    return [
        ("q1", _("Quarter 1")),
        ("q2", _("Quarter 2")),
        ("q3", _("Quarter 3")),
        ("q4", _("Quarter 4")),
        ("half", _("First 6 months")),
        ("nine", _("First 9 months")),
        ("year", pgettext("period", "Whole year")),
    ]


def _choice(request, today: datetime.date) -> dict:
    """The period asked for in the query string, or the latest one whose cut-off has passed."""
    year, kind, number = figures.default_period(today)
    code = next(c for c, v in PERIODS.items() if v == (kind, number))
    try:
        asked = int(request.GET.get("year", year))
        if figures.FIRST_YEAR <= asked <= today.year:
            year = asked
    except ValueError:
        pass
    if request.GET.get("period") in PERIODS:
        code = request.GET["period"]
    kind, number = PERIODS[code]
    view = request.GET.get("view")
    rollup = view == "today" if view in ("today", "asis") else year >= 2025
    return {"year": year, "kind": kind, "number": number, "code": code, "rollup": rollup}


def _list_url() -> str | None:
    try:
        return reverse("projects:list")
    except NoReverseMatch:  # the project list is another app: without it, figures are shown unlinked
        return None


def _href(base: str | None, **params) -> str | None:
    if not base:
        return None
    return f"{base}?{urlencode({k: v for k, v in params.items() if v not in (None, '', 'total')})}"


def _drill(base: str | None, period: figures.PeriodInfo, fund: str, *, province=None, only: bool = False):
    """The project list behind a figure: the province (with the provinces merged into it unless `only`),
    the fund, the plan year and the money window, so the list's total row equals the cell."""
    if base is None:
        return None
    window = tuple(figures.drill_params(period).items())
    return _drill_url(base, fund, province.pk if province is not None else None, only, window)


@functools.lru_cache(maxsize=4096)
def _drill_url(base: str, fund: str, province_pk: int | None, only: bool, window: tuple) -> str:
    """A dashboard repeats the same few hundred links over its tables, bars and tiles (about 1,700 on the
    regional page); each is built once. Every argument is a plain value, so the cache is safe across
    requests and users."""
    params = {"fund": fund, "province": province_pk, **dict(window)}
    if only:
        params["province_only"] = "1"
    return _href(base, **params)


def _row_drill(base: str | None, row: figures.Row, period: figures.PeriodInfo, fund: str, *, last: bool = False):
    """A row's figure: a row counting only its own province asks for that province alone."""
    if row.province is None:
        return _drill(base, period, fund)
    counted = row.last_ids if last else row.ids
    return _drill(base, period, fund, province=row.province, only=counted <= {row.province.pk})


def _tables(dashboard: figures.Dashboard, base: str | None, province=None) -> list[dict]:
    """The execution tables with a drill-down link for each cell (this year's and last year's figures);
    the total row links to the province with its merged ones on a province dashboard, to the list otherwise."""

    def row_links(row, cells, t):
        return [
            (
                cell,
                _row_drill(base, row, t.period, cell.fund),
                _row_drill(base, row, t.last_period, cell.fund, last=True),
            )
            for cell in cells
        ]

    def total_links(cells, t):
        return [
            (
                cell,
                _drill(base, t.period, cell.fund, province=province),
                _drill(base, t.last_period, cell.fund, province=province),
            )
            for cell in cells
        ]

    return [
        {
            "table": t,
            "lines": [(row, row_links(row, cells, t)) for row, cells in t.lines],
            "total": total_links(t.total, t),
        }
        for t in dashboard.tables
    ]


def _context(request, dashboard: figures.Dashboard, choice: dict, today: datetime.date, province=None) -> dict:
    base = _list_url()
    year = dashboard.period.year
    bars = [
        charts.Bar(row.name, row.total.now.rate, _row_drill(base, row, dashboard.period, "total"))
        for row in dashboard.rows
    ]
    what = _("Execution rate by province, %(period)s") % {"period": dashboard.period.caption}
    rate_chart = charts.rate_bars(
        bars,
        title=what,
        desc=_("Disbursed as a share of plan for each province; the dashed line marks 100%. Values are in the table."),
    )
    series_chart = charts.plan_vs_paid(
        dashboard.series,
        title=_("Plan and disbursement by quarter, %(first)s–%(last)s")
        % {"first": dashboard.series[0].year if dashboard.series else year, "last": year},
        desc=_("For each year, the plan and the amount disbursed by each quarter's cut-off, in billion đồng."),
    )
    activity_chart = charts.activity_bars(
        dashboard.by_activity,
        title=_("Approved support and disbursement by activity, %(period)s") % {"period": dashboard.ytd_period.caption},
        desc=_("For each activity content, the support approved for the year's projects and the amount disbursed."),
    )
    return {
        "d": dashboard,
        "choice": choice,
        "years": list(range(today.year, figures.FIRST_YEAR - 1, -1)),
        "period_labels": period_labels(),
        "list_url": base,
        "tables": _tables(dashboard, base, province),
        "headline_url": _drill(base, dashboard.period, "total", province=province),
        "headline_ytd_url": _drill(base, dashboard.ytd_period, "total", province=province),
        "rate_chart": rate_chart,
        "series_chart": series_chart,
        "activity_chart": activity_chart,
        "funds": [("national", _("National fund")), ("local", _("Local fund")), ("total", _("Total"))],
    }


def _regional_parts(request, dashboard: figures.Dashboard, choice: dict, today: datetime.date) -> dict:
    """The regional page's figures, rendered: everything but who has reported (read on each request)."""
    context = _context(request, dashboard, choice, today)
    base = context["list_url"]
    tiles = [
        charts.Tile(
            row.province.code,
            row.province.code_set,
            row.province.name,
            row.total.now.rate,
            _row_drill(base, row, dashboard.period, "total"),
        )
        for row in dashboard.rows
    ]
    context["tile_map"] = charts.tile_map(
        tiles,
        title=_("Map of execution rates, %(period)s") % {"period": dashboard.period.caption},
        desc=_("Each province at its approximate place, coloured by execution-rate band, with its rate written."),
    )
    return {
        "top": render_to_string("reports/_regional_top.html", context),
        "headline": {
            "rate": dashboard.headline_rate,
            "cumulative": dashboard.headline_cumulative,
            "registration": dashboard.headline_registration,
            "plan_year": dashboard.registration.plan_year,
            "url": context["headline_url"],
            "ytd_url": context["headline_ytd_url"],
        },
        "middle": render_to_string("reports/_regional_middle.html", context),
        "bottom": render_to_string("reports/_charts.html", context),
    }


@login_required
def regional_dashboard(request):
    """The ministry's regional dashboard; provincial users are sent to their own province's dashboard."""
    user = request.user
    if not user.sees_all_provinces:
        province = province_selectors.user_province(user=user)
        if province is None:
            raise PermissionDenied
        url = reverse("reports:province_dashboard", args=[province.pk])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    today = timezone.localdate()
    choice = _choice(request, today)
    period = {"year": choice["year"], "kind": choice["kind"], "number": choice["number"]}
    # Read only when the rendered parts are not cached (and by tests reading the context).
    dashboard = SimpleLazyObject(
        lambda: report_selectors.regional_figures_cached(**period, rollup=choice["rollup"], user=user, today=today)
    )
    parts = report_selectors.dashboard_html_cached(
        ("regional-html", *period.values(), choice["rollup"], _list_url()),
        user=user,
        today=today,
        render=lambda: _regional_parts(request, dashboard, choice, today),
    )
    context = {"d": dashboard, "parts": parts, "h": parts["headline"]}
    key = (choice["kind"], choice["year"], choice["number"])
    stored = period_selectors.stored_periods(years=[choice["year"]]).get(key)
    if stored is not None:  # who has reported for the period: submitted on time, late, or not at all
        rows = report_selectors.timeliness(period=stored, today=today)
        context.update(reporting_period=stored, reporting=rows, reporting_totals=report_selectors.completeness(rows))
    return render(request, "reports/regional_dashboard.html", context)


@login_required
def province_dashboard(request, pk: int):
    """One province's dashboard; officers reach only their own province (and the ones merged into it)."""
    province = province_selectors.provinces_in_scope_for(user=request.user).filter(pk=pk).first()
    if province is None:
        raise Http404
    today = timezone.localdate()
    choice = _choice(request, today)
    choice["rollup"] = False
    period = {"year": choice["year"], "kind": choice["kind"], "number": choice["number"]}
    dashboard = SimpleLazyObject(  # read only when the rendered page is not cached (and by tests)
        lambda: report_selectors.province_figures_cached(province=province, **period, user=request.user, today=today)
    )

    def rendered() -> str:
        context = _context(request, dashboard, choice, today, province)
        context["province"] = province
        base = context["list_url"]
        context["attention"] = [
            (key, heading, dashboard.attention[key], dashboard.attention_counts.get(key, 0), more)
            for key, heading, more in [
                (
                    "overdue",
                    _("Overdue: past their end date and still running"),
                    _href(base, province=province.pk, late=1),
                ),
                ("silent", _("No progress entered for this period"), None),
                ("behind", _("Disbursement far behind the time elapsed"), None),
            ]
        ]
        return render_to_string("reports/_province_content.html", context)

    # The province's figures whoever asks (its scope was checked above): keyed by the province, not the user.
    figures_html = report_selectors.dashboard_html_cached(
        ("province-html", province.pk, province.name, *period.values(), _list_url()),
        user=None,
        today=today,
        render=rendered,
    )
    context = {"d": dashboard, "province": province, "figures_html": figures_html}
    return render(request, "reports/province_dashboard.html", context)
