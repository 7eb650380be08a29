"""What every API v1 endpoint shares: the one error format, bilingual validation, calling services, money
and id fields, optimistic concurrency and the OpenAPI touches. Authentication, access, throttles, pagination
and filters live in khuyencong.api_base (DRF's settings name them) and are re-exported here.

Every 4xx and 5xx answer has one shape (documented in the schema as `Error`)::

    {"error": {"status": 400, "code": "invalid",
               "message_vi": "Yêu cầu không hợp lệ.", "message_en": "The request is not valid.",
               "fields": {"amount": [{"code": "invalid", "vi": "…", "en": "…"}]},
               "changes": {"title": {"yours": "…", "current": "…"}},      # only on 409/412
               "current_version": 4}}                                     # only on 409/412

`fields` is empty when no field is to blame; `non_field_errors` holds errors about the whole object. A 400's
`code` is `invalid` when the request does not match the schema (types, bounds, unknown fields) and `refused`
when it does but a rule of the service refuses it (dates, life cycle, ceilings).
"""

import datetime
import logging
import re
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_filters import fields as filter_fields
from django_filters import rest_framework as django_filters
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from khuyencong import api_filters, api_schema  # noqa: F401 - register their schema extensions
from khuyencong.api_base import (  # noqa: F401 - re-exported: endpoints import the API toolkit from here
    LANGUAGES,
    PARSE_ERROR,
    STATUS_MESSAGES,
    ApiAccess,
    ApiAnonThrottle,
    ApiError,
    ApiFilterBackend,
    ApiPagination,
    ApiUserThrottle,
    BearerTokenAuthentication,
    IdFilter,
    VerifiedSessionAuthentication,
    _flatten,
    both,
    field_error,
    invalid,
)
from khuyencong.concurrency import StaleEdit  # noqa: F401 - re-exported with the rest of the toolkit
from provinces import selectors as province_selectors

logger = logging.getLogger(__name__)

MAX_ID = 2**63 - 1
ID_REGEX = "[0-9]{1,18}"  # every endpoint's lookup_value_regex: ids are positive 64-bit integers


# Filters every app's endpoints share -------------------------------------------------------------------------


def filter_province(queryset, name, value):
    """`?province=`: that province and every province merged into it (today's Tây Ninh finds Long An's
    rows), through the one merger door."""
    if not value:
        return queryset
    return queryset.filter(province_id__in=province_selectors.province_family_ids(province_id=value.pk))


class SafeIsoDateTimeField(filter_fields.IsoDateTimeField):
    """ISO 8601 date-time (naive means Vietnam time); years outside 1900–9999 are refused, not crashed on."""

    def to_python(self, value):
        if isinstance(value, str) and value == "":
            # the schema's pattern says a date-time: an empty value is refused, not read as "no filter"
            raise DjangoValidationError(_("Enter a date-time between 1900 and 9998."), code="invalid")
        result = super().to_python(value)
        if result is not None:
            try:
                ok = 1900 <= result.astimezone(datetime.UTC).year <= 9998
            except (OverflowError, ValueError):
                ok = False
            if not ok:
                raise DjangoValidationError(_("Enter a date-time between 1900 and 9998."), code="invalid")
            # in UTC: an offset such as -18:43 is valid ISO 8601 but beyond what PostgreSQL takes (±15:59)
            result = result.astimezone(datetime.UTC)
        return result


# The years SafeIsoDateTimeField accepts (from 1901, so that any offset stays after 1900 in UTC), as a pattern.
UPDATED_SINCE_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^(190[1-9]|19[1-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-7])-",
}


@extend_schema_field(UPDATED_SINCE_SCHEMA)
class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """`?updated_since=`: an ISO date-time, safely parsed."""

    field_class = SafeIsoDateTimeField


def validated(serializer_class, *, data, context: dict, **kwargs) -> dict:
    """Validate request data; on failure raise a 400 whose field messages exist in both languages
    (the serializer runs once more per language, on the error path only; validation has no side effects)."""
    serializer = serializer_class(data=data, context=context, **kwargs)
    if serializer.is_valid():
        return serializer.validated_data
    errors = {}
    for language in LANGUAGES:
        with translation.override(language):
            again = serializer_class(data=data, context=context, **kwargs)
            again.is_valid()
            errors[language] = again.errors
    raise invalid(_flatten(errors["vi"], errors["en"]))


