"""Query-string filters that refuse what they do not understand, and a schema that says what they accept.

django-filter reads an unknown boolean (`?approved=yes`) as "no filter" and DRF's ordering drops an unknown
field (`?ordering=bogus`): a client with a typo silently gets other rows than it asked for. Here both are a
400 in the API's error format, and the OpenAPI schema declares the same bounds the server checks (ids from 1,
years, lengths, the ordering values) so a generated client and a fuzzer agree with the server.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework.filters import OrderingFilter

from khuyencong import api_schema
from khuyencong.api_base import field_error, lazy_format

MAX_ID = 10**18 - 1  # ids are read as at most 18 digits (khuyencong.api_base.IdFilter)
TRUE, FALSE = ("true", "1"), ("false", "0")
BOOLEAN_MESSAGE = _("Enter true or false.")


def boolean_value(raw: str) -> bool:
    """`true`/`1` or `false`/`0` (any case); anything else is refused."""
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(raw)


def query_boolean(request, name: str, *, default: bool = False) -> bool:
    """A boolean read straight from the query string (not through a filter set), refused like the filters."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return boolean_value(raw)
    except ValueError:
        raise field_error(name, BOOLEAN_MESSAGE, code="invalid") from None


class StrictBooleanField(forms.Field):
    widget = forms.TextInput  # the raw text, not NullBooleanSelect's "anything else is unknown"
    default_error_messages = {"invalid": BOOLEAN_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return boolean_value(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BooleanFilter(filters.BooleanFilter):
    """A boolean filter that refuses anything but true/false/1/0."""

    field_class = StrictBooleanField


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` with the view's `ordering_fields` only (`-` for descending, commas for several); an unknown
    field is a 400, and the schema lists the accepted values."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:  # empty: the default order, as an empty filter value means no filter
            allowed = self._allowed(view)
            terms = [term.strip() for term in params.split(",")]
            if not all(term in allowed for term in terms):
                raise field_error(
                    self.ordering_param,
                    lazy_format(
                        _("Order by one of: %(fields)s (a leading “-” for descending)."),
                        fields=", ".join(sorted(name for name in allowed if not name.startswith("-"))),
                    ),
                    code="invalid_ordering",
                )
        return super().get_ordering(request, queryset, view)

    def _allowed(self, view) -> list[str]:
        return [value for name, _label in self.get_valid_fields(None, view) for value in (name, f"-{name}")]

    def get_valid_fields(self, queryset, view, context=None):
        fields = getattr(view, "ordering_fields", None)
        if fields is None or fields == "__all__":  # never "every field": only what the view names
            return []
        return [(name, name) for name in fields]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        allowed = self._allowed(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "enum": allowed}
            parameter["description"] = "Order by this field (a leading “-” for descending)."
        return parameters if allowed else []


class BoundedFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter reading, plus the bounds the filters check: min/max values, max lengths,
    and ids (model choices) from 1."""

    target_class = "khuyencong.api_base.ApiFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        bounds = {}
        if isinstance(filter_field, filters.ModelChoiceFilter):
            bounds = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        for extra, key in (("min_value", "minimum"), ("max_value", "maximum"), ("max_length", "maxLength")):
            if filter_field.extra.get(extra) is not None:
                bounds[key] = filter_field.extra[extra]
        for parameter in parameters:
            schema = parameter["schema"]
            target = schema["items"] if schema.get("type") == "array" else schema
            target.update(bounds)
            if isinstance(filter_field, filters.ChoiceFilter) and "enum" in target and "" not in target["enum"]:
                target["enum"] = ["", *target["enum"]]  # an empty value means "no filter", as for every filter
            if target.get("type") == "string" and not {"enum", "format", "pattern"} & set(target):
                target["pattern"] = api_schema.TEXT  # Django's forms refuse NUL characters in filters too
        return parameters
