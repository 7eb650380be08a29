"""The collaborator network: coverage per province, the commune level of the scope, a need becoming a project."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from network import selectors, services
from network.models import Collaborator, Need
from network.tests import factories as nf
from projects.models import Beneficiary, Project, Status
from projects.tests import factories
from provinces.models import ActivityContent

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 15)


def _row(rows, province):
    return next(r for r in rows if r.province.pk == province.pk)


def test_coverage_counts_communes_with_an_active_contract_on_the_day(tayninh_officer):
    tn = nf.tay_ninh()
    a, b, c, d, e = nf.communes_of(tn, 5)
    total = tn.communes.count()
    nf.make_collaborator(by=tayninh_officer, communes=[a, b])  # active, open-ended
    nf.make_collaborator(by=tayninh_officer, communes=[b], name="Trần Thị Bốn")  # same commune: counted once
    nf.make_collaborator(by=tayninh_officer, communes=[c], contract_end=datetime.date(2026, 3, 31))  # ended
    nf.make_collaborator(by=tayninh_officer, communes=[d], contract_start=datetime.date(2026, 7, 1))  # not yet
    suspended = nf.make_collaborator(by=tayninh_officer, communes=[e])
    services.collaborator_set_status(
        by=tayninh_officer, collaborator=suspended, status=Collaborator.Status.SUSPENDED, expected_version=1
    )

    row = _row(selectors.coverage(user=tayninh_officer, day=DAY), tn)
    assert (row.communes, row.covered, row.uncovered) == (total, 2, total - 2)
    detail = selectors.province_coverage(user=tayninh_officer, province_pk=tn.pk, day=DAY)
    uncovered = {commune.pk for commune in detail.uncovered_communes}
    assert len(uncovered) == total - 2 and a.pk not in uncovered and b.pk not in uncovered and c.pk in uncovered
    # On 1 July the contract for d has begun and c's ended long ago.
    assert _row(selectors.coverage(user=tayninh_officer, day=datetime.date(2026, 7, 1)), tn).covered == 3


def test_an_officer_sees_only_the_coverage_of_their_province(tayninh_officer, cantho_officer, ministry_staff):
    tn = nf.tay_ninh()
    assert {r.province.pk for r in selectors.coverage(user=tayninh_officer)} == {tn.pk}
    assert tn.pk not in {r.province.pk for r in selectors.coverage(user=cantho_officer)}
    assert len(selectors.coverage(user=ministry_staff)) == 9  # the southern region's 9 provinces since 1 July 2025


def test_the_collaborators_communes_must_belong_to_the_province_and_the_fee_is_whole_dong(tayninh_officer):
    tn = nf.tay_ninh()
    other = nf.communes_of(factories.province(92), 1)
    with pytest.raises(ValidationError) as error:
        services.collaborator_create(
            by=tayninh_officer,
            province=tn,
            full_name="A",
            communes=other,
            contract_start=DAY,
            monthly_fee="12.5",
        )
    assert set(error.value.message_dict) == {"communes", "monthly_fee"} or "communes" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        nf.make_collaborator(by=tayninh_officer, communes=other)


@pytest.fixture
def two_communes(tayninh_officer):
    tn = nf.tay_ninh()
    own, other = nf.communes_of(tn, 2)
    account = nf.collaborator_account("ctv.ba", [own])
    person = nf.make_collaborator(by=tayninh_officer, communes=[own], account=account)
    mine = Beneficiary.objects.create(name="Cơ sở bánh tráng Ba", kind="household", commune=own)
    theirs = Beneficiary.objects.create(name="HTX mây tre Bốn", kind="cooperative", commune=other)
    return {"own": own, "other": other, "account": account, "person": person, "mine": mine, "theirs": theirs}


def test_a_collaborator_reaches_its_own_communes_only(client, two_communes, tayninh_officer):
    data = two_communes
    client.force_login(data["account"])
    assert client.get(reverse("network:establishment", args=[data["mine"].pk])).status_code == 200
    assert client.get(reverse("network:establishment", args=[data["theirs"].pk])).status_code == 404
    assert client.get(reverse("network:collaborator", args=[data["person"].pk])).status_code == 200
    someone_else = nf.make_collaborator(by=tayninh_officer, communes=[data["other"]], name="Lê Văn Năm")
    assert client.get(reverse("network:collaborator", args=[someone_else.pk])).status_code == 404
    # Nothing province-wide: no project list, no province coverage page.
    factories.make_project(by=tayninh_officer, title="Đề án của tỉnh")
    assert "Đề án của tỉnh" not in client.get(reverse("projects:list")).content.decode()
    assert client.get(reverse("network:province", args=[nf.tay_ninh().pk])).status_code == 404
    # The API says the same.
    names = [row["name"] for row in client.get("/api/v1/establishments/").json()["results"]]
    assert names == ["Cơ sở bánh tráng Ba"]
    assert client.get(f"/api/v1/establishments/{data['theirs'].pk}/").status_code == 404


def test_a_collaborator_records_needs_in_its_communes_only(client, two_communes):
    data = two_communes
    need = services.need_record(
        by=data["account"], commune=data["own"], description="Cần máy sấy", gathered_on=DAY, establishment=data["mine"]
    )
    assert need.collaborator == data["person"] and need.province_id == data["own"].province_id
    with pytest.raises(PermissionDenied):
        services.need_record(by=data["account"], commune=data["other"], description="x", gathered_on=DAY)
    client.force_login(data["account"])
    response = client.post(
        "/api/v1/collaborator-needs/",
        {"commune": data["other"].pk, "gathered_on": "2026-06-15", "description": "Ngoài xã"},
        content_type="application/json",
    )
    assert response.status_code == 403 and not Need.objects.filter(description="Ngoài xã").exists()
    response = client.post(
        "/api/v1/collaborator-needs/",
        {"commune": data["own"].pk, "gathered_on": "2026-06-15", "description": "Trong xã"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Need.objects.get(description="Trong xã").commune == data["own"]


def test_a_need_becomes_a_proposed_project_linked_both_ways(client, two_communes, tayninh_officer):
    data = two_communes
    need = services.need_record(
        by=data["account"], commune=data["own"], description="Cần lò sấy", gathered_on=DAY, establishment=data["mine"]
    )
    client.force_login(tayninh_officer)
    form = {
        "title": "Hỗ trợ lò sấy bánh tráng",
        "activity": ActivityContent.objects.get(code="KC03").pk,
        "fund": "local",
        "plan_year": 2027,
        "start_date": "2027-02-01",
        "end_date": "2027-10-31",
        "approved_support": "80000000",
        "counterpart": "20000000",
    }
    response = client.post(reverse("network:need_propose", args=[need.pk]), form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    need.refresh_from_db()
    project = need.project
    assert project.status == Status.PROPOSED and project.commune == data["own"]
    assert list(project.network_needs.all()) == [need] and need.status == Need.Status.PROPOSED
    assert list(project.beneficiaries.all()) == [data["mine"]]
    assert client.get(f"/api/v1/collaborator-needs/?project={project.pk}").json()["results"][0]["id"] == need.pk
    # Once only: a second proposal is refused with a message, and no second project appears.
    again = client.post(reverse("network:need_propose", args=[need.pk]), form)
    assert again.status_code == 200 and "đã trở thành" in again.content.decode()
    assert Project.objects.filter(title="Hỗ trợ lò sấy bánh tráng").count() == 1


def test_a_collaborator_cannot_propose_a_project(client, two_communes):
    need = services.need_record(
        by=two_communes["account"], commune=two_communes["own"], description="x", gathered_on=DAY
    )
    with pytest.raises(PermissionDenied):
        services.need_propose_project(by=two_communes["account"], need=need, data={})
    assert Need.objects.get(pk=need.pk).project is None


def test_the_export_writes_names_as_text(client, tayninh_officer):
    tn = nf.tay_ninh()
    nf.make_collaborator(by=tayninh_officer, communes=nf.communes_of(tn, 2), name='=HYPERLINK("http://x")')
    client.force_login(tayninh_officer)
    response = client.get(reverse("network:export"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert sheet.cell(row=2, column=7).value == 1_500_000
    coverage = workbook.worksheets[1]
    rows = list(coverage.iter_rows(min_row=2, values_only=True))
    assert rows == [("Tây Ninh", tn.communes.count(), 2, tn.communes.count() - 2)]


@pytest.mark.parametrize("size", [1, 6])
def test_the_coverage_pages_take_a_fixed_number_of_queries(
    client, ministry_staff, tayninh_officer, size, django_assert_max_num_queries
):
    tn = nf.tay_ninh()
    communes = nf.communes_of(tn, 3 * size)
    for index in range(size):
        nf.make_collaborator(by=tayninh_officer, communes=communes[3 * index : 3 * index + 3], name=f"CTV {index}")
        services.need_record(by=tayninh_officer, commune=communes[index], description=f"N {index}", gathered_on=DAY)
    client.force_login(ministry_staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("network:coverage")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("network:province", args=[tn.pk])).status_code == 200
    assert Decimal(Collaborator.objects.first().monthly_fee) == Decimal(1_500_000)


def test_an_officer_records_a_quarterly_meeting(client, tayninh_officer, cantho_officer):
    tn = nf.tay_ninh()
    one = nf.make_collaborator(by=tayninh_officer, communes=nf.communes_of(tn, 1))
    url = reverse("network:province", args=[tn.pk])
    client.force_login(cantho_officer)
    assert client.post(url, {"held_on": "2026-06-30", "attendees": [one.pk]}).status_code == 404
    client.force_login(tayninh_officer)
    response = client.post(url, {"held_on": "2026-06-30", "attendees": [one.pk], "notes": "Giao ban quý 2"})
    assert response.status_code == 302
    meeting = selectors.meetings_for(user=tayninh_officer).get()
    assert meeting.held_on == datetime.date(2026, 6, 30) and list(meeting.attendees.all()) == [one]
    assert "Giao ban quý 2" in client.get(url).content.decode()
    # A collaborator of another province cannot be recorded as attending.
    other = nf.make_collaborator(by=cantho_officer, communes=nf.communes_of(factories.province(92), 1))
    with pytest.raises(ValidationError):
        services.meeting_record(by=tayninh_officer, province=tn, held_on=DAY, attendees=[other])
