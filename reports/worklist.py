"""Reads for the home work lists: reports to submit, returned, to review, late; exceptions; stuck
generation. Scoped like every read; two queries per section whatever the number of reports."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.text import vi_order
from notices.worklist import LIMIT, Item, Section
from periods.models import EntryException
from provinces.models import User
from reports.models import Report
from reports.selectors import exceptions_for, report_list_for

RECENT = datetime.timedelta(days=30)


def _section(key: str, title: str, queryset: QuerySet, to_item, more_url: str = "") -> Section:
    items = [to_item(row) for row in queryset[:LIMIT]]
    total = len(items) if len(items) < LIMIT else queryset.count()
    return Section(key=key, title=title, items=items, total=total, more_url=more_url)


def _report_item(report: Report, **extra) -> Item:
    return Item(
        title=f"{report.period.label} · {report.province.name}",
        url=reverse("reports:detail", args=[report.pk]),
        deadline=report.period.deadline,
        **extra,
    )


def _latest(queryset: QuerySet[Report]) -> QuerySet[Report]:
    """Only the newest version of each province's report for its period."""
    newer = Report.objects.filter(
        period=OuterRef("period"), province=OuterRef("province"), version__gt=OuterRef("version")
    )
    return queryset.exclude(Exists(newer))


def _recent_drafts(user: User) -> QuerySet[Report]:
    since = timezone.localdate() - datetime.timedelta(days=settings.REPORTS_LOOKBACK_DAYS)
    return _latest(
        report_list_for(user=user).filter(
            province__isnull=False, status=Report.Status.DRAFT, period__deadline__gte=since
        )
    ).select_related("period", "province")


def _after_return():
    """The previous version of a draft, when the ministry returned it: the draft is its correction."""
    return Report.objects.filter(
        period=OuterRef("period"), province=OuterRef("province"), version=OuterRef("version") - 1, status="returned"
    )


def returned_reports(*, user: User) -> Section:
    """The province's reports the ministry returned, whose correction is not submitted yet, with the comment;
    the link opens the new draft."""
    returned = _after_return()
    drafts = (
        _recent_drafts(user)
        .filter(Exists(returned))
        .annotate(comment=Subquery(returned.values("review_comment")[:1]))
        .order_by("period__deadline")
    )
    return _section(
        "reports_returned",
        _("Reports returned by the ministry"),
        drafts,
        lambda r: _report_item(r, comment=r.comment, detail=_("Correct the report and submit it again")),
    )


def reports_to_submit(*, user: User) -> Section:
    """Drafts of the province's reports whose cut-off has passed: the approver submits them by the deadline.
    Corrections of returned reports are listed with the ministry's comment instead (returned_reports)."""
    drafts = _recent_drafts(user).exclude(Exists(_after_return())).order_by("period__deadline")
    return _section(
        "reports_to_submit",
        _("Reports to submit"),
        drafts,
        lambda r: _report_item(r, detail=_("version %(v)s, draft") % {"v": r.version}),
        reverse("reports:list"),
    )


def exceptions_decided(*, user: User) -> Section:
    rows = (
        exceptions_for(user=user)
        .filter(decided_at__gte=timezone.now() - RECENT)
        .select_related("period", "province")
        .order_by("-decided_at")
    )

    def item(row: EntryException) -> Item:
        return Item(
            title=f"{row.period.label} · {row.province.name}",
            url=reverse("reports:exceptions"),
            deadline=row.open_until,
            detail=row.get_decision_display(),
            comment=row.decision_comment,
        )

    return _section("exceptions_decided", _("Requests to change closed data: decisions"), rows, item)


def reports_to_review(*, user: User) -> Section:
    rows = report_list_for(user=user).filter(status=Report.Status.SUBMITTED).order_by("submitted_at")
    rows = rows.filter(province__isnull=False).select_related("period", "province")
    return _section(
        "reports_to_review",
        _("Reports awaiting your review"),
        rows,
        lambda r: _report_item(
            r, detail=_("submitted %(d)s") % {"d": timezone.localtime(r.submitted_at).strftime("%d/%m/%Y")}
        ),
    )


def exception_requests(*, user: User) -> Section:
    rows = (
        exceptions_for(user=user)
        .filter(decision=EntryException.Decision.PENDING)
        .select_related("period", "province", "requested_by")
        .order_by("requested_at")
    )

    def item(row: EntryException) -> Item:
        return Item(
            title=f"{row.period.label} · {row.province.name}",
            url=reverse("reports:exceptions"),
            detail=row.requested_by.get_full_name() or row.requested_by.username,
            comment=row.reason,
        )

    return _section(
        "exception_requests", _("Requests to change closed data"), rows, item, reverse("reports:exceptions")
    )


def late_provinces(*, user: User) -> Section:
    """Provinces whose report is past its deadline and not submitted; very late after REPORTS_VERY_LATE_DAYS."""
    today = timezone.localdate()
    very_late_before = today - datetime.timedelta(days=settings.REPORTS_VERY_LATE_DAYS)
    rows = (
        _recent_drafts(user).filter(period__deadline__lt=today).order_by("period__deadline", vi_order("province__name"))
    )

    def item(row: Report) -> Item:
        very_late = row.period.deadline < very_late_before
        return _report_item(row, late_label=_("very late") if very_late else _("late"))

    return _section("late_provinces", _("Provinces late with their report"), rows, item, reverse("reports:list"))


def generation_trouble() -> Section:
    """For administrators: reports whose files failed, or that sit queued or running too long."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_STUCK_AFTER_SECONDS)
    rows = (
        Report.objects.filter(
            Q(generation=Report.Generation.FAILED)
            | Q(generation=Report.Generation.QUEUED, queued_at__lt=stale)
            | Q(generation=Report.Generation.RUNNING, started_at__lt=stale)
        )
        .select_related("period", "province")
        .order_by("queued_at", "pk")
    )

    def item(row: Report) -> Item:
        where = row.province.name if row.province_id else _("Southern region")
        return Item(
            title=f"{row.period.label} · {where}",
            url=reverse("reports:detail", args=[row.pk]),
            detail=row.get_generation_display(),
            comment=row.error[:300],
        )

    return _section("reports_trouble", _("Reports failed or stuck"), rows, item)
