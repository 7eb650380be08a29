"""Writes of notices: creating them for an event, e-mailing them (at once or in a daily digest), reading.

Idempotent by construction. A notice is unique per (recipient, event), so an event told twice creates
nothing new; e-mails are claimed row by row with a conditional UPDATE (pending → sending), so a retried or
duplicated task never sends a notice twice.
"""

import datetime
import functools
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khuyencong.text import nfc_rows
from notices.models import DigestLog, Heartbeat, Notice, Preference

E = Notice.Email
D = Preference.Delivery
# A claim older than this belongs to a worker that died between claiming and sending: try again.
STALE_CLAIM = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5  # sends of one notice before it is given up (it stays in the portal)


def in_portal_language(function):
    """Decorate a function that builds notices: labels it formats into their parameters (a period's name)
    are in the portal's language, whatever language the person who caused the event reads."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def notify(
    *,
    recipients: Iterable,
    kind: str,
    message: str,
    event_key: str,
    target_url: str,
    target_label: str,
    params: dict | None = None,
    comment: str = "",
    deadline: datetime.date | None = None,
    legal: bool = False,
    exclude=None,
) -> list[Notice]:
    """Tell each recipient of an event once (inside the caller's transaction: the notice commits or rolls
    back with the change); their e-mail is queued after commit. `message` is an English msgid (mark it
    with gettext_noop) formatted with `params` in the reader's language. Returns the notices created."""
    users = {user.pk: user for user in recipients if user.is_active and user != exclude}
    if not users:
        return []
    delivery = dict(Preference.objects.filter(user_id__in=users).values_list("user_id", "delivery"))
    already = set(
        Notice.objects.filter(recipient_id__in=users, event_key=event_key).values_list("recipient_id", flat=True)
    )
    rows = []
    for pk, user in users.items():
        choice = delivery.get(pk, D.IMMEDIATE)
        if pk in already or (choice == D.NONE and not legal):
            continue
        email = {D.IMMEDIATE: E.PENDING, D.DIGEST: E.DIGEST}.get(choice, E.SKIPPED) if user.email else E.SKIPPED
        rows.append(
            Notice(
                recipient=user,
                kind=kind,
                message=message,
                params=params or {},
                comment=comment,
                target_url=target_url,
                target_label=target_label[:200],
                deadline=deadline,
                legal=legal,
                event_key=event_key,
                email=email,
            )
        )
    if not rows:
        return []
    # ignore_conflicts: a concurrent call for the same event has already told that person
    Notice.objects.bulk_create(nfc_rows(rows), ignore_conflicts=True)
    if any(row.email == E.PENDING for row in rows):
        from notices import tasks

        transaction.on_commit(lambda: tasks.notices_email.delay())
    # bulk_create with ignore_conflicts gives no ids back: read the rows as stored
    created = Notice.objects.filter(recipient_id__in=[row.recipient_id for row in rows], event_key=event_key)
    return list(created.select_related("recipient").order_by("recipient_id"))


# ---- e-mail ------------------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL.rstrip("/")})
        send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, [to])


def notices_email(*, limit: int = 200) -> int:
    """E-mail pending notices one by one; returns how many were sent. Safe to run twice or on two workers:
    each row is claimed with a conditional UPDATE first. A failed send puts the row back and re-raises, so
    the task retries it; a claim left by a dead worker is taken again after STALE_CLAIM."""
    now = timezone.now()
    stale = Notice.objects.filter(email=E.SENDING, email_claimed_at__lt=now - STALE_CLAIM, emailed_at__isnull=True)
    stale.exclude(event_key__startswith="digest:").update(email=E.PENDING)
    ids = list(Notice.objects.filter(email=E.PENDING).order_by("created_at").values_list("pk", flat=True)[:limit])
    sent, failure = 0, None
    for pk in ids:
        claimed = Notice.objects.filter(pk=pk, email=E.PENDING).update(
            email=E.SENDING, email_claimed_at=timezone.now(), email_attempts=F("email_attempts") + 1
        )
        if claimed != 1:
            continue  # another worker has it, or it went out already
        notice = Notice.objects.select_related("recipient").get(pk=pk)
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = notice.text[:150]
            _send(
                to=notice.recipient.email,
                subject=subject,
                template="notices/email_notice.txt",
                context={"notice": notice, "url": _absolute(notice.target_url)},
            )
        except Exception as error:  # noqa: BLE001 - one bad address must not hold back the others' mail
            # back in the queue, until MAX_ATTEMPTS: then it stays in the portal only, with the error kept
            state = E.FAILED if notice.email_attempts >= MAX_ATTEMPTS else E.PENDING
            Notice.objects.filter(pk=pk, email=E.SENDING).update(
                email=state, email_claimed_at=None, email_error=f"{type(error).__name__}: {error}"[:300]
            )
            failure = failure or error
            continue
        Notice.objects.filter(pk=pk).update(email=E.SENT, emailed_at=timezone.now(), email_error="")
        sent += 1
    if failure is not None:
        raise failure  # the task retries (with backoff) what was put back
    return sent


def digests_send(*, today: datetime.date | None = None) -> int:
    """One e-mail per person per day with every notice gathered for the digest since the last one.
    DigestLog's unique (user, day) makes a second run on the same day send nothing."""
    today = today or timezone.localdate()
    users = (
        Notice.objects.filter(email=E.DIGEST)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(users):
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(user_id=user_id, day=today)
        except IntegrityError:
            continue  # today's digest already went out
        claim = timezone.now()
        Notice.objects.filter(recipient_id=user_id, email=E.DIGEST).update(email=E.SENDING, email_claimed_at=claim)
        batch = Notice.objects.filter(recipient_id=user_id, email=E.SENDING, email_claimed_at=claim)
        notices = list(batch.select_related("recipient").order_by("created_at"))
        if not notices:
            log.delete()
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your notices of %(date)s") % {"date": today.strftime("%d/%m/%Y")}
        try:
            _send(
                to=notices[0].recipient.email,
                subject=subject,
                template="notices/email_digest.txt",
                context={"notices": notices, "day": today},
            )
        except Exception:
            batch.update(email=E.DIGEST, email_claimed_at=None)
            log.delete()
            raise
        batch.update(email=E.SENT, emailed_at=timezone.now())
        DigestLog.objects.filter(pk=log.pk).update(notices=len(notices), sent_at=timezone.now())
        sent += 1
    return sent


# ---- reading and preferences ---------------------------------------------------------------------------


def notice_mark_read(*, notice: Notice) -> None:
    """Mark one of the reader's notices read (the selector has checked it is theirs); a second call is a no-op."""
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def notices_mark_all_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, user, delivery: str) -> Preference:
    if delivery not in D.values:
        raise ValidationError({"delivery": _("Choose one of the offered ways to receive notices.")})
    preference, __ = Preference.objects.update_or_create(user=user, defaults={"delivery": delivery})
    if delivery != D.DIGEST:
        # what was waiting for a digest goes out (or not) as the new choice says
        waiting = Notice.objects.filter(recipient=user, email=E.DIGEST)
        waiting.update(email=E.PENDING if delivery == D.IMMEDIATE else E.SKIPPED)
    return preference


# ---- operators ---------------------------------------------------------------------------------------


def heartbeat_record(*, name: str, detail: str = "") -> None:
    """Note that a worker or a periodic job ran now (one row per name, overwritten)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now(), "detail": detail[:200]})
