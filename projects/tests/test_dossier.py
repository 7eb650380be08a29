"""The project dossier: establishments and commune on the form, decisions of the life cycle, Word and
OpenDocument files, partner provinces (liên kết vùng) and the support ceilings of the law."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from khuyencong.testing import office
from projects import ceilings, excel, selectors, services, tax_codes
from projects.models import Beneficiary, Fund, MoneyEntry, Project, ProjectDecision, SupportCeiling
from projects.tests import factories
from projects.tests.test_excel import project_row, upload, workbook
from provinces.models import ActivityContent, Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def tay_ninh():
    return factories.province(80)


def commune_of(prov, index=0) -> Commune:
    return prov.communes.order_by("code")[index]


@pytest.fixture
def national_ceilings(db):
    services.ceilings_load()


@pytest.fixture
def weaving_coop(tayninh_officer):
    return services.establishment_create(
        by=tayninh_officer,
        name="Hợp tác xã đan lát Tân Phú",
        kind=Beneficiary.Kind.COOPERATIVE,
        tax_code="0300588569",
        commune=commune_of(tay_ninh()),
        address="Ấp 3",
    )


def form_data(**values) -> dict:
    province = tay_ninh()
    data = {
        "title": "Hỗ trợ máy dệt chiếu",
        "province": province.pk,
        "implementing_unit": factories.centre_of(province).pk,
        "plan_year": 2026,
        "fund": Fund.LOCAL,
        "activity": ActivityContent.objects.get(code="KC03").pk,
        "commune": commune_of(province, 1).pk,
        "former_commune_name": "xã Tân Hòa, huyện Tân Châu",
        "location": "Ấp 2",
        "start_date": "2026-02-01",
        "end_date": "2026-10-31",
        "approved_support": "100000000",
        "counterpart": "150000000",
        "other_sources": "0",
    }
    return data | values


# --------------------------------------------------------------------------------- establishments, commune


def test_a_project_created_on_the_page_with_two_establishments_one_of_them_new(client, tayninh_officer, weaving_coop):
    client.force_login(tayninh_officer)
    commune = commune_of(tay_ninh(), 2)
    response = client.post(
        reverse("projects:create"),
        form_data(
            beneficiaries=[weaving_coop.pk],
            **{
                "new-name": "Cơ sở mây tre  Bà Năm",
                "new-kind": "household",
                "new-tax-code": "",
                "new-tax_code": "0100109106-001",
                "new-commune": commune.pk,
                "new-address": "Tổ 4",
                "new-women_owned": "on",
                "new-ethnic_minority_owned": "on",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(title="Hỗ trợ máy dệt chiếu")
    names = sorted(b.name for b in project.beneficiaries.all())
    assert names == ["Cơ sở mây tre  Bà Năm", "Hợp tác xã đan lát Tân Phú"]
    new = project.beneficiaries.get(name__startswith="Cơ sở")
    assert (new.tax_code, new.commune, new.women_owned, new.ethnic_minority_owned) == (
        "0100109106-001",
        commune,
        True,
        True,
    )
    assert project.commune == commune_of(tay_ninh(), 1)
    assert project.former_commune_name == "xã Tân Hòa, huyện Tân Châu"
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Hợp tác xã đan lát Tân Phú" in page and "0100109106-001" in page and "Tân Hòa" in page


def test_a_refused_new_establishment_saves_neither_it_nor_the_project(client, tayninh_officer):
    client.force_login(tayninh_officer)
    before = (Project.objects.count(), Beneficiary.objects.count())
    response = client.post(
        reverse("projects:create"),
        form_data(**{"new-name": "Cơ sở gốm", "new-kind": "household", "new-tax_code": "0300588568"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "không đúng chữ số kiểm tra" in page and "Chọn xã" in page
    assert (Project.objects.count(), Beneficiary.objects.count()) == before


def test_a_ceiling_refusal_keeps_the_new_establishment_unsaved(client, tayninh_officer, national_ceilings):
    client.force_login(tayninh_officer)
    response = client.post(
        reverse("projects:create"),
        form_data(
            fund=Fund.NATIONAL,
            approved_support="200000000",
            counterpart="100000000",
            **{"new-name": "Cơ sở gốm", "new-kind": "household", "new-commune": commune_of(tay_ninh()).pk},
        ),
    )
    assert response.status_code == 200
    assert "Thông tư 28/2018/TT-BCT" in response.content.decode()
    assert not Beneficiary.objects.filter(name="Cơ sở gốm").exists()


def test_the_commune_list_follows_the_chosen_province(client, tayninh_officer, cantho_officer):
    tn, ct = tay_ninh(), factories.province(92)
    client.force_login(tayninh_officer)
    options = client.get(reverse("projects:communes"), {"province": tn.pk}).content.decode()
    assert commune_of(tn).name in options and commune_of(ct).name not in options
    assert options.count("<option") == tn.communes.count() + 1
    # Long An (2004) was merged into Tây Ninh: its old projects get today's Tây Ninh communes
    long_an = factories.province(80, 2004)
    assert client.get(reverse("projects:communes"), {"province": long_an.pk}).content.decode() == options
    # Outside the officer's scope: no communes
    assert (
        '<option value="' + str(commune_of(ct).pk)
        not in client.get(reverse("projects:communes"), {"province": ct.pk}).content.decode()
    )
    form = client.get(reverse("projects:create")).content.decode()
    assert 'hx-get="/projects/communes/"' in form and commune_of(tn).name in form and commune_of(ct).name not in form
    with pytest.raises(ValidationError) as refused:
        factories.make_project(by=tayninh_officer, commune=commune_of(ct))
    assert "commune" in refused.value.message_dict


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0300588569", "0300588569"),
        ("0100109106", "0100109106"),
        ("0300 588 569", "0300588569"),
        ("0300588569-001", "0300588569-001"),
        ("0300588569002", "0300588569-002"),
        ("079123456789", "079123456789"),
        ("", ""),
    ],
)
def test_tax_codes_that_pass_their_check_digit(typed, stored):
    assert tax_codes.normalise(typed) == stored


@pytest.mark.parametrize("typed", ["0300588568", "0100109107", "0300588569-000", "03005885", "030058856A", "1234"])
def test_tax_codes_that_fail_are_refused(typed):
    with pytest.raises(ValidationError):
        tax_codes.normalise(typed)


def test_an_establishment_with_a_bad_or_taken_tax_code_is_refused(tayninh_officer, cantho_officer, weaving_coop):
    commune = commune_of(tay_ninh())
    with pytest.raises(ValidationError) as bad:
        services.establishment_create(
            by=tayninh_officer, name="X", kind="household", commune=commune, tax_code="0300588560"
        )
    assert "chữ số kiểm tra" in bad.value.message_dict["tax_code"][0]
    with pytest.raises(ValidationError) as taken:
        services.establishment_create(
            by=tayninh_officer, name="X", kind="household", commune=commune, tax_code="0300588569"
        )
    assert "Hợp tác xã đan lát Tân Phú" in taken.value.message_dict["tax_code"][0]
    with pytest.raises(PermissionDenied):  # a commune of another province
        services.establishment_create(by=cantho_officer, name="X", kind="household", commune=commune)


def test_the_registry_search_ignores_diacritics_and_stays_in_scope(
    client, tayninh_officer, cantho_officer, weaving_coop
):
    services.establishment_create(
        by=cantho_officer, name="Cơ sở đan lát Cần Thơ", kind="household", commune=commune_of(factories.province(92))
    )
    mine = selectors.establishment_list_for(user=tayninh_officer)
    assert list(selectors.establishment_search(mine, "dan lat")) == [weaving_coop]
    assert list(selectors.establishment_search(mine, "HTX ĐAN")) == []  # every word must match
    assert list(selectors.establishment_search(mine, "0300588")) == [weaving_coop]
    commune_words = commune_of(tay_ninh()).name.split()[-1]
    assert weaving_coop in selectors.establishment_search(mine, commune_words)
    client.force_login(cantho_officer)
    found = client.get(reverse("projects:establishment_search"), {"establishment_q": "dan lat"}).content.decode()
    assert "Cần Thơ" in found and "Tân Phú" not in found


@pytest.mark.parametrize("size", [5, 40])
def test_the_registry_search_runs_in_a_fixed_number_of_queries(
    client, tayninh_officer, django_assert_max_num_queries, size
):
    commune = commune_of(tay_ninh())
    Beneficiary.objects.bulk_create(
        Beneficiary(name=f"Cơ sở đan lát {n}", name_folded=f"co so dan lat {n}", kind="household", commune=commune)
        for n in range(size)
    )
    client.force_login(tayninh_officer)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("projects:establishment_search"), {"establishment_q": "dan lat"})
    assert response.content.decode().count('name="beneficiaries"') == min(size, 20)


# --------------------------------------------------------------------------------- decisions, timeline


def test_approval_records_its_decision_and_the_timeline_shows_every_document(
    client, tayninh_officer, tayninh_approver, tayninh_project
):
    services.project_transition(project=tayninh_project, action="submit", by=tayninh_officer)
    client.force_login(tayninh_approver)
    response = client.post(
        reverse("projects:transition", args=[tayninh_project.pk, "approve"]),
        {
            "number": "123/QĐ-SCT",
            "date": "2026-01-15",
            "signer": "Giám đốc Sở Công Thương",
            "file": SimpleUploadedFile("qd.pdf", b"%PDF-1.4 quyet dinh"),
        },
    )
    assert response.status_code == 302
    decision = tayninh_project.decisions.get()
    assert (decision.kind, decision.number, decision.date, decision.signer) == (
        ProjectDecision.Kind.APPROVAL,
        "123/QĐ-SCT",
        datetime.date(2026, 1, 15),
        "Giám đốc Sở Công Thương",
    )
    assert decision.attachment.kind == "decision" and decision.attachment.content_type == "application/pdf"
    client.force_login(tayninh_officer)
    client.post(
        reverse("projects:decision_add", args=[tayninh_project.pk]),
        {
            "kind": "contract",
            "number": "05/2026/HĐ-KC",
            "date": "2026-02-01",
            "file": SimpleUploadedFile("hd.docx", office.docx("Hợp đồng")),
        },
    )
    for kind, number in (("acceptance", "BB-01"), ("liquidation", "TL-01"), ("settlement", "QT-01")):
        services.decision_record(
            project=tayninh_project, by=tayninh_officer, kind=kind, number=number, date=datetime.date(2026, 11, 1)
        )
    page = client.get(reverse("projects:detail", args=[tayninh_project.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    for text in ("123/QĐ-SCT", "15/01/2026", "05/2026/HĐ-KC", "hd.docx", "BB-01", "TL-01", "QT-01"):
        assert text in timeline, text
    assert timeline.index("123/QĐ-SCT") < timeline.index("05/2026/HĐ-KC") < timeline.index("BB-01")


def test_a_decision_needs_a_number_a_past_date_and_a_unique_number(tayninh_officer, tayninh_project, cantho_officer):
    record = {"project": tayninh_project, "by": tayninh_officer, "kind": "contract"}
    with pytest.raises(ValidationError) as empty:
        services.decision_record(**record, number=" ", date=None)
    assert set(empty.value.message_dict) == {"number", "date"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.decision_record(**record, number="1", date=tomorrow)
    services.decision_record(**record, number="1", date=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.decision_record(**record, number="1", date=datetime.date(2026, 1, 2))
    with pytest.raises(PermissionDenied):
        services.decision_record(
            project=tayninh_project, by=cantho_officer, kind="contract", number="2", date=datetime.date(2026, 1, 1)
        )


# --------------------------------------------------------------------------------- Word and OpenDocument


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (office.docx(), "thuyet-minh.docx", "docx"),
        (office.xlsx(), "du-toan.xlsx", "xlsx"),
        (office.opendocument("odt"), "to-trinh.odt", "odt"),
        (office.opendocument("ods"), "du-toan.ods", "ods"),
    ],
)
def test_word_excel_and_opendocument_files_are_accepted_by_content(
    tayninh_officer, tayninh_project, content, name, kind
):
    attachment = services.attachment_add(
        project=tayninh_project, by=tayninh_officer, kind="outline", uploaded_file=SimpleUploadedFile(name, content)
    )
    assert attachment.extension == f".{kind}" and attachment.content_type.startswith("application/vnd.")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (office.docx(macro=True), "thuyet-minh.docm"),
        (office.docx(macro=True), "doi-ten.docx"),  # renamed: the content still says macros
        (office.xlsx(macro=True), "du-toan.xlsm"),
    ],
)
def test_macro_enabled_files_are_refused_whatever_their_name(client, tayninh_officer, tayninh_project, content, name):
    client.force_login(tayninh_officer)
    response = client.post(
        reverse("projects:attachment_upload", args=[tayninh_project.pk]),
        {"kind": "outline", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert "Không nhận tệp có macro" in response.content.decode()
    assert not tayninh_project.attachments.exists()


def test_a_zip_that_only_looks_like_word_is_refused(tayninh_officer, tayninh_project):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")  # no [Content_Types].xml declaring it
    with pytest.raises(ValidationError):
        services.attachment_add(
            project=tayninh_project,
            by=tayninh_officer,
            kind="outline",
            uploaded_file=SimpleUploadedFile("x.docx", buffer.getvalue()),
        )


# --------------------------------------------------------------------------------- support ceilings


def national(by, **extra):
    return factories.make_project(by=by, fund=Fund.NATIONAL, **extra)


def test_the_share_ceiling_is_checked_on_create_with_the_circular_cited(tayninh_officer, national_ceilings):
    # KC03 machinery: at most 50% of the cost. 100 of 150 million is 66.7%.
    with pytest.raises(ValidationError) as refused:
        national(tayninh_officer, support=100_000_000, counterpart=50_000_000)
    message = refused.value.message_dict["approved_support"][0]
    assert "66,7%" in message and "50,0%" in message and "KC03" in message
    assert "Thông tư 28/2018/TT-BCT, sửa đổi bởi Thông tư 64/2024/TT-BCT" in message
    assert national(tayninh_officer, support=100_000_000, counterpart=100_000_000).pk  # exactly 50%


def test_the_amount_ceiling_is_checked_and_unknown_ceilings_check_nothing(tayninh_officer, national_ceilings):
    # KC02 demonstration model: at most 1,000 million even at a share under 30%
    with pytest.raises(ValidationError) as refused:
        national(tayninh_officer, activity="KC02", support=1_100_000_000, counterpart=5_000_000_000)
    assert "1.000.000.000 đ" in refused.value.message_dict["approved_support"][0]
    # KC01 (training) has no known national ceiling: nothing is checked
    assert national(tayninh_officer, activity="KC01", support=900_000_000, counterpart=0).pk
    # The local fund answers to the province's resolution, none entered yet
    assert factories.make_project(by=tayninh_officer, activity="KC02", support=1_100_000_000, counterpart=0).pk


def test_ceilings_apply_only_while_in_force(tayninh_officer, tayninh_approver):
    today = timezone.localdate()
    resolution = {"activity": ActivityContent.objects.get(code="KC03"), "max_amount": Decimal(80_000_000)}
    services.ceiling_create(
        by=tayninh_approver,
        legal_basis="Nghị quyết cũ",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=today - datetime.timedelta(days=1),
        **resolution,
    )
    services.ceiling_create(
        by=tayninh_approver,
        legal_basis="Nghị quyết sắp tới",
        valid_from=today + datetime.timedelta(days=1),
        **resolution,
    )
    assert factories.make_project(by=tayninh_officer, support=100_000_000).pk  # neither in force today
    services.ceiling_create(
        by=tayninh_approver,
        legal_basis="Nghị quyết 11/2026/NQ-HĐND",
        valid_from=today - datetime.timedelta(days=30),
        variant="",
        **(resolution | {"max_amount": Decimal(90_000_000)}),
    )
    with pytest.raises(ValidationError) as refused:
        factories.make_project(by=tayninh_officer, support=100_000_000)
    assert "Nghị quyết 11/2026/NQ-HĐND" in refused.value.message_dict["approved_support"][0]
    # Long An's old projects (2004 code) answer to today's Tây Ninh resolution too
    with pytest.raises(ValidationError):
        factories.make_project(
            by=tayninh_officer,
            prov=factories.province(80, 2004),
            year=2025,
            support=100_000_000,
            start=datetime.date(2025, 2, 1),
            end=datetime.date(2025, 10, 1),
        )


def test_only_the_provinces_approver_enters_its_ceilings(tayninh_officer, tayninh_approver, client):
    args = {
        "activity": ActivityContent.objects.get(code="KC01"),
        "legal_basis": "NQ",
        "valid_from": datetime.date(2026, 1, 1),
    }
    with pytest.raises(PermissionDenied):
        services.ceiling_create(by=tayninh_officer, max_amount=1, **args)
    with pytest.raises(ValidationError):
        services.ceiling_create(by=tayninh_approver, **args)  # no limit at all
    client.force_login(tayninh_approver)
    response = client.post(
        reverse("projects:ceilings"),
        {
            "activity": args["activity"].pk,
            "legal_basis": "Nghị quyết 11/2025/NQ-HĐND",
            "valid_from": "2026-01-01",
            "max_share": "70",
            "max_advance_share": "50",
        },
    )
    assert response.status_code == 302
    ceiling = SupportCeiling.objects.get()
    assert (ceiling.fund, ceiling.province, ceiling.max_share) == (Fund.LOCAL, tay_ninh(), Decimal(70))
    assert "Nghị quyết 11/2025/NQ-HĐND" in client.get(reverse("projects:ceilings")).content.decode()


def test_ceilings_are_checked_on_edit(tayninh_officer, national_ceilings):
    project = national(tayninh_officer, support=100_000_000, counterpart=100_000_000)
    with pytest.raises(ValidationError) as refused:
        services.project_update(
            project=project, by=tayninh_officer, data={"counterpart": 50_000_000}, expected_version=project.version
        )
    assert "28/2018/TT-BCT" in refused.value.message_dict["approved_support"][0]
    project.refresh_from_db()
    assert project.counterpart == 100_000_000


def test_ceilings_are_checked_on_approval(tayninh_officer, ministry_staff):
    project = national(tayninh_officer, support=100_000_000, counterpart=50_000_000)  # no ceiling yet
    services.project_transition(project=project, action="submit", by=tayninh_officer)
    services.ceilings_load()  # the circular is entered before the ministry approves
    with pytest.raises(ValidationError) as refused:
        services.project_transition(project=project, action="approve", by=ministry_staff)
    assert "28/2018/TT-BCT" in " ".join(refused.value.messages)
    project.refresh_from_db()
    assert project.status == "registered" and not project.decisions.exists()


def test_an_adjustment_over_the_ceiling_is_refused(tayninh_officer, ministry_staff, national_ceilings):
    project = national(tayninh_officer, support=100_000_000, counterpart=100_000_000)
    project = factories.approve(project, officer=tayninh_officer, approver=ministry_staff)
    with pytest.raises(ValidationError):
        services.project_update(
            project=project,
            by=tayninh_officer,
            data={"approved_support": 150_000_000},
            expected_version=project.version,
            reason="Tăng hỗ trợ",
        )


def test_advances_stop_at_seventy_percent_of_the_support(tayninh_officer, ministry_staff, national_ceilings):
    project = national(tayninh_officer, support=100_000_000, counterpart=100_000_000)
    project = factories.approve(project, officer=tayninh_officer, approver=ministry_staff)
    add = {
        "project": project,
        "by": tayninh_officer,
        "kind": MoneyEntry.Kind.ADVANCE,
        "date": datetime.date(2026, 3, 1),
    }
    services.money_entry_add(**add, amount=50_000_000)
    with pytest.raises(ValidationError) as refused:
        services.money_entry_add(**add, amount=20_000_001)
    message = refused.value.message_dict["amount"][0]
    assert "70.000.001 đ" in message and "70,0%" in message and "70.000.000 đ" in message and "28/2018" in message
    services.money_entry_add(**add, amount=20_000_000)  # exactly 70%
    assert selectors.money_total(project, MoneyEntry.Kind.ADVANCE) == 70_000_000
    # Lowering the support below what the advances allow is refused too
    with pytest.raises(ValidationError):
        ceilings.check(
            fund=project.fund,
            province=project.province,
            activity=project.activity,
            support=Decimal(90_000_000),
            total_cost=Decimal(190_000_000),
            on=timezone.localdate(),
            advanced=Decimal(70_000_000),
        )


def test_the_import_meets_the_same_ceiling(tayninh_officer, national_ceilings):
    content = workbook(
        projects=[project_row(code="IMP-CEIL", fund="KCQG", approved_support=100_000_000, counterpart=50_000_000)]
    )
    with pytest.raises(excel.ImportErrors) as refused:
        excel.import_workbook(upload(content), by=tayninh_officer)
    [error] = refused.value.errors
    assert error["column"] and "Thông tư 28/2018/TT-BCT" in error["message"]
    assert not Project.objects.filter(code="IMP-CEIL").exists()


@pytest.mark.parametrize("size", [1, 8])
def test_the_project_page_with_its_dossier_runs_in_a_fixed_number_of_queries(
    client, tayninh_officer, cantho_officer, tayninh_project, django_assert_max_num_queries, size
):
    commune = commune_of(tay_ninh())
    establishments = [
        services.establishment_create(by=tayninh_officer, name=f"Cơ sở {n}", kind="household", commune=commune)
        for n in range(size)
    ]
    for n in range(size):
        services.decision_record(
            project=tayninh_project,
            by=tayninh_officer,
            kind="contract",
            number=f"HĐ-{n}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            uploaded_file=SimpleUploadedFile(f"hd-{n}.docx", office.docx()),
        )
    tayninh_project.is_inter_provincial = True
    tayninh_project.save()
    tayninh_project = services.project_update(
        project=tayninh_project,
        by=tayninh_officer,
        data={},
        expected_version=tayninh_project.version,
        beneficiaries=establishments,
        partner_provinces=[cantho_officer.unit.province],
    )
    client.force_login(tayninh_officer)
    with django_assert_max_num_queries(22):  # the same at both sizes: no query per row
        page = client.get(reverse("projects:detail", args=[tayninh_project.pk])).content.decode()
    assert page.count("HĐ-") == size and page.count("Cơ sở ") >= size
