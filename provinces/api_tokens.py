"""API tokens: issue, revoke and look up. Kept beside the model; the API's authentication calls `token_lookup`.

A token reads `kc_<prefix>_<secret>`. Only the SHA-256 of the whole token is stored, so a leaked database
does not leak working tokens; the prefix finds the row without scanning.
"""

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.models import ApiToken, User

MAX_DAYS = 366
# last_used_at is written at most this often per token: reads must not turn into writes on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, by: User, name: str, days: int, can_write: bool = False) -> tuple[ApiToken, str]:
    """Issue a token for `user`, by the user themself or an administrator. Returns (row, secret): the
    secret is shown once and cannot be recovered."""
    if by.pk != user.pk and not (by.role == User.Role.ADMINISTRATOR or by.is_superuser):
        raise PermissionDenied(_("Only administrators issue tokens for other people."))
    if not user.is_active:
        raise ValidationError({"user": _("This account is inactive.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that will use it.")})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("A token is valid from 1 to %(max)s days.") % {"max": MAX_DAYS}})
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw = f"kc_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        token_hash=_digest(raw),
        can_write=can_write,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token (idempotent): its owner or an administrator."""
    if by.pk != token.user_id and not (by.role == User.Role.ADMINISTRATOR or by.is_superuser):
        raise PermissionDenied(_("Only administrators revoke other people's tokens."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_lookup(raw: str) -> ApiToken | None:
    """The active token for a presented secret, or None (unknown, malformed, expired, revoked, inactive user)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "kc" or not parts[1]:
        return None
    token = ApiToken.objects.select_related("user__unit").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.token_hash, _digest(raw)):
        return None
    now = timezone.now()
    if not token.is_active_at(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(*, user: User):
    return ApiToken.objects.filter(user=user).order_by("-created_at")
