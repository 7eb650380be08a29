"""Who is reminded of certified establishments' annual reports (báo cáo hằng năm của cơ sở được công nhận).

A certificate obliges its establishment to report on each calendar year of validity to the provincial
department; the province's officers record the report. Reminders go to them on the days the reminder rules
say (notices.ReminderRule, subject "product_annual_report", held as data) relative to the due day of the rule
the certificate was issued under; the notice's event key makes a rerun or a retried task tell no one twice.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from notices import recipients, schedule
from notices import services as notices
from products.models import AnnualReport, Certificate
from provinces.models import User

SUBJECT = "product_annual_report"
GRACE_DAYS = 14  # a rule's reminder still goes out this many days after its day (a worker that was down)
BEFORE = gettext_noop(
    "The %(year)s annual report of %(establishment)s (certificate %(number)s) is due on %(date)s: %(days)s day(s) left"
)
AFTER = gettext_noop(
    "The %(year)s annual report of %(establishment)s (certificate %(number)s) is %(days)s day(s) overdue (due %(date)s)"
)


def due_on(certificate: Certificate, year: int) -> datetime.date:
    """The day the report on `year` is due under the rule the certificate was issued by."""
    return datetime.date(year, 12, 31) + datetime.timedelta(days=certificate.entry.round.rule.annual_report_due_days)


def certificates_owing(year: int):
    """Certificates valid during `year`, not revoked, whose report on that year is not recorded yet."""
    reported = AnnualReport.objects.filter(certificate=OuterRef("pk"), year=year)
    return (
        Certificate.objects.filter(
            revoked_on__isnull=True,
            issued_on__lte=datetime.date(year, 12, 31),
            valid_until__gte=datetime.date(year, 1, 1),
        )
        .exclude(Exists(reported))
        .select_related("entry__round__rule", "entry__beneficiary", "entry__province")
        .order_by("pk")
    )


@notices.in_portal_language
def annual_report_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the province's officers of every annual report that is due soon or overdue. Returns the
    number of notices created. The two report years that can be in a reminder window are looked at."""
    today = today or timezone.localdate()
    rules = schedule.rules_for(subject=SUBJECT)
    if not rules:
        return 0
    created = 0
    for year in (today.year - 2, today.year - 1):
        for certificate in certificates_owing(year):
            deadline = due_on(certificate, year)
            for rule in schedule.due(rules=rules, deadline=deadline, today=today):
                if (today - deadline).days > rule.offset_days + GRACE_DAYS:
                    continue  # an old obligation is not announced anew (a first run, a long outage)
                created += len(
                    notices.notify(
                        recipients=recipients.province_staff(
                            province_id=certificate.entry.province_id, roles=(User.Role.OFFICER,)
                        ),
                        kind="products.annual_report.reminder",
                        message=BEFORE if deadline >= today else AFTER,
                        params={
                            "year": year,
                            "establishment": certificate.entry.beneficiary.name,
                            "number": certificate.number,
                            "date": deadline.strftime("%d/%m/%Y"),
                            "days": abs((deadline - today).days),
                        },
                        event_key=f"products.annual_report:{certificate.pk}:{year}:{rule.offset_days:+d}",
                        target_url=reverse("products:annual_report", args=[certificate.pk]),
                        target_label=f"{certificate.number} · {certificate.entry.beneficiary.name}",
                        deadline=deadline,
                    )
                )
    return created
