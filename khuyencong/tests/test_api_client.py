"""A client generated from the live Vietnamese schema by openapi-python-client (as an outside system would)
downloads a report PDF and updates a project with If-Match: the schema is usable as published, ETag and If-Match
included. Generated at test time into tmp_path, with the configuration shipped in khuyencong/."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from khuyencong.tests.test_api_fuzz import _seed, _seed_reports_and_conferences
from provinces import api_tokens

CONFIG = Path(__file__).resolve().parents[1] / "openapi-python-client.yaml"


def generate_client(schema_url: str, target: Path):
    schema = target / "schema.json"
    response = requests.get(schema_url, timeout=60)
    assert response.status_code == 200
    schema.write_bytes(response.content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(  # noqa: S603 - our own generator on our own schema
        [
            str(generator),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(target / "kc_client"),
        ]
        + ["--config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "omitted" not in result.stdout, result.stdout  # no answer left out of the client (downloads included)
    sys.path.insert(0, str(target))
    try:
        for name in [name for name in sys.modules if name == "kc_client" or name.startswith("kc_client.")]:
            del sys.modules[name]
        return importlib.import_module("kc_client")
    finally:
        sys.path.remove(str(target))


@pytest.mark.client_generation
@pytest.mark.django_db(transaction=True)
def test_generated_client_downloads_a_report_pdf_and_updates_a_project_with_if_match(
    live_server, settings, monkeypatch, tmp_path, tayninh_officer, tayninh_approver, cantho_officer, ministry_staff
):
    running = _seed(tayninh_officer, tayninh_approver, cantho_officer, ministry_staff)
    report_id = _seed_reports_and_conferences(settings, monkeypatch, tayninh_approver)["reports"]
    _token, raw = api_tokens.api_token_issue(
        user=tayninh_officer, by=tayninh_officer, name="client", days=1, can_write=True
    )
    kc_client = generate_client(f"{live_server.url}/api/schema/?lang=vi&format=json", tmp_path)
    from kc_client.api.projects import projects_partial_update, projects_retrieve
    from kc_client.api.reports import reports_pdf_retrieve
    from kc_client.models import Error, PatchedProjectUpdateRequest, Project

    client = kc_client.AuthenticatedClient(base_url=live_server.url, token=raw)

    pdf = reports_pdf_retrieve.sync_detailed(id=str(report_id), client=client)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.parsed.payload.read().startswith(b"%PDF-")

    read = projects_retrieve.sync_detailed(id=str(running.pk), client=client)
    assert read.status_code == 200 and isinstance(read.parsed, Project)
    etag = read.headers["ETag"]
    changed = projects_partial_update.sync_detailed(
        id=str(running.pk),
        client=client,
        if_match=etag,
        body=PatchedProjectUpdateRequest(location="Xã Mỹ An, tỉnh Tây Ninh"),
    )
    assert changed.status_code == 200, changed.content
    assert changed.parsed.location == "Xã Mỹ An, tỉnh Tây Ninh" and changed.headers["ETag"] != etag

    stale = projects_partial_update.sync_detailed(
        id=str(running.pk), client=client, if_match=etag, body=PatchedProjectUpdateRequest(location="Bản cũ")
    )
    assert stale.status_code == 412 and isinstance(stale.parsed, Error)
    assert stale.parsed.error.code == "stale_version"
    running.refresh_from_db()
    assert running.location == "Xã Mỹ An, tỉnh Tây Ninh"
