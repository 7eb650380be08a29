"""A report's figures as plain JSON: computed by the dashboard selectors (never twice), frozen on submission.

The PDF and xlsx are rendered from this snapshot only, so a submitted report reads the same forever,
whatever happens to the project data afterwards. Amounts are strings of whole đồng.
"""

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone, translation

from periods.models import PeriodKind, ReportingPeriod
from projects import rules as project_rules
from projects import selectors as project_selectors
from projects.models import ProgressUpdate, Project
from provinces import selectors as province_selectors
from provinces.models import Unit, User
from reports import figures, selectors
from reports.models import Report

SYSTEM_READER = User(username="report-generator", role=User.Role.MINISTRY)  # unsaved: reads every province


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal(1)))


def _figures(f: figures.Figures) -> dict:
    return {"planned": _money(f.planned), "disbursed": _money(f.disbursed)}


def _row(row: figures.Row) -> dict:
    return {
        "name": row.name,
        "merged": row.merged,
        "now": {fund: _figures(value) for fund, value in row.now.items()},
        "last": {fund: _figures(value) for fund, value in row.last.items()},
        "ytd": {fund: _figures(value) for fund, value in row.ytd.items()},
        "ytd_last": {fund: _figures(value) for fund, value in row.ytd_last.items()},
        "statuses": row.statuses,
        "late": row.late,
        "projects": row.projects,
        "registration": row.registration_status,
    }


def _period(period: figures.PeriodInfo) -> dict:
    return {
        "kind": period.kind,
        "year": period.year,
        "number": period.number,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "label": str(period.label),
        "cumulative": period.cumulative,
        "title": str(period.title),
        "window_label": period.window_label,
        "note": str(period.note),
    }


def _dashboard(report: Report, today: datetime.date):
    period: ReportingPeriod = report.period
    if report.is_regional:
        return figures.regional_figures(
            year=period.year, kind=period.kind, number=period.number, rollup=True, user=SYSTEM_READER, today=today
        )
    return figures.province_figures(
        province=report.province,
        year=period.year,
        kind=period.kind,
        number=period.number,
        user=SYSTEM_READER,
        today=today,
    )


def _projects(report: Report, today: datetime.date, window: figures.PeriodInfo) -> list[dict]:
    """The province's projects of the year with their progress in the period's last quarter and their money
    of the cumulative window (every date for the whole-year figure), so their total is the report's."""
    period = report.period
    quarter_number = {PeriodKind.HALF_YEAR: 2, PeriodKind.NINE_MONTHS: 3, PeriodKind.YEAR: 4}.get(
        period.kind, period.number
    )
    progress = ProgressUpdate.objects.filter(
        period__kind=PeriodKind.QUARTER, period__year=period.year, period__number=quarter_number
    )
    queryset = (
        project_selectors.with_money(
            Project.objects.filter(
                province_id__in=province_selectors.province_family_ids(province_id=report.province_id),
                plan_year=period.year,
            ).select_related("activity"),
            since=None if window.whole_year else window.starts_on,
            until=None if window.whole_year else window.ends_on,
        )
        .prefetch_related(Prefetch("progress_updates", queryset=progress, to_attr="period_progress"))
        .order_by("code")
    )
    rows = []
    for project in queryset:
        update = project.period_progress[0] if project.period_progress else None
        rows.append(
            {
                "code": project.code,
                "title": project.title,
                "fund": project.fund,
                "activity": project.activity.code,
                "status": project.status,
                "status_label": str(project.get_status_display()),
                "support": _money(project.approved_support),
                "disbursed": _money(project.disbursed),
                # one decimal at most (37,5): a JSON number; the PDF prints it with the percent filter
                "completion": float(update.completion_percent) if update else None,
                "late": project_rules.is_late_on(project, today),
            }
        )
    return rows


MINISTRY_SUFFIX = ", Bộ Công Thương"


