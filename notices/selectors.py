"""Reads of notices: always the reader's own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notices.models import Heartbeat, Notice, Preference


def notices_for(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notice_get_for(*, user, pk: int) -> Notice:
    """The one door to a single notice: 404 for anyone else's."""
    return get_object_or_404(Notice, pk=pk, recipient=user)


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_for(*, user, limit: int = 10) -> list[Notice]:
    return list(notices_for(user=user).filter(read_at__isnull=True)[:limit])


def preference_for(*, user) -> str:
    row = Preference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return row or Preference.Delivery.IMMEDIATE


def heartbeats() -> dict[str, Heartbeat]:
    return {beat.name: beat for beat in Heartbeat.objects.all()}


def email_backlog() -> dict[str, int]:
    """Notices waiting to be e-mailed, by state (pending, digest, sending)."""
    from django.db.models import Count

    rows = Notice.objects.filter(email__in=[Notice.Email.PENDING, Notice.Email.DIGEST, Notice.Email.SENDING])
    return dict(rows.values_list("email").annotate(n=Count("pk")).values_list("email", "n"))
