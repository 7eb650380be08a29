"""API v1 conferences: the series for every signed-in account; follow-up and delegates scoped as on the page;
follow-up reports and delegate registration through the services (deadline rule included)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from conferences import services
from conferences.models import ConclusionFollowUp, Delegate
from projects.tests.test_api import client_for, error_of

from .conftest import conference_of, make_pdf, province

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


@pytest.fixture
def people(ministry_staff, tayninh_officer, tayninh_approver, cantho_officer):
    return {
        "anonymous": None,
        "ministry": ministry_staff,
        "tayninh_officer": tayninh_officer,
        "tayninh_approver": tayninh_approver,
        "cantho_officer": cantho_officer,
    }


ROLES = ["anonymous", "ministry", "tayninh_officer", "tayninh_approver", "cantho_officer"]


@pytest.mark.parametrize("role", ROLES)
def test_series_is_read_by_every_signed_in_account(people, role, history, django_assert_max_num_queries):
    client = client_for(people[role])
    response = client.get("/api/v1/conferences/")
    if role == "anonymous":
        assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"
        return
    client.get("/api/v1/conferences/")
    # token + user; count; page with hosts, successors, next hosts, organiser; organiser names
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/conferences/")
    rows = response.json()["results"]
    assert [(row["year"], row["number"], row["number_roman"]) for row in rows] == [
        (2025, 15, "XV"),
        (2024, 14, "XIV"),
        (2023, 13, "XIII"),
        (2022, 12, "XII"),
    ]
    assert rows[-1]["date"] == "2022-10-13" and rows[-1]["host_province"]["name"] == "Tây Ninh"
    assert rows[-1]["organiser"]["name"]


def test_filters_and_detail(ministry_staff, history):
    client = client_for(ministry_staff)
    assert [r["year"] for r in client.get("/api/v1/conferences/", {"year": 2024}).json()["results"]] == [2024]
    hau_giang_2023 = client.get("/api/v1/conferences/", {"year": 2023}).json()["results"][0]
    assert hau_giang_2023["host_province"]["now_part_of"] == "Thành phố Cần Thơ"
    cantho = province(92)
    hosted = client.get("/api/v1/conferences/", {"host_province": cantho.pk}).json()["results"]
    assert 2023 in [r["year"] for r in hosted]  # Hậu Giang's year counts for today's Cần Thơ
    bad = client.get("/api/v1/conferences/", {"status": "open", "year": "x"})
    assert bad.status_code == 400 and set(error_of(bad)["fields"]) == {"status", "year"}
    conference = conference_of(2022)
    body = client.get(f"/api/v1/conferences/{conference.pk}/").json()
    assert body["number_roman"] == "XII" and body["co_chairs"] and body["participants"]
    assert len(body["conclusions"]) == 9 and body["documents"][0]["url"] is None
    assert body["registration_open"] is False and body["registration_closed_reason"]
    assert client.get("/api/v1/conferences/999999/").status_code == 404


@pytest.fixture
def conclusion_2022(history):
    return conference_of(2022).conclusions.get(number=4)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("ministry", 403),
        ("tayninh_officer", 201),
        ("tayninh_approver", 201),
        ("cantho_officer", 404),
    ],
)
def test_follow_up_matrix(people, role, expected, conclusion_2022):
    url = f"/api/v1/conferences/{conclusion_2022.conference_id}/conclusions/{conclusion_2022.pk}/follow-up/"
    body = {"province": province(72, 2004).pk, "status": "in_progress", "note": "Cộng tác viên ở 60 xã."}
    response = client_for(people[role]).post(url, body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        error_of(response)
        assert not ConclusionFollowUp.objects.exists()
        return
    assert response.json()["status"] == "in_progress" and response.json()["province_name"] == "Tây Ninh"
    again = client_for(people[role]).post(url, {**body, "status": "done"}, format="json")
    assert again.status_code == 200 and ConclusionFollowUp.objects.get().status == "done"


def test_follow_up_validation_and_wrong_conference(tayninh_officer, conclusion_2022):
    client = client_for(tayninh_officer)
    url = f"/api/v1/conferences/{conclusion_2022.conference_id}/conclusions/{conclusion_2022.pk}/follow-up/"
    bad = client.post(url, {"province": province(72, 2004).pk, "status": "maybe", "file": "x"}, format="json")
    assert bad.status_code == 400 and set(error_of(bad)["fields"]) == {"status", "file"}
    other = conference_of(2024)
    elsewhere = f"/api/v1/conferences/{other.pk}/conclusions/{conclusion_2022.pk}/follow-up/"
    assert (
        client.post(elsewhere, {"province": province(72, 2004).pk, "status": "done"}, format="json").status_code == 404
    )


def test_follow_up_details_are_scoped_as_on_the_page(
    conclusion_2022, tayninh_officer, cantho_officer, ministry_staff, django_assert_max_num_queries
):
    services.followup_report(conclusion=conclusion_2022, province=province(72, 2004), status="done", by=tayninh_officer)
    services.followup_report(
        conclusion=conclusion_2022,
        province=province(93, 2004),
        status="in_progress",
        note="Hậu Giang",
        by=cantho_officer,
    )
    url = f"/api/v1/conferences/{conclusion_2022.conference_id}/conclusions/"

    def statuses(user):
        rows = client_for(user).get(url).json()["results"]
        row = next(r for r in rows if r["id"] == conclusion_2022.pk)
        return {f["province_name"]: f["status"] for f in row["follow_ups"]}, row

    ministry, row = statuses(ministry_staff)
    assert len(ministry) == 20 and ministry["Tây Ninh"] == "done" and ministry["Hậu Giang"] == "in_progress"
    assert row["done"] == 1
    mine, _row = statuses(tayninh_officer)
    assert mine == {"Long An": "not_started", "Tây Ninh": "done"}  # nothing of Hậu Giang's
    theirs, row = statuses(cantho_officer)
    assert "Tây Ninh" not in theirs and theirs["Hậu Giang"] == "in_progress"
    assert next(f for f in row["follow_ups"] if f["province_name"] == "Hậu Giang")["note"] == "Hậu Giang"
    client = client_for(ministry_staff)
    client.get(url)
    # token + user; conference with its relations (8 prefetches); provinces; conclusions; named provinces; follow-ups
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("ministry", 403),
        ("tayninh_officer", 201),
        ("tayninh_approver", 201),
        ("cantho_officer", 404),
    ],
)
def test_delegate_registration_matrix(people, role, expected, open_conference):
    url = f"/api/v1/conferences/{open_conference.pk}/delegates/"
    body = {
        "province": province(80).pk,
        "full_name": "Nguyễn Văn An",
        "position": "Giám đốc",
        "organisation": "Hiệp hội",
    }
    response = client_for(people[role]).post(url, body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        error_of(response)
        assert not Delegate.objects.exists()
        return
    assert response.json()["province_name"] == "Tây Ninh" and response.json()["organisation"] == "Hiệp hội"
    listed = client_for(people["cantho_officer"]).get(url).json()["results"]
    assert listed == []  # Cần Thơ's officer sees no Tây Ninh delegate
    assert len(client_for(people["ministry"]).get(url).json()["results"]) == 1


def test_delegate_registration_closes_at_the_deadline(tayninh_officer, ministry_staff, open_conference):
    services.registration_deadline_set(
        conference=open_conference, deadline=timezone.now() - datetime.timedelta(minutes=1), by=ministry_staff
    )
    url = f"/api/v1/conferences/{open_conference.pk}/delegates/"
    body = {"province": province(80).pk, "full_name": "Trần Thị Bình", "position": "Chuyên viên", "organisation": "X"}
    response = client_for(tayninh_officer).post(url, body, format="json")
    assert response.status_code == 400
    message = error_of(response)["fields"]["non_field_errors"][0]
    assert message["en"].startswith("Delegate registration closed") and message["vi"] != message["en"]
    missing = client_for(tayninh_officer).post(url, {"province": province(80).pk}, format="json")
    assert set(error_of(missing)["fields"]) == {"full_name", "position"}


def test_document_download_under_token(ministry_staff, cantho_officer, open_conference):
    doc = services.document_upload(
        conference=open_conference, kind="agenda", title="Chương trình", file=make_pdf(), by=ministry_staff
    )
    body = client_for(cantho_officer).get(f"/api/v1/conferences/{open_conference.pk}/").json()
    [listed] = [d for d in body["documents"] if d["id"] == doc.pk]
    assert listed["api_url"] == f"http://testserver/api/v1/conferences/{open_conference.pk}/documents/{doc.pk}/"
    response = client_for(cantho_officer).get(listed["api_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    other = conference_of(2024).pk
    assert client_for(cantho_officer).get(f"/api/v1/conferences/{other}/documents/{doc.pk}/").status_code == 404
    assert client_for(None).get(listed["api_url"]).status_code == 401
