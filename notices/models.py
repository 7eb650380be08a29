"""Notices (thông báo) to people, their delivery preference, the reminder schedule, and operators' heartbeats.

Low in the stack: it knows users and a target URL, never projects or reports. The apps above build notices
for their own events (`<app>/notify.py`) and call `notices.services.notify`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One thing one person is told: a decision, a request to act, a reminder. One per event and person."""

    class Email(models.TextChoices):
        PENDING = "pending", _("to send")
        DIGEST = "digest", _("in the next daily digest")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("not e-mailed")
        FAILED = "failed", _("could not be e-mailed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=60, help_text=_("A dotted code, e.g. reports.report.returned."))
    # An English msgid and its parameters: the text is translated when shown, in the reader's language.
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    target_url = models.CharField(max_length=300)
    target_label = models.CharField(max_length=200)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    legal = models.BooleanField(
        default=False, help_text=_("A reminder of a legal deadline: shown in the portal whatever the preference.")
    )
    event_key = models.CharField(max_length=120, help_text=_("The event; a person is told of an event once."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notice_once_per_event_and_person"),
            models.CheckConstraint(
                condition=~Q(email="sent") | Q(emailed_at__isnull=False), name="notice_sent_has_time"
            ),
        ]
        indexes = [
            # the header's unread count and the list page
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread_idx"),
            # the delivery sweep: notices still to e-mail
            models.Index(fields=["email", "created_at"], name="notice_email_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.event_key}"

    @property
    def text(self) -> str:
        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return gettext(self.message)


class Preference(models.Model):
    """How a person wants to hear of notices: each one at once, one e-mail a day, or not at all."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("each notice at once, by e-mail")
        DIGEST = "digest", _("one daily digest e-mail")
        NONE = "none", _("no notices (legal deadline reminders still appear in the portal)")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"


class DigestLog(models.Model):
    """One digest per person per day: the unique key decides between two runs of the digest task."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    notices = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class ReminderRule(models.Model):
    """A reminder relative to a deadline, held as data: `offset_days` before (negative) or after it.

    `audience` says who is reminded: the people who must do the work, or the ministry (escalation).
    """

    class Audience(models.TextChoices):
        RESPONSIBLE = "responsible", _("the people who must act")
        MINISTRY = "ministry", _("ministry staff (escalation)")

    subject = models.CharField(_("about"), max_length=40, default="report", help_text=_("What the deadline is of."))
    offset_days = models.SmallIntegerField(_("days from the deadline"), help_text=_("Negative: before the deadline."))
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.RESPONSIBLE)
    very_late = models.BooleanField(_("very late"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["subject", "offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "offset_days", "audience"], name="reminder_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.offset_days:+d} {self.audience}"


class Heartbeat(models.Model):
    """When a worker or a periodic job last ran: what an operator (and /healthz/worker) looks at."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}"
