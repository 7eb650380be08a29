"""API v1 projects: the permission matrix over every endpoint and role, writes through the services,
concurrency refusals, filters and pagination."""

import datetime

import pytest
from django.core.cache import cache
from freezegun import freeze_time
from rest_framework.test import APIClient

from periods.models import ReportingPeriod
from projects.models import Fund, MoneyEntry, Project, Status
from projects.tests import factories
from provinces import api_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # throttle counters live in the cache


def client_for(user=None, *, write=True):
    """An API client with a bearer token of the user (None: anonymous)."""
    client = APIClient()
    if user is not None:
        _token, raw = api_tokens.api_token_issue(user=user, by=user, name="test", days=1, can_write=write)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["status"] == response.status_code and error["message_vi"] and error["message_en"]
    return error


@pytest.fixture
def people(ministry_staff, tayninh_officer, tayninh_approver, cantho_officer):
    return {
        "anonymous": None,
        "ministry": ministry_staff,
        "tayninh_officer": tayninh_officer,
        "tayninh_approver": tayninh_approver,
        "cantho_officer": cantho_officer,
    }


@pytest.fixture
def running_project(tayninh_officer, tayninh_approver):
    project = factories.make_project(by=tayninh_officer, title="Máy sấy Long An")
    return factories.approve(project, officer=tayninh_officer, approver=tayninh_approver)


# The matrix: who gets what from each endpoint on a Tây Ninh project (404 = outside scope, never 403).
READS = ["/api/v1/projects/", "/api/v1/plans/", "/api/v1/national-plan-registrations/", "/api/v1/reporting-periods/"]
READ_ONE = {"anonymous": 401, "ministry": 200, "tayninh_officer": 200, "tayninh_approver": 200, "cantho_officer": 404}
WRITES = {
    # endpoint, body builder, expected status per role
    "patch": {
        "anonymous": 401,
        "ministry": 403,
        "tayninh_officer": 200,
        "tayninh_approver": 200,
        "cantho_officer": 404,
    },
    "submit": {
        "anonymous": 401,
        "ministry": 403,
        "tayninh_officer": 200,
        "tayninh_approver": 200,
        "cantho_officer": 404,
    },
    "money": {
        "anonymous": 401,
        "ministry": 403,
        "tayninh_officer": 201,
        "tayninh_approver": 201,
        "cantho_officer": 404,
    },
    "progress": {
        "anonymous": 401,
        "ministry": 403,
        "tayninh_officer": 201,
        "tayninh_approver": 201,
        "cantho_officer": 404,
    },
    "create": {
        "anonymous": 401,
        "ministry": 201,
        "tayninh_officer": 201,
        "tayninh_approver": 201,
        "cantho_officer": 403,
    },
}


@pytest.mark.parametrize("role", list(READ_ONE))
@pytest.mark.parametrize("url", READS)
def test_lists_are_scoped(people, role, url, tayninh_project, cantho_project):
    response = client_for(people[role]).get(url)
    if role == "anonymous":
        assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")
        return
    assert response.status_code == 200
    if url == "/api/v1/projects/":
        titles = {row["title"] for row in response.json()["results"]}
        expected = {
            "ministry": {tayninh_project.title, cantho_project.title},
            "tayninh_officer": {tayninh_project.title},
            "tayninh_approver": {tayninh_project.title},
            "cantho_officer": {cantho_project.title},
        }[role]
        assert titles == expected


@pytest.mark.parametrize("role", list(READ_ONE))
def test_project_detail_matrix(people, role, running_project):
    response = client_for(people[role]).get(f"/api/v1/projects/{running_project.pk}/")
    assert response.status_code == READ_ONE[role]
    if response.status_code == 200:
        assert response["ETag"] == f'"{running_project.version}"'
        body = response.json()
        assert body["approved_support"] == "100000000" and body["status"] == "in_progress"
    else:
        error_of(response)


