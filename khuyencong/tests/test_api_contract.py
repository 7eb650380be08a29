"""The schema says what the server enforces, and the server refuses what the schema does not allow:
boolean filters, ordering values, bounds, closed bodies, If-Match/ETag, binary downloads, ASCII names."""

import json
import re

import pytest
from rest_framework.test import APIClient

from projects.tests import factories
from projects.tests.test_api import client_for, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def tayninh_project(tayninh_officer):
    return factories.make_project(by=tayninh_officer)


NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def schema(lang="vi") -> dict:
    response = APIClient().get(f"/api/schema/?format=json&lang={lang}")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_schema_file_name_is_rfc_6266_not_rfc_2047():
    response = APIClient().get("/api/schema/")
    disposition = response["Content-Disposition"]
    assert "=?utf-8?" not in disposition
    assert disposition.startswith("inline; filename*=utf-8''Khuy%E1%BA%BFn%20c%C3%B4ng%20portal%20API")
    assert disposition.isascii()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_component_and_enum_names_are_ascii_and_no_schema_has_a_title(lang):
    document = schema(lang)
    names = list(document["components"]["schemas"])
    assert names and all(NAME.match(name) for name in names), [n for n in names if not NAME.match(n)]
    assert "ProjectStatusEnum" in names and "FundEnum" in names

    def titles(node, names_map=False):
        if isinstance(node, dict):
            if not names_map and "title" in node and isinstance(node["title"], str):
                yield node["title"]
            for key, value in node.items():
                yield from titles(value, not names_map and key in ("properties", "schemas", "paths"))
        elif isinstance(node, list):
            for value in node:
                yield from titles(value)

    # generators would name classes after these labels (the API's own name in `info` is not a schema)
    assert list(titles(document["paths"])) == [] and list(titles(document["components"])) == []
    status = next(p for p in document["paths"]["/api/v1/projects/"]["get"]["parameters"] if p["name"] == "status")
    if lang == "vi":  # the label is kept, translated, as a description
        assert status["schema"]["items"]["description"] == "Trạng thái"


def test_every_query_bound_and_ordering_is_declared():
    document = schema()
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            spec = parameter["schema"]
            spec = spec.get("items", spec)
            where = (path, method, parameter["name"])
            if parameter["in"] == "query" and spec.get("type") == "integer" and "enum" not in spec:
                assert "minimum" in spec and "maximum" in spec, where
            if parameter["name"] == "ordering":
                assert spec["enum"] and all(not value.lstrip("-").startswith("_") for value in spec["enum"]), where
            if parameter["in"] == "query" and spec.get("type") == "string" and "enum" not in spec:
                assert "maxLength" in spec or spec.get("format") == "date-time", where
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert parameters["province"] == {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
    assert parameters["year"] == {"type": "integer", "minimum": 2000, "maximum": 2100}
    codes = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/activity-contents/"]["get"]["parameters"]}
    assert codes["code"]["maxLength"] == 20


def test_request_bodies_are_closed_and_body_ids_start_at_one():
    components = schema()["components"]["schemas"]
    requests = {name: c for name, c in components.items() if name.endswith("Request")}
    assert requests and all(c["additionalProperties"] is False for c in requests.values())
    assert components["ProjectWriteRequest"]["properties"]["province"]["minimum"] == 1
    assert components["PatchedProjectUpdateRequest"]["properties"]["commune"]["nullable"] is True


def test_if_match_etag_and_binary_downloads_are_declared():
    paths = schema()["paths"]
    patch = paths["/api/v1/projects/{id}/"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["in"] == "header" and if_match["required"] is True
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/v1/projects/{id}/"]["get"]["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/v1/reports/{id}/"]["get"]["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" for p in paths["/api/v1/reports/{id}/"]["patch"]["parameters"])
    pdf = paths["/api/v1/reports/{id}/pdf/"]["get"]["responses"]["200"]
    assert pdf["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    xlsx = paths["/api/v1/reports/{id}/xlsx/"]["get"]["responses"]["200"]["content"]
    assert xlsx["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"]["format"] == "binary"
    submit = paths["/api/v1/projects/{id}/submit/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert submit == {"$ref": "#/components/schemas/TransitionRequest"}  # not a whole project


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/?approved=yes",
        "/api/v1/projects/?approved=2",
        "/api/v1/reports/?include_drafts=981",
        "/api/v1/reports/?regional=maybe",
        "/api/v1/provinces/?current=null",
        "/api/v1/projects/?ordering=bogus",
        "/api/v1/projects/?ordering=code,bogus",
        "/api/v1/projects/?ordering=title",  # a field, but not an ordering one
    ],
)
def test_unknown_booleans_and_orderings_are_refused(tayninh_officer, url):
    response = client_for(tayninh_officer).get(url)
    error = error_of(response)
    name = url.split("?")[1].split("=")[0]
    assert response.status_code == 400 and error["code"] == "invalid" and name in error["fields"], error


def test_known_booleans_and_orderings_work(tayninh_officer, tayninh_project):
    client = client_for(tayninh_officer)
    for url in (
        "/api/v1/projects/?approved=false",
        "/api/v1/projects/?approved=0",
        "/api/v1/projects/?approved=True",
        "/api/v1/provinces/?current=true",
        "/api/v1/reports/?include_drafts=1",
        "/api/v1/projects/?ordering=-code,plan_year",
        "/api/v1/projects/?ordering=",
    ):
        assert client.get(url).status_code == 200, url
    drafts = client.get("/api/v1/projects/?approved=false").json()["results"]
    assert [row["code"] for row in drafts] == [tayninh_project.code]
    assert client.get("/api/v1/projects/?approved=true").json()["results"] == []
    provinces = client.get("/api/v1/provinces/?current=true&page_size=500").json()["results"]
    assert provinces and all(row["valid_to"] is None for row in provinces)


def test_an_unknown_id_in_a_filter_is_an_empty_page_not_a_400(tayninh_officer, tayninh_project):
    client = client_for(tayninh_officer)
    assert client.get("/api/v1/projects/?province=999999").json()["results"] == []
    assert client.get(f"/api/v1/projects/?province={tayninh_project.province_id}").json()["count"] == 1
    assert client.get("/api/v1/projects/?province=abc").status_code == 400
