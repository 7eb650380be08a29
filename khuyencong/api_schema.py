"""The OpenAPI schema says what the server enforces, in a form client generators keep.

- Request bodies are closed (`additionalProperties: false`): every writer is a StrictSerializer, which refuses
  unknown fields, so the schema must not promise they are ignored.
- Text in bodies and query strings has no NUL (refused by Django and DRF), and required text
  has a non-space character (DRF trims before its blank check).
- Ids in bodies are integers from 1 (IdField refuses 0, negatives and anything beyond 2⁶³−1).
- `If-Match` is declared (required) on every PATCH (khuyencong.api.expected_version reads it) and `ETag` on
  the answers of the resources that send one (projects and reports, and the report downloads).
- No `title` keys: generators (openapi-python-client) name classes after titles, and in the Vietnamese schema
  they are Vietnamese labels; the label moves into `description`, so component and enum names stay the ASCII
  names of the serializers and enums while the texts stay translated.
"""

import re

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

MAX_ID = 2**63 - 1
ETAG_PATHS = re.compile(r"^/api/v1/(projects|reports)/(\{id\}/([a-z-]+/)?)?$")
ETAG = {
    "ETag": {
        "schema": {"type": "string", "example": '"4"'},
        "description": "The version of what was answered, quoted; send it back in If-Match to change it.",
    }
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string", "pattern": '^\\s*(W/)?"?[0-9]{1,9}"?\\s*$', "example": '"4"'},
    "description": "The ETag you read; stale: 412 with what changed. (Older clients may send `version` in the body "
    "instead, answered 409 when stale.)",
}


PATTERNED = {"pattern", "format", "enum"}
# What Django's and DRF's text fields accept: no NUL. (They refuse lone surrogates too, which no regex engine of
# JSON Schema tools can name: a range of surrogates makes the pattern invalid for them, so it is left out.)
TEXT_CHARACTER = r"[^\u0000]"
TEXT = rf"^{TEXT_CHARACTER}*$"
# Python's whitespace (str.strip, which DRF trims with), spelled out: `\s` differs between regex engines.
SPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NON_BLANK_TEXT = rf"^{TEXT_CHARACTER}*[^{SPACE}\u0000]{TEXT_CHARACTER}*$"
NAME_MAPS = {"properties", "schemas", "paths", "responses", "headers", "content", "securitySchemes"}


class IdFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "khuyencong.api.IdField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID} if direction == "request" else {"type": "integer"}
        if getattr(self.target, "allow_null", False):
            schema["nullable"] = True
        return schema


def _untitle(node, *, names: bool = False) -> None:
    """Move schema `title`s into `description`. `names`: the node maps names to schemas (`properties`,
    `schemas`, `paths`…), so its keys are names (a property may be called "title"), not keywords."""
    if isinstance(node, dict):
        if not names and isinstance(node.get("title"), str):
            title = node.pop("title")
            node.setdefault("description", title)
        for key, value in node.items():
            _untitle(value, names=not names and key in NAME_MAPS)
    elif isinstance(node, list):
        for value in node:
            _untitle(value)


def postprocess(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry, after its enum hook."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
            for field in component.get("properties", {}).values():
                if field.get("type") == "string" and not set(field) & PATTERNED:
                    # DRF trims text before checking it is not blank ("\f" is blank), and refuses NUL in any text
                    field["pattern"] = NON_BLANK_TEXT if field.get("minLength", 0) >= 1 else TEXT
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method == "patch":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "If-Match" for p in parameters):
                    parameters.append(dict(IF_MATCH))
            if ETAG_PATHS.match(path) and path != "/api/v1/reports/timeliness/":
                for code, response in operation.get("responses", {}).items():
                    if code.startswith("2"):
                        response.setdefault("headers", {}).update(ETAG)
    for part in ("paths", "components"):  # not `info`, whose title is the API's name
        _untitle(result.get(part, {}), names=part == "paths")
    return result