def _write(kind, client, project, period):
    url = f"/api/v1/projects/{project.pk}/"
    if kind == "patch":
        return client.patch(url, {"location": "Xã Mỹ Hạnh", "version": project.version}, format="json")
    if kind == "submit":
        return client.post(url + "submit/", {}, format="json")
    if kind == "money":
        return client.post(
            url + "money-entries/", {"kind": "advance", "amount": 10_000_000, "date": "2026-03-02"}, format="json"
        )
    if kind == "progress":
        return client.post(url + "progress/", {"period": period.pk, "completion_percent": 40}, format="json")
    body = {
        "title": "Đào tạo nghề mây tre",
        "province": project.province_id,
        "implementing_unit": project.implementing_unit_id,
        "plan_year": 2026,
        "fund": "local",
        "activity": project.activity_id,
        "start_date": "2026-03-01",
        "end_date": "2026-09-30",
        "approved_support": "150000000",
        "counterpart": 20_000_000,
    }
    return client.post("/api/v1/projects/", body, format="json")


@freeze_time("2026-03-10")
@pytest.mark.parametrize("kind", list(WRITES))
@pytest.mark.parametrize("role", list(READ_ONE))
def test_write_matrix(people, role, kind, tayninh_officer, tayninh_approver):
    project = factories.make_project(by=tayninh_officer)
    if kind in ("money", "progress"):
        project = factories.approve(project, officer=tayninh_officer, approver=tayninh_approver)
    period = _period()
    response = _write(kind, client_for(people[role]), project, period)
    assert response.status_code == WRITES[kind][role], response.content
    if response.status_code >= 400:
        error_of(response)


def _period():
    period, _created = ReportingPeriod.objects.get_or_create(
        kind="quarter",
        year=2026,
        number=1,
        defaults={
            "starts_on": datetime.date(2025, 12, 15),
            "ends_on": datetime.date(2026, 3, 14),
            "deadline": datetime.date(2026, 3, 19),
            "entry_closes_on": datetime.date(2026, 3, 29),
        },
    )
    return period


