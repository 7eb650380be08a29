"""Sign-in hardening: who must give a second factor (TOTP), the middleware that holds them at the code page
until they have, the TOTP device reads and writes, and the client address the login throttle counts by."""

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.views import APIView

from khuyencong.api_base import both
from khuyencong.otp import SESSION_OTP_ENROLLED, otp_mandatory, otp_needed  # noqa: F401 (re-exported)
from provinces.models import User

# Views a signed-in but unverified user may still reach: signing in and out, the code pages, the health
# check, the language switch, and the API's public schema and documentation.
OTP_EXEMPT_VIEWS = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "favicon",
        "set_language",
        "account:otp_setup",
        "account:otp_verify",
        "api:schema",
        "api:docs",
        "api:redoc",
        "admin:logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)
DEVICE_NAME = "TOTP"


class SessionOTPMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (request.user.is_verified(), request.user.otp_device) without its device
    query on every request: the session remembers which device verified it, and the device row is read only
    when someone asks for user.otp_device. A session therefore stays verified until it ends; to cut one off,
    change the account's password or deactivate it (both end its sessions)."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if persistent_id:
            user.otp_device = SimpleLazyObject(
                lambda: self._finalize_device(request, user, self._device_from_persistent_id(persistent_id))
            )
        return user


class OTPRequiredMiddleware:
    """After SessionOTPMiddleware: an account that needs a second factor and has not given it in this
    session reaches only OTP_EXEMPT_VIEWS. Pages redirect to the code page (or to enrolment when the account
    has no device yet); DRF endpoints answer 403 in the API's error format, unless the request carries a
    bearer token, which is a credential of its own and is left to the API's authentication. No header
    opens a page that is not a DRF endpoint; and the API's session authentication checks the second factor
    again (VerifiedSessionAuthentication), so the API holds even if this middleware were left out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OTP_EXEMPT_VIEWS:
            return None
        if not otp_needed(request) or request.user.is_verified():
            return None
        if is_api_endpoint(view_func):
            if carries_bearer_token(request):
                # DRF authenticates the token itself and never falls back to the session when a Bearer
                # header is present (BearerTokenAuthentication raises 401 for a bad one).
                return None
            return _api_refusal()
        target = "account:otp_verify" if totp_device_for(user=request.user) else "account:otp_setup"
        return redirect_to_login(request.get_full_path(), reverse(target))


def is_api_endpoint(view_func) -> bool:
    """A DRF view (an APIView or a ViewSet action): the only views where an API token is a credential.
    Judged by the view's class, never by its path, so an ordinary page under /api/ (the token page) or a
    new page anywhere cannot be reached with a token or a crafted header."""
    cls = getattr(view_func, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


def carries_bearer_token(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "bearer"


def _api_refusal() -> JsonResponse:
    message = both(_("Enter the code from your authenticator app on the portal first (second sign-in step)."))
    body = {
        "error": {
            "status": 403,
            "code": "otp_required",
            "message_vi": message["vi"],
            "message_en": message["en"],
            "fields": {},
        }
    }
    return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})


@receiver(user_logged_in, dispatch_uid="khuyencong.security.remember_enrolment")
def _remember_enrolment(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_OTP_ENROLLED] = totp_device_for(user=user) is not None


# TOTP devices: one confirmed device per account; enrolling again replaces it. ------------------------------


def totp_device_for(*, user: User) -> TOTPDevice | None:
    """The account's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows (created once, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with a code from the app: the device replaces any earlier one, and this session
    counts as verified. False (nothing changed) when the code is wrong."""
    if not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _session_verified(request, device)
    return True


def totp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code against the account's device (throttled by django-otp after failures); on success this
    session counts as verified."""
    device = totp_device_for(user=request.user)
    if device is None:
        return False
    verified = django_otp.verify_token(request.user, device.persistent_id, token.strip())
    if verified is None:
        return False
    _session_verified(request, verified)
    return True


def _session_verified(request: HttpRequest, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session id once the second factor is given
    django_otp.login(request, device)
    request.session[SESSION_OTP_ENROLLED] = True


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an inline SVG QR code (no style attributes: the CSP allows none)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def totp_secret_text(device: TOTPDevice) -> str:
    """The base32 secret an app can be given by hand, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# The login throttle ----------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes counts failures by: the socket's, or with KC_PROXY_COUNT=n the address the
    outermost of our n proxies saw (the n-th entry from the right of X-Forwarded-For)."""
    count = settings.KC_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes shows while a user name is locked out from this address (429, in Vietnamese
    unless English was chosen)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
