"""Who is told what about periodic reports: reviews, submissions, deadline reminders.

Called from reports.services inside their transactions (one line each); notices.services.notify makes
each event reach each person once.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from notices import recipients, schedule
from notices import services as notices
from notices.models import ReminderRule
from reports.models import Report


def _label(report: Report) -> str:
    return f"{report.period.label} · {report.province.name}"  # only provinces' reports are notified


def _params(report: Report) -> dict:
    return {
        "period": report.period.label,
        "province": report.province.name,
        "date": report.period.deadline.strftime("%d/%m/%Y"),
    }


@notices.in_portal_language
def report_reviewed(*, report: Report) -> None:
    """The ministry accepted or returned a province's report: its officers and approvers are told."""
    if report.is_regional:
        return
    returned = report.status == Report.Status.RETURNED
    notices.notify(
        recipients=recipients.province_staff(province_id=report.province_id),
        kind="reports.report.returned" if returned else "reports.report.accepted",
        message=gettext_noop("The ministry returned the %(period)s report for correction")
        if returned
        else gettext_noop("The ministry accepted the %(period)s report"),
        params=_params(report),
        comment=report.review_comment,
        event_key=f"reports.report.reviewed:{report.pk}",
        target_url=reverse("reports:detail", args=[report.pk]),
        target_label=_label(report),
        exclude=report.reviewed_by,
    )


@notices.in_portal_language
def report_submitted(*, report: Report) -> None:
    """A province submitted its report: ministry staff have one more to review."""
    if report.is_regional:  # issued by the ministry itself: nothing awaits review
        return
    notices.notify(
        recipients=recipients.ministry_staff(),
        kind="reports.report.submitted",
        message=gettext_noop("%(province)s submitted the %(period)s report: it awaits your review"),
        params=_params(report),
        event_key=f"reports.report.submitted:{report.pk}",
        target_url=reverse("reports:detail", args=[report.pk]),
        target_label=_label(report),
    )


BEFORE = gettext_noop("The %(period)s report of %(province)s is due on %(date)s: %(days)s day(s) left")
AFTER = gettext_noop("The %(period)s report of %(province)s is %(days)s day(s) overdue (deadline %(date)s)")
VERY_LATE = gettext_noop(
    "Very late: the %(period)s report of %(province)s is %(days)s days overdue (deadline %(date)s)"
)


@notices.in_portal_language
def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each province whose report is not submitted, on the days the reminder rules say (data, in
    notices.ReminderRule), and escalate to the ministry when it is very late. The notice's event key
    (report, rule) makes a second run on the same day, or a retried task, tell no one twice.
    Returns the number of notices created."""
    today = today or timezone.localdate()
    rules = schedule.rules_for(subject="report")
    if not rules:
        return 0
    # the first rule's day has come; within the sweep's look-back (older drafts are history)
    latest = today - datetime.timedelta(days=min(rule.offset_days for rule in rules))
    since = today - datetime.timedelta(days=settings.REPORTS_LOOKBACK_DAYS)
    drafts = Report.objects.filter(
        province__isnull=False,
        status=Report.Status.DRAFT,
        period__deadline__gte=since,
        period__deadline__lte=latest,
    ).select_related("period", "province")
    ministry = list(recipients.ministry_staff())
    created = 0
    for report in drafts:
        deadline = report.period.deadline
        for rule in schedule.due(rules=rules, deadline=deadline, today=today):
            days = abs((deadline - today).days)
            message = BEFORE if deadline >= today else (VERY_LATE if rule.very_late else AFTER)
            to_ministry = rule.audience == ReminderRule.Audience.MINISTRY
            created += len(
                notices.notify(
                    recipients=ministry if to_ministry else recipients.province_staff(province_id=report.province_id),
                    kind="reports.reminder.very_late" if rule.very_late else "reports.reminder.deadline",
                    message=message,
                    params={**_params(report), "days": days},
                    event_key=f"reports.reminder:{report.period_id}:{report.province_id}:{rule.offset_days:+d}:{rule.audience}",
                    target_url=reverse("reports:detail", args=[report.pk]),
                    target_label=_label(report),
                    deadline=deadline,
                    legal=True,
                )
            )
    return created
