"""Writes of the calendar: periods are generated from the rules the first time a write needs them (the
sweep, a progress entry), and keep their dates afterwards; entry exceptions are requested and decided."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from periods import notify, selectors
from periods.models import EntryException, ReportingPeriod
from provinces.models import User


@transaction.atomic
def period_get_or_create(*, kind: str, year: int, number: int = 1) -> ReportingPeriod:
    """The period, generated from the rule in force at its cut-off the first time it is asked for."""
    existing = ReportingPeriod.objects.filter(kind=kind, year=year, number=number).first()
    if existing:
        return existing
    w = selectors.window(kind, year, number)
    # Creating it bumps the reference data and the figures' version (the save's signal: periods/apps.py).
    period, _created = ReportingPeriod.objects.get_or_create(
        kind=kind,
        year=year,
        number=number,
        defaults={
            "starts_on": w.starts_on,
            "ends_on": w.ends_on,
            "deadline": w.deadline,
            "entry_closes_on": w.entry_closes_on,
        },
    )
    return period


def period_stored(period: ReportingPeriod) -> ReportingPeriod:
    """A period read unsaved (from the rules), stored now that a write needs it."""
    if period.pk is not None:
        return period
    return period_get_or_create(kind=period.kind, year=period.year, number=period.number)


@transaction.atomic
def entry_exception_request(*, period: ReportingPeriod, by: User, reason: str) -> EntryException:
    if not by.is_provincial:
        raise PermissionDenied(_("Only provincial staff request exceptions."))
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    exception = EntryException.objects.create(
        period=period_stored(period), province=by.unit.province, reason=reason.strip(), requested_by=by
    )
    notify.exception_requested(exception=exception)
    return exception


@transaction.atomic
def entry_exception_decide(
    *, exception: EntryException, by: User, grant: bool, days: int = 7, comment: str = ""
) -> EntryException:
    """Ministry staff grant (for a number of days) or refuse a request; the decision is kept with who and when."""
    if not by.sees_all_provinces:
        raise PermissionDenied(_("Only ministry staff decide on exceptions."))
    exception = EntryException.objects.select_for_update().get(pk=exception.pk)
    if exception.decision != EntryException.Decision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    exception.decision = EntryException.Decision.GRANTED if grant else EntryException.Decision.REFUSED
    exception.open_until = timezone.localdate() + datetime.timedelta(days=days) if grant else None
    exception.decided_by, exception.decided_at, exception.decision_comment = by, timezone.now(), comment
    exception.save()
    notify.exception_decided(exception=exception)
    return exception
