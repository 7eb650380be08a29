"""The API building blocks DRF's settings name (authentication, access, throttles, pagination, filters) and
the bilingual error type. Kept apart from khuyencong.api, which imports rest_framework.views: DRF imports
these classes while rest_framework.views itself is loading."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters import rest_framework as django_filters
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from khuyencong import cachekeys
from khuyencong.otp import otp_owed
from provinces import api_tokens
from provinces.models import ApiToken

LANGUAGES = ("vi", "en")


def lazy_format(message, /, **params):
    """`message % params`, rendered when shown: `both()` can then give it in each language (a plain `%` on a
    lazy message renders it at once, in whichever language is active)."""
    return lazy(lambda: str(message) % params, str)()


# One headline message per status; specific messages (a service's refusal, a token problem) replace it.
STATUS_MESSAGES = {
    400: _("The request is not valid."),
    401: _("Authentication is required: send a valid API token or sign in."),
    403: _("You do not have permission to do this."),
    404: _("Not found."),
    405: _("This method is not allowed here."),
    406: _("Only JSON responses are available."),
    409: _("Someone else changed this record after you read it."),
    412: _("Someone else changed this record after you read it."),
    415: _("Send the request body as JSON (Content-Type: application/json)."),
    428: _("Send the version you are changing: an If-Match header or a version field."),
    429: _("Too many requests: please slow down."),
    500: _("Internal error. It has been logged."),
}
PARSE_ERROR = _("The request body is not valid JSON.")


def both(message) -> dict[str, str]:
    """A lazy (or plain) message rendered in Vietnamese and English."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(message)
    return result


class ApiError(exceptions.APIException):
    """An API refusal whose messages exist in both languages. `fields`: {field: [{"code","vi","en"}]}."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: dict[str, str] | None = None,
        fields: dict | None = None,
        extra: dict | None = None,
    ):
        self.status_code = status_code
        self.code = code
        self.message = message or both(STATUS_MESSAGES.get(status_code, STATUS_MESSAGES[400]))
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(detail=self.message["en"], code=code)


def invalid(fields: dict) -> ApiError:
    return ApiError(status_code=400, code="invalid", fields=fields)


def field_error(field: str, message, code: str = "invalid") -> ApiError:
    return invalid({field: [{"code": code, **both(message)}]})


def _flatten(vi, en, prefix: str = "", out: dict | None = None) -> dict:
    """Walk two error structures (DRF or Django shaped) side by side into {dotted.field: [{code, vi, en}]}."""
    out = {} if out is None else out
    if isinstance(vi, dict):
        en = en if isinstance(en, dict) else {}
        for key, value in vi.items():
            name = "non_field_errors" if key in ("__all__", api_settings.NON_FIELD_ERRORS_KEY) else str(key)
            _flatten(value, en.get(key, value), f"{prefix}.{name}" if prefix else name, out)
        return out
    if isinstance(vi, list | tuple) and vi and all(isinstance(item, str) for item in vi):
        en = en if isinstance(en, list | tuple) and len(en) == len(vi) else vi
        out.setdefault(prefix or "non_field_errors", []).extend(
            {"code": getattr(v, "code", None) or "invalid", "vi": str(v), "en": str(e)}
            for v, e in zip(vi, en, strict=True)
        )
        return out
    if isinstance(vi, list | tuple):
        en = en if isinstance(en, list | tuple) and len(en) == len(vi) else vi
        for index, (v, e) in enumerate(zip(vi, en, strict=True)):
            if v:
                _flatten(v, e, f"{prefix}.{index}" if prefix else str(index), out)
        return out
    out.setdefault(prefix or "non_field_errors", []).append(
        {"code": getattr(vi, "code", None) or "invalid", "vi": str(vi), "en": str(en)}
    )
    return out


# Authentication, access and throttling ---------------------------------------------------------------------


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer kc_…`: a token issued on /api/tokens/ or by `manage.py issue_api_token`."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        if len(words) != 2:
            raise ApiError(
                status_code=401,
                code="authentication_failed",
                message=both(_("Malformed Authorization header: use “Bearer <token>”.")),
            )
        token = api_tokens.token_lookup(words[1].decode("latin-1"))
        if token is None:
            throttle_anonymous(request)  # guessing tokens counts against the address's anonymous rate
            raise ApiError(
                status_code=401,
                code="authentication_failed",
                message=both(_("The token is unknown, expired or revoked.")),
            )
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, refusing a session that still owes its second factor (password typed,
    TOTP code not yet): such a session is not a user of the API. The OTP middleware refuses it first; this
    holds the line on its own."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and otp_owed(request._request):
            raise ApiError(
                status_code=403,
                code="otp_required",
                message=both(
                    _("Enter the code from your authenticator app on the portal first (second sign-in step).")
                ),
            )
        return result


class ApiAccess(BasePermission):
    """Signed in (session or token), and a token must be granted write access for anything but reads."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            throttle_anonymous(request)  # DRF checks permissions before throttles: without this, never limited
            return False
        if isinstance(request.auth, ApiToken) and not request.auth.can_write and request.method not in SAFE_METHODS:
            raise ApiError(
                status_code=403,
                code="read_only_token",
                message=both(_("This token is read-only: ask for a token with write access.")),
            )
        return True


class _RuntimeRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # read per request: tests may change it


class ApiAnonThrottle(_RuntimeRates, AnonRateThrottle):
    scope = "api_anon"


class _RefusedRequestThrottle(ApiAnonThrottle):
    def get_cache_key(self, request, view):
        # A request about to be refused (no or unknown credentials) counts by address, whatever it sent.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttle_anonymous(request) -> None:
    """Apply the anonymous rate to a request that will be refused as unauthenticated (429 when over it)."""
    throttle = _RefusedRequestThrottle()
    if not throttle.allow_request(request, None):
        raise exceptions.Throttled(wait=throttle.wait())


class ApiUserThrottle(_RuntimeRates, UserRateThrottle):
    scope = "api_user"


# Pagination and filters --------------------------------------------------------------------------------------


class ApiPagination(PageNumberPagination):
    """50 rows a page by default, up to 500 with ?page_size=; paging cannot be switched off."""

    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    django_paginator_class = cachekeys.CountCachedPaginator  # the count of every row in scope, once per data version

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise field_error(
                self.page_size_query_param,
                lazy_format(_("Enter a page size from 1 to %(max)s."), max=self.max_page_size),
                code="page_size",
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not re.fullmatch(r"[0-9]{1,9}", raw):
            raise field_error(self.page_query_param, _("Enter a page number from 1."), code="page")
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size, "default": self.page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": 999_999_999})
        return parameters


class ApiFilterBackend(django_filters.DjangoFilterBackend):
    """django-filter, with invalid filter values reported in both languages."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            errors = {}
            for language in LANGUAGES:
                with translation.override(language):
                    again = self.get_filterset(request, queryset, view)
                    errors[language] = {
                        field: [error["message"] for error in messages]
                        for field, messages in again.errors.get_json_data().items()
                    }
            raise invalid(_flatten(errors["vi"], errors["en"]))
        return filterset.qs


class _SafeModelChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"[0-9]{1,18}", str(value)):
            raise DjangoValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            return super().to_python(value)
        except DjangoValidationError:
            # A well-formed id of no row filters to nothing (an empty page), as any other filter value matching
            # no row does; only a malformed id is a 400.
            return self.queryset.model(pk=int(value))


class IdFilter(django_filters.ModelChoiceFilter):
    """Filter by a related row's id; malformed or out-of-range ids are a 400, never a database error."""

    field_class = _SafeModelChoiceField