def _django_error_fields(error: DjangoValidationError):
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


def call_service(service: Callable, /, **kwargs):
    """Call a service as the pages do; turn its ValidationError and PermissionDenied into bilingual API errors.

    Services render messages with gettext in the active language. On a refusal the call is repeated once in
    the other language inside a savepoint that is always rolled back, so both texts come from the catalogue;
    should the repeat not fail the same way, the first message fills both slots.
    """
    first = translation.get_language() or "vi"
    other = "en" if first != "en" else "vi"
    try:
        return service(**kwargs)
    except (DjangoValidationError, DjangoPermissionDenied) as error:
        second = None
        try:
            with transaction.atomic():
                with translation.override(other):
                    service(**kwargs)
                transaction.set_rollback(True)
        except type(error) as repeated:
            second = repeated
        except Exception:  # noqa: BLE001 - the repeat only serves a translation; the first error stands
            logger.debug("translation repeat of %s failed differently", service.__name__, exc_info=True)
        messages = {first: error, other: second or error}
        if isinstance(error, DjangoPermissionDenied):
            message = {lang: str(exc) or str(STATUS_MESSAGES[403]) for lang, exc in messages.items()}
            raise ApiError(status_code=403, code="permission_denied", message=message) from None
        fields = _flatten(_django_error_fields(messages["vi"]), _django_error_fields(messages["en"]))
        # "refused", not "invalid": the request was well formed, a rule of the service said no
        raise ApiError(status_code=400, code="refused", fields=fields) from None


def _error_body(status_code: int, code: str, message: dict, fields: dict, extra: dict | None = None) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message_vi": message["vi"],
            "message_en": message["en"],
            "fields": fields,
            **(extra or {}),
        }
    }


