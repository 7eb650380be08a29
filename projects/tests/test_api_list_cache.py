"""The API's project list is answered from the cache while the data version stands (projects/api.py,
ProjectViewSet.list): with every write committed, as in production, the next call shows it; one caller's
page never answers another's."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong import cachekeys
from projects import services
from projects.models import MoneyEntry
from projects.tests import factories
from projects.tests.test_api import client_for

pytestmark = pytest.mark.django_db
M = 1_000_000


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def rows(client, query: str = "") -> list[dict]:
    response = client.get(f"/api/v1/projects/{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_each_write_shows_on_the_next_call(
    tayninh_officer, tayninh_approver, commit_bumps, django_assert_max_num_queries
):
    project = factories.approve(
        factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
    )
    commit_bumps()
    client = client_for(tayninh_officer)
    [row] = rows(client)
    assert (row["disbursed"], row["decisions"], row["progress"]) == ("0", [], [])
    with django_assert_max_num_queries(3):  # token, its last use, throttle: the page itself from the cache
        assert rows(client) == [row]
    services.money_entry_add(
        project=project,
        by=tayninh_officer,
        kind=MoneyEntry.Kind.DISBURSEMENT,
        amount=12 * M,
        date=datetime.date(2026, 5, 4),
    )
    commit_bumps()
    assert rows(client)[0]["disbursed"] == str(12 * M)
    services.decision_record(
        project=project,
        by=tayninh_officer,
        kind="contract",
        number="15/HĐ-KC",
        date=datetime.date(2026, 3, 1),
        uploaded_file=SimpleUploadedFile("hd.pdf", b"%PDF-1.4 hop dong"),
    )
    commit_bumps()
    [decision] = rows(client)[0]["decisions"]
    assert decision["number"] == "15/HĐ-KC" and decision["attachment"]["original_name"] == "hd.pdf"
    project.refresh_from_db()
    services.project_update(
        project=project, by=tayninh_officer, data={"title": "Lò sấy mới"}, expected_version=project.version
    )
    commit_bumps()
    assert rows(client)[0]["title"] == "Lò sấy mới"


def test_one_callers_page_never_answers_another(
    tayninh_officer, tayninh_approver, cantho_officer, ministry_staff, commit_bumps
):
    draft = factories.make_project(by=tayninh_officer)
    services.project_transition(project=draft, action="submit", by=tayninh_officer)
    factories.make_project(by=cantho_officer, title="Đề án Cần Thơ", activity="KC01")
    commit_bumps()
    officer, approver = client_for(tayninh_officer), client_for(tayninh_approver)
    [mine] = rows(officer)
    [theirs] = rows(approver)  # the same province, the same row: the approver's own actions
    assert mine["id"] == theirs["id"]
    assert "approve" not in mine["actions"] and "approve" in theirs["actions"]
    assert [r["title"] for r in rows(client_for(cantho_officer))] == ["Đề án Cần Thơ"]
    assert len(rows(client_for(ministry_staff))) == 2
    assert len(rows(officer, "?year=2025")) == 0  # the query is in the key
    bad = officer.get("/api/v1/projects/?year=abc")
    assert bad.status_code == 400 and set(bad.json()) == {"error"}
    assert officer.get("/api/v1/projects/?year=abc").status_code == 400  # an error is never stored


def test_made_up_parameters_add_no_cache_entry(tayninh_officer, commit_bumps):
    factories.make_project(by=tayninh_officer)
    commit_bumps()
    client = client_for(tayninh_officer)
    rows(client, "?year=2026")
    before = set(cache._cache.get_client().keys("*")) if hasattr(cache, "_cache") else None
    for n in range(3):
        assert len(rows(client, f"?year=2026&x={n}")) == 1
    if before is not None:  # Redis: the only new keys are the throttle's and the token's, no page
        assert not [k for k in set(cache._cache.get_client().keys("*")) - before if b"figures:" in k]


def test_a_search_is_answered_not_stored(tayninh_officer, monkeypatch):
    stored = []

    def recording(parts, compute, **kwargs):
        parts = list(parts)
        stored.append(parts[0])
        return compute()

    factories.make_project(by=tayninh_officer)
    client = client_for(tayninh_officer)
    monkeypatch.setattr(cachekeys, "cached", recording)
    assert len(rows(client, "?search=máy sấy")) == 1
    assert "api-projects" not in stored
    assert len(rows(client, "?year=2026")) == 1
    assert "api-projects" in stored
