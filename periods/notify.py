"""Who is told of requests to change a period's closed data, and of their decision. Called from
periods.services inside their transactions (one line each); each event reaches each person once."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from notices import recipients
from notices import services as notices
from periods.models import EntryException


@notices.in_portal_language
def exception_requested(*, exception: EntryException) -> None:
    notices.notify(
        recipients=recipients.ministry_staff(),
        kind="periods.exception.requested",
        message=gettext_noop("%(province)s asks to change the closed data of %(period)s"),
        params={"province": exception.province.name, "period": exception.period.label},
        comment=exception.reason,
        event_key=f"periods.exception.requested:{exception.pk}",
        target_url=reverse("reports:exceptions"),
        target_label=exception.period.label,
    )


@notices.in_portal_language
def exception_decided(*, exception: EntryException) -> None:
    granted = exception.decision == EntryException.Decision.GRANTED
    notices.notify(
        recipients=[exception.requested_by, *recipients.province_staff(province_id=exception.province_id)],
        kind="periods.exception.granted" if granted else "periods.exception.refused",
        message=gettext_noop("Your request to change the data of %(period)s was granted until %(date)s")
        if granted
        else gettext_noop("Your request to change the data of %(period)s was refused"),
        params={
            "period": exception.period.label,
            "date": exception.open_until.strftime("%d/%m/%Y") if exception.open_until else "",
        },
        comment=exception.decision_comment,
        event_key=f"periods.exception.decided:{exception.pk}",
        target_url=reverse("reports:exceptions"),
        target_label=exception.period.label,
        deadline=exception.open_until,
        exclude=exception.decided_by,
    )