def test_read_only_token_cannot_write_but_session_can(tayninh_officer, tayninh_project):
    response = client_for(tayninh_officer, write=False).post(f"/api/v1/projects/{tayninh_project.pk}/submit/", {})
    assert response.status_code == 403 and error_of(response)["code"] == "read_only_token"
    session = APIClient()
    session.force_login(tayninh_officer)
    response = session.post(f"/api/v1/projects/{tayninh_project.pk}/submit/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "registered"


def test_life_cycle_through_actions_by_role(tayninh_officer, tayninh_approver, ministry_staff):
    project = factories.make_project(by=tayninh_officer, fund=Fund.NATIONAL)
    officer, approver, ministry = client_for(tayninh_officer), client_for(tayninh_approver), client_for(ministry_staff)
    url = f"/api/v1/projects/{project.pk}/"
    assert officer.post(url + "submit/", {}, format="json").json()["status"] == "registered"
    refused = approver.post(url + "approve/", {}, format="json")  # national fund: the ministry approves
    assert refused.status_code == 403 and error_of(refused)["code"] == "permission_denied"
    body = ministry.post(url + "approve/", {}, format="json").json()
    assert body["status"] == "approved" and "start" not in body["actions"]  # ministry staff do not start projects
    wrong = officer.post(url + "settle/", {}, format="json")
    assert wrong.status_code == 400
    assert error_of(wrong)["fields"]["non_field_errors"][0]["en"].startswith("A project that is approved")
    no_reason = ministry.post(url + "cancel/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in error_of(no_reason)["fields"]
    assert ministry.post(url + "cancel/", {"reason": "Trùng"}, format="json").json()["status"] == "cancelled"


def test_patch_needs_a_version_and_refuses_stale_ones(tayninh_officer, tayninh_approver, tayninh_project):
    officer = client_for(tayninh_officer)
    url = f"/api/v1/projects/{tayninh_project.pk}/"
    etag = officer.get(url)["ETag"]
    missing = officer.patch(url, {"title": "Mới"}, format="json")
    assert missing.status_code == 428 and error_of(missing)["code"] == "version_required"
    ok = officer.patch(url, {"title": "Máy sấy nông sản Tân Biên"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    # a second system still holding version 1
    stale_header = client_for(tayninh_approver).patch(url, {"location": "X"}, format="json", HTTP_IF_MATCH=etag)
    error = error_of(stale_header)
    assert stale_header.status_code == 412 and error["code"] == "stale_version" and error["current_version"] == 2
    assert error["changes"]["title"] == {"yours": "Hỗ trợ máy sấy nông sản", "current": "Máy sấy nông sản Tân Biên"}
    stale_body = officer.patch(url, {"location": "X", "version": 1}, format="json")
    assert stale_body.status_code == 409 and "title" in error_of(stale_body)["changes"]
    project = Project.objects.get(pk=tayninh_project.pk)
    assert project.location == "" and project.version == 2  # nothing overwritten


def test_stale_transition_and_progress_are_refused(tayninh_officer, tayninh_approver):
    with freeze_time("2026-03-10"):
        project = factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
        officer = client_for(tayninh_officer)
        url = f"/api/v1/projects/{project.pk}/"
        stale = officer.post(url + "accept/", {"version": 1}, format="json")
        assert stale.status_code == 409 and "status" in error_of(stale)["changes"]
        period = _period()
        first = officer.post(url + "progress/", {"period": period.pk, "completion_percent": 30}, format="json")
        assert first.status_code == 201 and first.json()["version"] == 1
        again = officer.post(
            url + "progress/", {"period": period.pk, "completion_percent": 50, "version": 1}, format="json"
        )
        assert again.status_code == 200 and again.json()["version"] == 2
        lost = officer.post(
            url + "progress/", {"period": period.pk, "completion_percent": 10, "version": 1}, format="json"
        )
        assert lost.status_code == 409 and error_of(lost)["current_version"] == 2


@freeze_time("2026-03-10")
def test_money_rules_come_from_the_service_in_both_languages(tayninh_officer, tayninh_approver, running_project):
    officer = client_for(tayninh_officer)
    url = f"/api/v1/projects/{running_project.pk}/money-entries/"
    too_much = officer.post(url, {"kind": "advance", "amount": "100000001", "date": "2026-03-01"}, format="json")
    assert too_much.status_code == 400
    [message] = error_of(too_much)["fields"]["amount"]
    assert "above the approved support" in message["en"] and message["vi"] != message["en"]
    ok = officer.post(url, {"kind": "disbursement", "amount": "40000000", "date": "2026-03-01"}, format="json")
    assert ok.status_code == 201 and ok.json()["amount"] == "40000000"
    assert MoneyEntry.objects.get().created_by == tayninh_officer
    body = officer.get(f"/api/v1/projects/{running_project.pk}/").json()
    assert body["disbursed"] == "40000000" and body["money_entries"][0]["kind"] == "disbursement"


def test_filters_search_ordering_and_incremental_sync(ministry_staff, tayninh_officer, cantho_officer):
    with freeze_time("2026-01-05 09:00"):
        old = factories.make_project(by=tayninh_officer, title="Đan lát Long An", fund=Fund.NATIONAL)
        factories.make_project(by=cantho_officer, title="Chế biến cá Hậu Giang", activity="KC01", year=2025)
    with freeze_time("2026-02-10 09:00"):
        changed = factories.make_project(by=tayninh_officer, title="Máy sấy")
    client = client_for(ministry_staff)

    def codes(**params):
        response = client.get("/api/v1/projects/", params)
        assert response.status_code == 200, response.content
        return [row["code"] for row in response.json()["results"]]

    tayninh = old.province_id
    assert set(codes(province=tayninh)) == {old.code, changed.code}
    assert len(codes(year=2025)) == 1 and codes(fund="national") == [old.code]
    assert len(codes(activity="KC01")) == 1
    assert codes(search="dan lat long an") == [old.code]
    assert codes(status="proposed", ordering="-updated_at")[0] == changed.code
    assert codes(updated_since="2026-02-01T00:00:00+07:00") == [changed.code]
    assert codes(updated_since="2026-02-01") == [changed.code]
    assert codes(approved="true") == []
    bad = client.get("/api/v1/projects/", {"fund": "both", "updated_since": "yesterday", "province": "x"})
    fields = error_of(bad)["fields"]
    assert bad.status_code == 400 and set(fields) == {"fund", "updated_since", "province"}
    assert fields["fund"][0]["vi"] != fields["fund"][0]["en"]


def test_pagination_defaults_maximum_and_oversized_pages(ministry_staff, tayninh_officer):
    for index in range(3):
        factories.make_project(by=tayninh_officer, title=f"Đề án {index}")
    client = client_for(ministry_staff)
    body = client.get("/api/v1/projects/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"].endswith("page=2&page_size=2")
    assert len(client.get("/api/v1/projects/", {"page_size": 500}).json()["results"]) == 3
    for params in ({"page_size": 501}, {"page_size": 0}, {"page_size": "all"}, {"page": "x"}):
        response = client.get("/api/v1/projects/", params)
        assert response.status_code == 400, params
        assert list(error_of(response)["fields"]) == [next(iter(params))]
    assert client.get("/api/v1/projects/", {"page": 9}).status_code == 404


def test_list_query_count_is_fixed(django_assert_max_num_queries, ministry_staff, tayninh_officer, tayninh_approver):
    for _ in range(4):
        factories.approve(
            factories.make_project(by=tayninh_officer), officer=tayninh_officer, approver=tayninh_approver
        )
    client = client_for(ministry_staff)
    client.get("/api/v1/projects/")  # token last_used_at written once
    # token + user; count; page with money sums; prefetch unit names, beneficiaries, partner provinces,
    # decisions, money entries, progress
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/projects/")
    assert len(response.json()["results"]) == 4


def _projects_with_rows(count, *, officer, approver):
    """count approved projects, each with a beneficiary, two money entries and a progress row (rows written
    directly: this is about reading them back)."""
    from decimal import Decimal

    from projects.models import Attachment, Beneficiary, ProgressUpdate, ProjectDecision

    period = _period()
    for n in range(count):
        project = factories.approve(factories.make_project(by=officer), officer=officer, approver=approver)
        project.beneficiaries.add(Beneficiary.objects.create(name=f"Cơ sở {n}", tax_code=f"03000{n:05d}"))
        for kind, day in (("advance", 10), ("disbursement", 20)):
            MoneyEntry.objects.create(
                project=project,
                kind=kind,
                amount=Decimal(1_000_000),
                date=datetime.date(2026, 3, day),
                created_by=officer,
            )
        ProgressUpdate.objects.create(project=project, period=period, completion_percent=40, updated_by=officer)
        if n == 0:  # a partner province and a decision with its file
            project.partner_provinces.add(factories.province(92))
            attachment = Attachment.objects.create(
                project=project,
                kind=Attachment.Kind.DECISION,
                file="x.pdf",
                original_name="qd.pdf",
                content_type="application/pdf",
                extension="pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by=officer,
            )
            ProjectDecision.objects.create(
                project=project,
                kind="approval",
                number="12/QĐ",
                date=datetime.date(2026, 1, 5),
                attachment=attachment,
                recorded_by=officer,
            )


def test_list_rows_equal_the_detail(ministry_staff, tayninh_officer, tayninh_approver):
    """The list's flat serializer writes what the detail's nested one writes, row for row."""
    _projects_with_rows(3, officer=tayninh_officer, approver=tayninh_approver)
    factories.make_project(by=tayninh_officer)  # a draft: no money, no progress, no approval date
    client = client_for(ministry_staff)
    rows = client.get("/api/v1/projects/").json()["results"]
    assert len(rows) == 4 and sum(len(row["money_entries"]) for row in rows) == 6
    assert sum(len(row["decisions"]) for row in rows) == 1 and sum(len(row["partner_provinces"]) for row in rows) == 1
    assert next(row for row in rows if row["decisions"])["decisions"][0]["attachment"]["download"].startswith("http")
    for row in rows:
        assert row == client.get(f"/api/v1/projects/{row['id']}/").json()


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_is_the_same_at_two_sizes(
    count, django_assert_max_num_queries, ministry_staff, tayninh_officer, tayninh_approver
):
    _projects_with_rows(count, officer=tayninh_officer, approver=tayninh_approver)
    client = client_for(ministry_staff)
    client.get("/api/v1/projects/")  # token last_used_at written once
    # token + user; count; page with money sums; prefetch unit names, beneficiaries, partner provinces,
    # decisions, money entries, progress
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/projects/", {"page_size": 500})
    assert len(response.json()["results"]) == count


def test_create_validates_with_field_errors(tayninh_officer, tayninh_project):
    client = client_for(tayninh_officer)
    response = client.post(
        "/api/v1/projects/",
        {"title": "", "plan_year": "2026x", "approved_support": 1.5, "fund": "local", "colour": "blue"},
        format="json",
    )
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "invalid"
    assert {"title", "plan_year", "approved_support", "colour", "province"} <= set(error["fields"])
    assert error["fields"]["colour"][0]["code"] == "unknown"
    assert error["fields"]["approved_support"][0]["en"].startswith("Enter a whole amount")
    assert Project.objects.count() == 1


def test_status_values_in_the_schema_match_the_model():
    assert {s.value for s in Status} >= {"proposed", "in_progress"}