def exception_handler(exc, context):
    """DRF's handler (headers, rollback), then every refusal rewritten into the one error format."""
    if isinstance(exc, DjangoValidationError):
        fields = _django_error_fields(exc)
        exc = invalid(_flatten(fields, fields))
    elif isinstance(exc, Http404):
        exc = ApiError(status_code=404, code="not_found")
    elif isinstance(exc, DjangoPermissionDenied):
        message = str(exc)
        exc = ApiError(
            status_code=403, code="permission_denied", message={"vi": message, "en": message} if message else None
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        body = _error_body(500, "server_error", both(STATUS_MESSAGES[500]), {})
        return _json_response(body, 500)
    if isinstance(exc, ApiError):
        body = _error_body(exc.status_code, exc.code, exc.message, exc.fields, exc.extra)
    elif isinstance(exc, exceptions.ValidationError):
        body = _error_body(400, "invalid", both(STATUS_MESSAGES[400]), _flatten(exc.detail, exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        if isinstance(exc, exceptions.ParseError):
            message = both(PARSE_ERROR)
        elif isinstance(exc, exceptions.Throttled) or str(exc.detail) == str(exc.default_detail):
            message = both(STATUS_MESSAGES.get(response.status_code, exc.default_detail))
        else:
            message = {"vi": str(exc.detail), "en": str(exc.detail)}
        extra = {"retry_after": exc.wait} if isinstance(exc, exceptions.Throttled) and exc.wait else {}
        body = _error_body(response.status_code, code, message, {}, extra)
    response.data = body
    return response


def _json_response(body: dict, status_code: int) -> JsonResponse:
    return JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # nothing to protect, and a CSRF refusal would be an HTML page
def not_found(request, *args, **kwargs):
    """Any unknown address under /api/: the JSON 404, never an HTML page."""
    return _json_response(_error_body(404, "not_found", both(STATUS_MESSAGES[404]), {}), 404)


# Fields ------------------------------------------------------------------------------------------------------

MONEY_PATTERN = re.compile(r"[0-9]{1,18}")


class MoneyField(serializers.Field):
    """Whole VND. Read as a string of digits ("125000000"); written as that string or a JSON integer.
    Floats and fractions are refused, so no amount is ever rounded."""

    default_error_messages = {
        "invalid": _("Enter a whole amount in đồng: an integer or a string of digits, without decimals."),
    }

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool) and 0 <= data < 10**18:
            return Decimal(data)
        if isinstance(data, str) and MONEY_PATTERN.fullmatch(data):
            return Decimal(data)
        self.fail("invalid")

    def to_representation(self, value):
        return str(int(value))


class MoneyFieldSchema(OpenApiSerializerFieldExtension):
    target_class = MoneyField

    def map_serializer_field(self, auto_schema, direction):
        as_string = {"type": "string", "pattern": "^[0-9]{1,18}$", "example": "125000000"}
        if direction == "response":
            return {**as_string, "description": "Whole VND as a string of digits."}
        return {
            "oneOf": [{"type": "integer", "minimum": 0, "maximum": 10**18 - 1}, as_string],
            "description": "Whole VND: an integer or a string of digits.",
        }


class IdField(serializers.PrimaryKeyRelatedField):
    """A foreign key by id; ids outside 1…2⁶³−1 are refused before they reach the database."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:  # an integer all the same: no row has it (not "incorrect type")
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a typo must not be silently ignored."""

    default_error_messages = {"unknown": _("Unknown field.")}

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            message = str(self.error_messages["unknown"])
            unknown = {name: [serializers.ErrorDetail(message, "unknown")] for name in sorted(set(data) - writable)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            raise serializers.ValidationError({**detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class VersionSerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


# Optimistic concurrency -------------------------------------------------------------------------------------


def expected_version(request, body_version: int | None, *, required: bool) -> tuple[int | None, str]:
    """The version the caller read: If-Match (“"4"”, as sent in ETag) or the body's `version`.
    Returns (version, "header"|"body"|""); 428 when required and missing, 400 when malformed, 412 when the two
    disagree."""
    header = request.headers.get("If-Match")
    from_header = None
    if header is not None:
        match = re.fullmatch(r'\s*(?:W/)?"?([0-9]{1,9})"?\s*', header)
        if not match:
            raise field_error("If-Match", _('Send If-Match with the ETag you read, e.g. "4".'))
        from_header = int(match.group(1))
    if from_header is not None and body_version is not None and from_header != body_version:
        # two preconditions that cannot both hold: the request fails its precondition (412), it is not malformed
        raise ApiError(
            status_code=412,
            code="version_conflict",
            message=both(_("The version in the body and in If-Match disagree.")),
        )
    if from_header is not None:
        return from_header, "header"
    if body_version is not None:
        return body_version, "body"
    if required:
        raise ApiError(status_code=428, code="version_required")
    return None, ""


def stale(*, source: str, current_version: int, changes: dict) -> ApiError:
    """412 when the version came in If-Match, 409 when it came in the body; `changes` lists what differs."""
    return ApiError(
        status_code=412 if source == "header" else 409,
        code="stale_version",
        extra={
            "current_version": current_version,
            "changes": {field: {"yours": yours, "current": current} for field, (yours, current) in changes.items()},
        },
    )


# OpenAPI ----------------------------------------------------------------------------------------------------


class ErrorMessageSerializer(serializers.Serializer):
    code = serializers.CharField()
    vi = serializers.CharField()
    en = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    yours = serializers.CharField()
    current = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message_vi = serializers.CharField()
    message_en = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=ErrorMessageSerializer()))
    current_version = serializers.IntegerField(required=False)
    changes = serializers.DictField(child=ChangeSerializer(), required=False)
    retry_after = serializers.FloatField(required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ApiAutoSchema(AutoSchema):
    """Documents the error answers every operation can give, in the one error format."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method in ("POST", "PATCH", "PUT"):
            codes += ["409", "412", "415"]
        if self.method == "PATCH":
            codes += ["428"]
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code, direction=direction))
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from /api/tokens/ or `manage.py issue_api_token` (read-only unless granted write).",
        }


class VerifiedSessionScheme(SessionScheme):
    """The portal's session cookie, documented as drf-spectacular documents DRF's own session scheme."""

    target_class = VerifiedSessionAuthentication
    priority = 1
