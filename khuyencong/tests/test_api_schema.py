"""The OpenAPI 3 schema validates and the interactive documentation is served from local files."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


def test_schema_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/projects/{id}/submit/" in paths and "/api/v1/projects/{id}/money-entries/" in paths
    assert "delete" not in paths["/api/v1/projects/{id}/"] and "put" not in paths["/api/v1/projects/{id}/"]
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert paths["/api/v1/projects/{id}/"]["patch"]["responses"]["412"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn():
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in docs
    assert "/static/drf_spectacular_sidecar/redoc/" in client.get("/api/redoc/").content.decode()
