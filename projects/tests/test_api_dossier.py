"""API v1 for the dossier: establishments (search, read, create), attachments (multipart upload, download),
decisions, and partner provinces, each with the pages' scoping."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.testing import office
from projects import services
from projects.models import Beneficiary
from projects.tests import factories
from projects.tests.test_api import client_for, error_of
from provinces.models import ActivityContent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def commune_of(code: int, index: int = 0):
    return factories.province(code).communes.order_by("code")[index]


@pytest.fixture
def weaving_coop(tayninh_officer):
    return services.establishment_create(
        by=tayninh_officer,
        name="Hợp tác xã đan lát Tân Phú",
        kind="cooperative",
        tax_code="0300588569",
        commune=commune_of(80),
    )


def test_establishments_are_searched_read_and_created_in_scope(tayninh_officer, cantho_officer, weaving_coop):
    mine, theirs = client_for(tayninh_officer), client_for(cantho_officer)
    found = mine.get("/api/v1/establishments/", {"search": "dan lat"}).json()
    assert [row["name"] for row in found["results"]] == ["Hợp tác xã đan lát Tân Phú"]
    assert found["results"][0]["province"] == factories.province(80).pk
    assert mine.get(f"/api/v1/establishments/{weaving_coop.pk}/").json()["tax_code"] == "0300588569"
    assert theirs.get(f"/api/v1/establishments/{weaving_coop.pk}/").status_code == 404
    assert theirs.get("/api/v1/establishments/", {"search": "dan lat"}).json()["count"] == 0

    created = mine.post(
        "/api/v1/establishments/",
        {
            "name": "Cơ sở gốm Bà Năm",
            "kind": "household",
            "tax_code": "0100109106-001",
            "commune": commune_of(80, 1).pk,
            "women_owned": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["women_owned"] is True and created.json()["tax_code"] == "0100109106-001"
    bad = mine.post(
        "/api/v1/establishments/",
        {"name": "X", "kind": "household", "tax_code": "0100109107", "commune": commune_of(80).pk},
        format="json",
    )
    error = error_of(bad)
    assert bad.status_code == 400 and "chữ số kiểm tra" in error["fields"]["tax_code"][0]["vi"]
    assert "check digit" in error["fields"]["tax_code"][0]["en"]
    other = theirs.post(
        "/api/v1/establishments/", {"name": "X", "kind": "household", "commune": commune_of(80).pk}, format="json"
    )
    assert other.status_code == 403
    read_only = client_for(tayninh_officer, write=False).post(
        "/api/v1/establishments/", {"name": "X", "kind": "household", "commune": commune_of(80).pk}, format="json"
    )
    assert read_only.status_code == 403 and not Beneficiary.objects.filter(name="X").exists()


def test_a_project_is_created_with_establishments_and_an_unseen_one_is_refused(
    tayninh_officer, cantho_officer, weaving_coop
):
    foreign = services.establishment_create(
        by=cantho_officer, name="Cơ sở Cần Thơ", kind="household", commune=commune_of(92)
    )
    tn = factories.province(80)
    body = {
        "title": "Máy dệt chiếu",
        "province": tn.pk,
        "implementing_unit": factories.centre_of(tn).pk,
        "plan_year": 2026,
        "fund": "local",
        "activity": ActivityContent.objects.get(code="KC03").pk,
        "start_date": "2026-02-01",
        "end_date": "2026-10-31",
        "approved_support": "100000000",
        "counterpart": "100000000",
        "beneficiaries": [weaving_coop.pk],
        "commune": commune_of(80).pk,
        "former_commune_name": "xã Tân Hòa",
    }
    client = client_for(tayninh_officer)
    created = client.post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201, created.json()
    assert [b["id"] for b in created.json()["beneficiaries"]] == [weaving_coop.pk]
    assert created.json()["former_commune_name"] == "xã Tân Hòa"
    refused = client.post("/api/v1/projects/", body | {"beneficiaries": [foreign.pk]}, format="json")
    assert refused.status_code == 400 and "beneficiaries" in error_of(refused)["fields"]


def test_attachments_upload_by_multipart_and_download_in_scope(tayninh_officer, cantho_officer, tayninh_project):
    client = client_for(tayninh_officer)
    url = f"/api/v1/projects/{tayninh_project.pk}/attachments/"
    content = office.docx("Thuyết minh")
    uploaded = client.post(
        url, {"kind": "outline", "file": SimpleUploadedFile("thuyet-minh.docx", content)}, format="multipart"
    )
    assert uploaded.status_code == 201, uploaded.json()
    body = uploaded.json()
    assert body["content_type"].endswith("wordprocessingml.document") and body["original_name"] == "thuyet-minh.docx"
    download = client.get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert client.get(url).json()["count"] == 1
    macro = client.post(
        url, {"kind": "outline", "file": SimpleUploadedFile("x.docx", office.docx(macro=True))}, format="multipart"
    )
    assert macro.status_code == 400 and "macro" in error_of(macro)["fields"]["file"][0]["en"]
    other = client_for(cantho_officer)
    assert other.get(body["download"]).status_code == 404
    assert other.get(url).status_code == 404
    assert (
        other.post(
            url, {"kind": "outline", "file": SimpleUploadedFile("t.docx", content)}, format="multipart"
        ).status_code
        == 404
    )
    assert tayninh_project.attachments.count() == 1


def test_decisions_are_listed_and_recorded_with_a_file(tayninh_officer, cantho_officer, tayninh_project):
    client = client_for(tayninh_officer)
    url = f"/api/v1/projects/{tayninh_project.pk}/decisions/"
    recorded = client.post(
        url,
        {
            "kind": "contract",
            "number": "05/HĐ-KC",
            "date": "2026-02-01",
            "signer": "Giám đốc Trung tâm",
            "file": SimpleUploadedFile("hd.pdf", b"%PDF-1.4 hop dong"),
        },
        format="multipart",
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["attachment"]["content_type"] == "application/pdf"
    as_json = client.post(url, {"kind": "acceptance", "number": "BB-1", "date": "2026-03-01"}, format="json")
    assert as_json.status_code == 201
    future = client.post(url, {"kind": "acceptance", "number": "BB-2", "date": "2099-01-01"}, format="json")
    assert future.status_code == 400 and "date" in error_of(future)["fields"]
    listed = client.get(url).json()
    assert [row["number"] for row in listed["results"]] == ["05/HĐ-KC", "BB-1"]
    assert [d["number"] for d in client.get(f"/api/v1/projects/{tayninh_project.pk}/").json()["decisions"]] == [
        "05/HĐ-KC",
        "BB-1",
    ]
    assert client_for(cantho_officer).get(url).status_code == 404


def test_a_partner_province_reads_through_the_api_and_writes_nothing(
    tayninh_officer, tayninh_approver, cantho_officer, cantho_approver
):
    project = factories.make_project(by=tayninh_officer, is_inter_provincial=True)
    project = services.project_update(
        project=project,
        by=tayninh_officer,
        data={},
        expected_version=project.version,
        partner_provinces=[cantho_officer.unit.province],
    )
    partner = client_for(cantho_officer)
    listed = partner.get("/api/v1/projects/").json()
    assert [row["id"] for row in listed["results"]] == [project.pk]
    assert listed["results"][0]["partner_provinces"] == [cantho_officer.unit.province.pk]
    assert partner.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    for path, body in (
        ("submit/", {}),
        ("decisions/", {"kind": "contract", "number": "1", "date": "2026-01-01"}),
        ("money-entries/", {"kind": "advance", "amount": "1", "date": "2026-01-01"}),
    ):
        assert partner.post(f"/api/v1/projects/{project.pk}/{path}", body, format="json").status_code == 404, path
    assert (
        partner.patch(
            f"/api/v1/projects/{project.pk}/", {"title": "x", "version": project.version}, format="json"
        ).status_code
        == 404
    )
    project.refresh_from_db()
    assert project.status == "proposed" and project.title == "Hỗ trợ máy sấy nông sản"
    # The partner's own "this period" page lists only its own projects
    from projects import selectors

    assert not selectors.project_change_list_for(user=cantho_officer).filter(pk=project.pk).exists()
    # A partner must be another province, and the project must say it links provinces
    with pytest.raises(services.ValidationError):
        services.project_update(
            project=project,
            by=tayninh_officer,
            data={"is_inter_provincial": False},
            expected_version=project.version,
            partner_provinces=[cantho_officer.unit.province],
        )
    with pytest.raises(services.ValidationError):
        services.project_update(
            project=project,
            by=tayninh_officer,
            data={},
            expected_version=project.version,
            partner_provinces=[factories.province(80, 2004)],
        )


def test_an_empty_upload_is_the_services_refusal_in_both_languages(tayninh_officer, tayninh_project):
    """A schema-valid multipart body with an empty file reaches the service, which refuses it ("refused")."""
    client = client_for(tayninh_officer)
    response = client.post(
        f"/api/v1/projects/{tayninh_project.pk}/attachments/",
        {"kind": "outline", "file": SimpleUploadedFile("empty.pdf", b"")},
        format="multipart",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "refused"
    assert "rỗng" in error["message_vi"] + str(error["fields"])
    assert not tayninh_project.attachments.exists()


def test_the_schema_offers_json_decisions_without_a_file_and_empty_choice_filters():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["paths"]["/api/v1/projects/{id}/decisions/"]["post"]["requestBody"]["content"]
    json_ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "file" not in schema["components"]["schemas"][json_ref]["properties"]
    status = next(p for p in schema["paths"]["/api/v1/product-entries/"]["get"]["parameters"] if p["name"] == "status")
    assert "" in status["schema"]["enum"]
