"""API v1 periodic reports: approved (frozen) figures by default, drafts only on request and in scope, the
permission matrix over reads, downloads and workflow writes, the narrative version check, filters, paging,
timeliness, and pinned query counts."""

import datetime

import pytest
from django.core.cache import cache
from freezegun import freeze_time

from projects.tests.test_api import client_for, error_of
from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _frozen_and_fresh():
    cache.clear()  # throttle counters live in the cache
    with freeze_time("2026-11-28 10:00:00+07:00"):
        yield


@pytest.fixture
def people(ministry_staff, tayninh_officer, tayninh_approver, cantho_officer, cantho_approver):
    return {
        "anonymous": None,
        "ministry": ministry_staff,
        "tayninh_officer": tayninh_officer,
        "tayninh_approver": tayninh_approver,
        "cantho_officer": cantho_officer,
    }


@pytest.fixture
def reports(settings, reference_data, tayninh_approver, django_capture_on_commit_callbacks):
    """Q3/2026 for the 9 provinces and the region, as drafts awaiting generation; Tây Ninh's submitted (files
    rendered from its frozen figures)."""
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    with django_capture_on_commit_callbacks(execute=False):
        services.reports_sweep(today=TODAY)
    tayninh = Report.objects.get(province__code=80, province__code_set=2025)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=tayninh, by=tayninh_approver)
    tayninh.refresh_from_db()
    assert tayninh.generation == Report.Generation.READY
    return {
        "tayninh": tayninh,
        "cantho": Report.objects.get(province__code=92, province__code_set=2025),
        "regional": Report.objects.get(province__isnull=True),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ["anonymous", "ministry", "tayninh_officer", "tayninh_approver", "cantho_officer"])
