"""Who must give a second factor (TOTP) and whether this session still owes it: read by the middleware that
holds unverified sessions at the code page (khuyencong.security) and by the API's session authentication
(khuyencong.api_base), so the two can never disagree."""

from django.http import HttpRequest

from provinces.models import User

# Set at sign-in for any account that has enrolled a device, so officers who chose a second factor are
# asked for it too, without a device query on every request.
SESSION_OTP_ENROLLED = "kc_otp_enrolled"


def otp_mandatory(user: User) -> bool:
    """Ministry staff and administrators (anyone who sees every province or reaches the admin) need TOTP."""
    return user.is_authenticated and (user.sees_all_provinces or user.is_staff)


def otp_needed(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (otp_mandatory(user) or bool(request.session.get(SESSION_OTP_ENROLLED)))


def otp_owed(request: HttpRequest) -> bool:
    """Signed in with a password, and a second factor is needed but not yet given in this session."""
    return otp_needed(request) and not request.user.is_verified()