def heading(report: Report, day: datetime.date) -> dict:
    """The administrative heading as on a day: governing body, issuing body (its name then), place.

    The ministry department's name is written in full ("Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến
    công"): only the ministry, which heads the line above it, is dropped from it.
    """
    ministry = Unit.objects.filter(kind=Unit.Kind.MINISTRY_DEPARTMENT).prefetch_related("names").first()
    department = ministry.name_on(day).removesuffix(MINISTRY_SUFFIX) if ministry else ""
    if report.province_id:
        province = report.province
        level = "THÀNH PHỐ" if province.kind == "city" else "TỈNH"
        short = province.name.removeprefix("Thành phố ")
        return {
            "parent": f"UBND {level} {short.upper()}",
            "unit": "SỞ CÔNG THƯƠNG",
            "place": short,
            "code": "SCT",
            "province": province.name,
            "department": department,
        }
    return {
        "parent": "BỘ CÔNG THƯƠNG",
        "unit": department.upper(),
        "place": "Hà Nội",
        "code": "ĐMST-KC",
        "province": "",
        "department": department,
    }


def _timeliness(report: Report, today: datetime.date) -> list[dict]:
    """Who has reported for the period, as the regional report states it (frozen with it)."""
    rows = selectors.timeliness(period=report.period, today=today)
    return [
        {
            "name": row.province.name,
            "state": row.state,
            "version": row.report.version if row.report else None,
            "submitted_on": row.submitted_on.isoformat() if row.submitted_on else None,
        }
        for row in rows
    ]


def build(report: Report, *, today: datetime.date | None = None) -> dict:
    """The report's figures now, as JSON-ready data. Its texts (labels, headline) are Vietnamese, the
    language of the signed document, whichever language the person who submits it reads the portal in."""
    with translation.override("vi"):
        return _build(report, today=today or timezone.localdate())


def _build(report: Report, *, today: datetime.date) -> dict:
    dashboard = _dashboard(report, today)
    data = {
        "built_at": timezone.now().isoformat(),
        # the period's own window ("now"/"last" of the rows) and the cumulative one ("ytd"/"ytd_last"): the
        # same for six months, nine months and the year; "windows" lists those a report shows
        "period": _period(dashboard.period),
        "last_period": _period(dashboard.last_period),
        "ytd_period": _period(dashboard.ytd_period),
        "ytd_last_period": _period(dashboard.ytd_last_period),
        "windows": [t.which for t in dashboard.tables],
        "comparison_notes": [str(note) for note in dashboard.comparison_notes],
        "province": report.province.name if report.province_id else None,
        "rows": [_row(row) for row in dashboard.rows],
        "total": _row(dashboard.total),
        "by_activity": [
            {"code": a.code, "name": a.name, "heading": a.heading, "projects": a.projects, **_figures(a.figures)}
            for a in dashboard.by_activity
        ],
        "series": [
            {
                "year": s.year,
                "planned": _money(s.planned),
                "quarters": [None if q is None else _money(q) for q in s.quarters],
            }
            for s in dashboard.series
        ],
        "registration": {
            "plan_year": dashboard.registration.plan_year,
            "opened": dashboard.registration.headline is not None,
            "on_time": dashboard.registration.on_time,
            "late": dashboard.registration.late,
            "registered": dashboard.registration.registered,
            "missing": dashboard.registration.missing,
            "provinces": dashboard.registration.provinces,
        },
        "headline_rate": str(dashboard.headline_rate),
        "headline_cumulative": str(dashboard.headline_cumulative),
        "headline_registration": dashboard.headline_registration,  # None: registration never opened
        "projects": [] if report.is_regional else _projects(report, today, dashboard.ytd_period),
        "timeliness": _timeliness(report, today) if report.is_regional else [],
        "heading": heading(report, today),
        "behind": [p.code for p in dashboard.attention.get("behind", [])],
        "overdue": [p.code for p in dashboard.attention.get("overdue", [])],
    }
    return data