def test_list_shows_frozen_versions_by_default_and_drafts_only_in_scope(people, role, reports):
    client = client_for(people[role])
    response = client.get("/api/v1/reports/")
    if role == "anonymous":
        assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"
        return
    tayninh, cantho, regional = reports["tayninh"].pk, reports["cantho"].pk, reports["regional"].pk
    default = {"ministry": {tayninh}, "tayninh_officer": {tayninh}, "tayninh_approver": {tayninh}}.get(role, set())
    assert ids(response) == default
    with_drafts = ids(client.get("/api/v1/reports/", {"include_drafts": "true", "page_size": 500}))
    if role == "ministry":
        assert len(with_drafts) == 10 and {tayninh, cantho, regional} <= with_drafts
    elif role == "cantho_officer":
        assert with_drafts == {cantho}  # its own draft; never Tây Ninh's nor the region's
    else:
        assert with_drafts == {tayninh}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("ministry", 200),
        ("tayninh_officer", 200),
        ("tayninh_approver", 200),
        ("cantho_officer", 404),
    ],
)
def test_detail_and_downloads_are_scoped(people, role, expected, reports):
    client = client_for(people[role])
    report = reports["tayninh"]
    base = f"/api/v1/reports/{report.pk}/"
    for url in (base, base + "pdf/", base + "xlsx/"):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected != 200:
            error_of(response)
    if expected != 200:
        return
    body = client.get(base).json()
    assert body["status"] == "submitted" and body["generation"] == "ready" and body["version"] == 1
    assert body["period"]["kind"] == "quarter" and body["period"]["number"] == 3 and body["regional"] is False
    assert body["submitted_by"] == "Lê Thị Bình" and body["submitted_at"].startswith("2026-11-28")
    assert body["figures"]["province"] == "Tây Ninh" and body["figures"]["period"]["label"]
    assert body["pdf"]["sha256"] == report.pdf_sha256 and body["pdf"]["pages"] >= 1
    assert body["pdf"]["url"] == f"http://testserver/reports/{report.pk}/download/pdf/"
    assert body["xlsx"]["api_url"] == f"http://testserver/api/v1/reports/{report.pk}/xlsx/"
    pdf = client.get(base + "pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["ETag"] == f'"{report.pdf_sha256}"'
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    xlsx = client.get(base + "xlsx/")
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet") and b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_a_draft_is_reached_only_with_include_drafts_and_its_files_only_once_generated(
    cantho_officer, tayninh_officer, reports
):
    draft = reports["cantho"]
    url = f"/api/v1/reports/{draft.pk}/"
    cantho = client_for(cantho_officer)
    assert cantho.get(url).status_code == 404
    body = cantho.get(url, {"include_drafts": "true"}).json()
    assert body["status"] == "draft" and body["pdf"] is None and body["figures"] is None
    missing = cantho.get(url + "pdf/", {"include_drafts": "true"}, HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_generated"
    assert missing["Content-Type"] == "application/json"
    assert client_for(tayninh_officer).get(url, {"include_drafts": "true"}).status_code == 404


# Writes: who may do what on Cần Thơ's draft and Tây Ninh's submitted report (404 outside scope, never 403).
WRITES = {
    "narrative": {
        "anonymous": 401,
        "ministry": 403,
        "tayninh_officer": 404,
        "cantho_officer": 200,
        "cantho_approver": 200,
    },
    "submit": {
        "anonymous": 401,
        "ministry": 403,
        "tayninh_officer": 404,
        "cantho_officer": 403,
        "cantho_approver": 200,
    },
    "review": {
        "anonymous": 401,
        "ministry": 200,
        "tayninh_officer": 403,
        "cantho_officer": 404,
        "cantho_approver": 404,
    },
    "regenerate": {
        "anonymous": 401,
        "ministry": 202,
        "tayninh_officer": 404,
        "cantho_officer": 202,
        "cantho_approver": 202,
    },
}


@pytest.mark.parametrize("kind", list(WRITES))
@pytest.mark.parametrize("role", list(WRITES["submit"]))
def test_write_matrix(role, kind, reports, ministry_staff, tayninh_officer, cantho_officer, cantho_approver):
    user = {
        "anonymous": None,
        "ministry": ministry_staff,
        "tayninh_officer": tayninh_officer,
        "cantho_officer": cantho_officer,
        "cantho_approver": cantho_approver,
    }[role]
    client = client_for(user)
    draft, submitted = reports["cantho"], reports["tayninh"]
    services.report_mark_failed(report_id=draft.pk, error="OSError: disk full")  # regenerate retries a failure
    if kind == "narrative":
        response = client.patch(
            f"/api/v1/reports/{draft.pk}/",
            {"achievements": "Đã đào tạo 120 lao động."},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
    elif kind == "submit":
        response = client.post(f"/api/v1/reports/{draft.pk}/submit/", {}, format="json")
    elif kind == "review":
        response = client.post(f"/api/v1/reports/{submitted.pk}/review/", {"decision": "accept"}, format="json")
    else:
        response = client.post(f"/api/v1/reports/{draft.pk}/regenerate/", {}, format="json")
    assert response.status_code == WRITES[kind][role], response.content
    if response.status_code >= 400:
        error_of(response)
        return
    body = response.json()
    expected = {
        "narrative": ("draft", "achievements", "Đã đào tạo 120 lao động."),
        "submit": ("submitted", "submitted_by", "Võ Thị Dung"),
        "review": ("accepted", "reviewed_by", "Nguyễn Thị Minh"),
        "regenerate": ("draft", "generation", "queued"),
    }[kind]
    assert (body["status"], body[expected[1]]) == (expected[0], expected[2])


def test_read_only_token_cannot_write(cantho_approver, reports):
    response = client_for(cantho_approver, write=False).post(f"/api/v1/reports/{reports['cantho'].pk}/submit/", {})
    assert response.status_code == 403 and error_of(response)["code"] == "read_only_token"
    assert Report.objects.get(pk=reports["cantho"].pk).status == "draft"


def test_narrative_patch_needs_the_version_and_refuses_stale_ones(cantho_officer, cantho_approver, reports):
    officer, approver = client_for(cantho_officer), client_for(cantho_approver)
    url = f"/api/v1/reports/{reports['cantho'].pk}/"
    etag = officer.get(url, {"include_drafts": "true"})["ETag"]
    assert etag == '"1"'
    missing = officer.patch(url, {"difficulties": "Thiếu vốn"}, format="json")
    assert missing.status_code == 428 and error_of(missing)["code"] == "version_required"
    ok = officer.patch(url, {"difficulties": "Thiếu vốn đối ứng"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["edit_version"] == 2
    stale_header = approver.patch(url, {"difficulties": "Khác"}, format="json", HTTP_IF_MATCH=etag)
    error = error_of(stale_header)
    assert stale_header.status_code == 412 and error["code"] == "stale_version" and error["current_version"] == 2
    assert error["changes"]["difficulties"] == {"yours": "Khác", "current": "Thiếu vốn đối ứng"}
    stale_body = approver.patch(url, {"proposals": "X", "version": 1}, format="json")
    assert stale_body.status_code == 409 and error_of(stale_body)["current_version"] == 2
    unknown = officer.patch(url, {"summary": "X", "version": 2}, format="json")
    assert unknown.status_code == 400 and error_of(unknown)["fields"]["summary"][0]["code"] == "unknown"
    report = Report.objects.get(pk=reports["cantho"].pk)
    assert (report.difficulties, report.proposals, report.edit_version) == ("Thiếu vốn đối ứng", "", 2)
    frozen = client_for(cantho_approver).patch(
        f"/api/v1/reports/{reports['tayninh'].pk}/", {"proposals": "X", "version": 1}, format="json"
    )
    assert frozen.status_code == 404  # Tây Ninh's is not Cần Thơ's: out of scope before anything else


def test_frozen_report_refuses_narrative_and_regeneration(tayninh_approver, reports):
    client = client_for(tayninh_approver)
    url = f"/api/v1/reports/{reports['tayninh'].pk}/"
    frozen = client.patch(url, {"proposals": "X", "version": 1}, format="json")
    assert (
        frozen.status_code == 400
        and "submitted report cannot be changed" in (error_of(frozen)["fields"]["non_field_errors"][0]["en"])
    )
    again = client.post(url + "regenerate/", {}, format="json")
    assert again.status_code == 400 and error_of(again)["code"] == "not_regenerated"
    assert client.post(url + "submit/", {}, format="json").status_code == 400


def test_review_returns_with_a_comment_and_a_new_draft_follows(ministry_staff, tayninh_officer, reports):
    ministry = client_for(ministry_staff)
    url = f"/api/v1/reports/{reports['tayninh'].pk}/review/"
    no_comment = ministry.post(url, {"decision": "return"}, format="json")
    assert no_comment.status_code == 400 and "comment" in error_of(no_comment)["fields"]
    bad = ministry.post(url, {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and "decision" in error_of(bad)["fields"]
    returned = ministry.post(url, {"decision": "return", "comment": "Bổ sung số liệu"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "Bổ sung số liệu"
    officer = client_for(tayninh_officer)
    rows = officer.get("/api/v1/reports/", {"include_drafts": "true"}).json()["results"]
    assert [(row["version"], row["status"]) for row in rows] == [(2, "draft"), (1, "returned")]
    assert [row["version"] for row in officer.get("/api/v1/reports/").json()["results"]] == [1]


def test_filters_paging_and_bad_values(ministry_staff, reports):
    client = client_for(ministry_staff)

    def found(**params):
        return ids(client.get("/api/v1/reports/", {"include_drafts": "true", "page_size": 500, **params}))

    tayninh, regional = reports["tayninh"], reports["regional"]
    assert found(regional="true") == {regional.pk}
    assert len(found(regional="false")) == 9
    assert found(status="submitted") == {tayninh.pk}
    assert len(found(status=["submitted", "draft"])) == 10
    assert found(province=tayninh.province_id) == {tayninh.pk}
    assert len(found(kind="quarter", year=2026, number=3, period=tayninh.period_id)) == 10
    assert found(year=2025) == set() and found(number=2) == set()
    assert found(updated_since="2026-11-28T10:00:00+07:00") and not found(updated_since="2026-11-29")
    page = client.get("/api/v1/reports/", {"include_drafts": "true", "page_size": 4}).json()
    assert page["count"] == 10 and len(page["results"]) == 4 and "page=2" in page["next"]
    bad = client.get("/api/v1/reports/", {"kind": "week", "regional": "x", "province": "abc", "page_size": 501})
    assert bad.status_code == 400
    assert set(error_of(bad)["fields"]) <= {"kind", "province", "page_size", "regional"}


def test_list_query_count_is_fixed(django_assert_max_num_queries, ministry_staff, reports):
    client = client_for(ministry_staff)
    client.get("/api/v1/reports/")  # token last_used_at written once
    # token + user; count; the page with period, province, submitter and reviewer joined
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/reports/", {"include_drafts": "true", "page_size": 500})
    assert len(response.json()["results"]) == 10


@pytest.mark.parametrize("role", ["anonymous", "ministry", "tayninh_officer", "cantho_officer"])
def test_timeliness_is_scoped(people, role, reports, django_assert_max_num_queries):
    client = client_for(people[role])
    url = "/api/v1/reports/timeliness/"
    response = client.get(url, {"period": reports["tayninh"].period_id})
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content
    body = response.json()
    states = {row["province_name"]: row["state"] for row in body["provinces"]}
    if role == "ministry":
        # deadline 19/9/2026, today 28/11: unsubmitted drafts are very late; Tây Ninh submitted today, also very late
        assert len(states) == 9 and body["completeness"] == {"expected": 9, "submitted": 1, "on_time": 0}
        assert set(states.values()) == {"very_late"}
    elif role == "tayninh_officer":
        assert list(states) == ["Tây Ninh"] and body["provinces"][0]["report"] == reports["tayninh"].pk
        assert body["provinces"][0]["submitted_on"] == "2026-11-28"
    else:
        assert list(states) == ["Thành phố Cần Thơ"] and body["completeness"]["submitted"] == 0
    assert client.get(url).status_code == 400
    assert client.get(url, {"period": 999999}).status_code == 404
    # token + user; period; provinces of the region (with the scope's merged provinces); reports of the period
    with django_assert_max_num_queries(8):
        client.get(url, {"period": reports["tayninh"].period_id})
