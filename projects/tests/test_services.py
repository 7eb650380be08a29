import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from projects import selectors, services
from projects.models import Fund, MoneyEntry, Project, ProjectAdjustment, Status
from projects.tests import factories

pytestmark = pytest.mark.django_db


def test_local_project_life_cycle_by_the_right_roles(
    tayninh_officer, tayninh_approver, ministry_staff, tayninh_project
):
    project = services.project_transition(project=tayninh_project, action="submit", by=tayninh_officer)
    assert project.status == Status.REGISTERED
    with pytest.raises(PermissionDenied):
        services.project_transition(project=project, action="approve", by=tayninh_officer)
    with pytest.raises(PermissionDenied):
        services.project_transition(project=project, action="approve", by=ministry_staff)  # local fund: not theirs
    project = services.project_transition(project=project, action="approve", by=tayninh_approver)
    assert project.status == Status.APPROVED and project.approved_at is not None
    for action, status in [("start", Status.IN_PROGRESS), ("accept", Status.ACCEPTED), ("close", Status.CLOSED)]:
        project = services.project_transition(project=project, action=action, by=tayninh_officer)
        assert project.status == status
    project = services.project_transition(project=project, action="settle", by=tayninh_approver)
    project = services.project_transition(project=project, action="finish", by=tayninh_officer)
    assert project.status == Status.DONE
    steps = list(project.transitions.values_list("action", "by__username"))
    assert steps[0] == ("submit", "tn.officer") and steps[1] == ("approve", "tn.approver") and len(steps) == 7


def test_national_project_is_approved_by_ministry_staff(tayninh_officer, tayninh_approver, ministry_staff):
    project = factories.make_project(by=tayninh_officer, fund=Fund.NATIONAL)
    project = services.project_transition(project=project, action="submit", by=tayninh_officer)
    with pytest.raises(PermissionDenied):
        services.project_transition(project=project, action="approve", by=tayninh_approver)
    project = services.project_transition(project=project, action="approve", by=ministry_staff)
    assert project.status == Status.APPROVED


def test_transition_not_allowed_from_status(tayninh_officer, tayninh_project):
    with pytest.raises(ValidationError, match="không thể"):
        services.project_transition(project=tayninh_project, action="accept", by=tayninh_officer)
    tayninh_project.refresh_from_db()
    assert tayninh_project.status == Status.PROPOSED


def test_reject_and_cancel_need_a_reason(tayninh_officer, tayninh_approver, tayninh_project):
    project = services.project_transition(project=tayninh_project, action="submit", by=tayninh_officer)
    with pytest.raises(ValidationError):
        services.project_transition(project=project, action="reject", by=tayninh_approver)
    project = services.project_transition(
        project=project, action="reject", by=tayninh_approver, reason="Trùng đề án năm trước"
    )
    assert project.transitions.last().reason == "Trùng đề án năm trước"


def test_officer_cannot_touch_another_provinces_project(cantho_officer, tayninh_project):
    with pytest.raises(PermissionDenied):
        services.project_transition(project=tayninh_project, action="submit", by=cantho_officer)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"approved_support": -5}, "approved_support"),
        ({"end_date": datetime.date(2025, 1, 1)}, "end_date"),
        ({"plan_year": 2019}, "plan_year"),
        ({"approved_support": "12,5"}, "approved_support"),
        ({"approved_support": 1.5}, "approved_support"),
    ],
)
def test_bad_project_data_is_refused_with_a_message(tayninh_officer, change, field):
    with pytest.raises(ValidationError) as error:
        factories.make_project(by=tayninh_officer, **change)
    assert field in error.value.message_dict
    assert Project.objects.count() == 0


def test_activity_added_in_2025_not_valid_for_2024(tayninh_officer):
    with pytest.raises(ValidationError) as error:
        factories.make_project(
            by=tayninh_officer,
            year=2024,
            activity="KC16",
            start=datetime.date(2024, 3, 1),
            end=datetime.date(2024, 9, 1),
        )
    assert "activity" in error.value.message_dict


def test_money_over_time_and_the_ceiling(tayninh_officer, tayninh_approver, tayninh_project):
    project = factories.approve(tayninh_project, officer=tayninh_officer, approver=tayninh_approver)
    with freeze_time("2026-11-20"):
        services.money_entry_add(
            project=project, by=tayninh_officer, kind="advance", amount=30_000_000, date=datetime.date(2026, 3, 1)
        )
        services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=40_000_000, date=datetime.date(2026, 3, 10)
        )
        services.money_entry_add(
            project=project, by=tayninh_officer, kind="disbursement", amount=35_000_000, date=datetime.date(2026, 6, 20)
        )
        with pytest.raises(ValidationError, match="100.000.000 đ"):
            services.money_entry_add(
                project=project,
                by=tayninh_officer,
                kind="disbursement",
                amount=30_000_000,
                date=datetime.date(2026, 9, 1),
            )
        with pytest.raises(ValidationError):
            services.money_entry_add(
                project=project, by=tayninh_officer, kind="disbursement", amount=0, date=datetime.date(2026, 9, 1)
            )
        with pytest.raises(ValidationError):
            services.money_entry_add(
                project=project, by=tayninh_officer, kind="disbursement", amount=1, date=datetime.date(2026, 12, 1)
            )
    assert selectors.disbursed_by(project, datetime.date(2026, 3, 14)) == Decimal(40_000_000)
    assert selectors.disbursed_by(project, datetime.date(2026, 6, 14)) == Decimal(40_000_000)
    assert selectors.disbursed_by(project, datetime.date(2026, 9, 14)) == Decimal(75_000_000)
    annotated = selectors.with_money(Project.objects.filter(pk=project.pk), until=datetime.date(2026, 6, 30)).get()
    assert (annotated.advanced, annotated.disbursed, annotated.settled) == (
        Decimal(30_000_000),
        Decimal(75_000_000),
        Decimal(0),
    )
    assert MoneyEntry.objects.count() == 3


def test_money_refused_before_approval(tayninh_officer, tayninh_project):
    with pytest.raises(ValidationError):
        services.money_entry_add(
            project=tayninh_project, by=tayninh_officer, kind="disbursement", amount=1, date=datetime.date(2026, 3, 1)
        )


def test_stale_edit_is_refused_with_what_changed(tayninh_officer, tayninh_project):
    loaded_by_a = Project.objects.get(pk=tayninh_project.pk)
    loaded_by_b = Project.objects.get(pk=tayninh_project.pk)
    services.project_update(
        project=loaded_by_a, by=tayninh_officer, data={"title": "Tên mới của A"}, expected_version=loaded_by_a.version
    )
    with pytest.raises(services.StaleEdit) as stale:
        services.project_update(
            project=loaded_by_b, by=tayninh_officer, data={"title": "Tên của B"}, expected_version=loaded_by_b.version
        )
    assert stale.value.changes["title"] == ("Hỗ trợ máy sấy nông sản", "Tên mới của A")
    assert Project.objects.get(pk=tayninh_project.pk).title == "Tên mới của A"


def test_changing_approved_figures_needs_reason_and_reapproval(tayninh_officer, tayninh_approver, tayninh_project):
    project = factories.approve(tayninh_project, officer=tayninh_officer, approver=tayninh_approver)
    with pytest.raises(ValidationError):
        services.project_update(
            project=project,
            by=tayninh_officer,
            data={"approved_support": 120_000_000},
            expected_version=project.version,
        )
    project = services.project_update(
        project=project,
        by=tayninh_officer,
        data={
            "approved_support": 120_000_000,
            "end_date": datetime.date(2026, 12, 10),
            "title": "Máy sấy (điều chỉnh)",
        },
        expected_version=project.version,
        reason="Giá thiết bị tăng",
    )
    assert project.status == Status.ADJUSTING
    assert project.approved_support == Decimal(100_000_000)  # not applied before approval
    assert project.title == "Máy sấy (điều chỉnh)"  # descriptive fields change directly
    adjustment = project.adjustments.get()
    assert adjustment.changes == {
        "approved_support": ["100000000", "120000000"],
        "end_date": ["2026-10-31", "2026-12-10"],
    }
    project = services.adjustment_decide(adjustment=adjustment, by=tayninh_approver, approve=True)
    assert project.status == Status.IN_PROGRESS
    assert project.approved_support == Decimal(120_000_000) and project.end_date == datetime.date(2026, 12, 10)
    assert ProjectAdjustment.objects.get().decided_by == tayninh_approver


def test_history_records_who_changed_what(tayninh_officer, tayninh_project):
    services.project_update(project=tayninh_project, by=tayninh_officer, data={"title": "Đổi tên"}, expected_version=1)
    records = list(tayninh_project.history.order_by("history_date"))
    assert [r.title for r in records] == ["Hỗ trợ máy sấy nông sản", "Đổi tên"]
    assert records[-1].history_user == tayninh_officer
    delta = records[-1].diff_against(records[0])
    assert {c.field: (c.old, c.new) for c in delta.changes}["title"] == ("Hỗ trợ máy sấy nông sản", "Đổi tên")


def test_search_ignores_diacritics_and_case(tayninh_officer, cantho_officer, cantho_project):
    found = selectors.search(Project.objects.all(), "hau giang")
    assert list(found) == [cantho_project]
    assert list(selectors.search(Project.objects.all(), "ĐAN LÁT")) == [cantho_project]
    assert not selectors.search(Project.objects.all(), "tây ninh").exists()


def test_beneficiary_is_one_record_across_provinces(reference_data):
    first = services.beneficiary_match_or_create(name="HTX Mây tre Long An", kind="cooperative", tax_code="1100123456")
    second = services.beneficiary_match_or_create(
        name="Hợp tác xã mây tre", kind="cooperative", tax_code="1100 123 456"
    )
    assert first == second
    no_tax_a = services.beneficiary_match_or_create(name="Hộ Nguyễn Văn Tư", kind="household")
    no_tax_b = services.beneficiary_match_or_create(name="hộ nguyễn văn tư", kind="household")
    assert no_tax_a == no_tax_b


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachments_checked_by_content(tayninh_officer, tayninh_project, settings):
    ok = services.attachment_add(
        project=tayninh_project,
        by=tayninh_officer,
        kind="acceptance",
        uploaded_file=SimpleUploadedFile("bien-ban.pdf", PDF),
    )
    assert ok.content_type == "application/pdf" and ok.size == len(PDF)
    image = services.attachment_add(
        project=tayninh_project, by=tayninh_officer, kind="photo", uploaded_file=SimpleUploadedFile("anh.png", PNG)
    )
    assert image.extension == ".png"
    for name, content in [
        ("virus.pdf", b"MZ\x90\x00 not a pdf"),
        ("empty.pdf", b""),
        ("script.png", b"<script>alert(1)</script>"),
    ]:
        with pytest.raises(ValidationError):
            services.attachment_add(
                project=tayninh_project,
                by=tayninh_officer,
                kind="photo",
                uploaded_file=SimpleUploadedFile(name, content),
            )
    assert tayninh_project.attachments.count() == 2


def test_oversized_attachment_refused(tayninh_officer, tayninh_project, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 1024)
    with pytest.raises(ValidationError, match="MB"):
        services.attachment_add(
            project=tayninh_project,
            by=tayninh_officer,
            kind="photo",
            uploaded_file=SimpleUploadedFile("big.pdf", PDF + b"x" * 2048),
        )


def test_approval_after_the_merger_moves_an_old_province_draft_to_its_successor(tayninh_officer, tayninh_approver):
    """A draft of a plan year after the merger moves to the successor; one of a plan year before it (entered
    late, approved today) keeps the province it had then (issue 21: history entered late stays history)."""
    long_an = factories.province(80, 2004)
    project = factories.make_project(by=tayninh_officer, prov=long_an)
    project = services.project_transition(project=project, action="submit", by=tayninh_officer)
    project = services.project_transition(project=project, action="approve", by=tayninh_approver)
    assert (project.province.name, project.province.code_set) == ("Tây Ninh", 2025)
    for year, province in ((2023, ("Long An", 2004)), (2025, ("Tây Ninh", 2025))):  # Long An ended 30/06/2025
        back_filled = factories.make_project(
            by=tayninh_officer,
            prov=long_an,
            year=year,
            start=datetime.date(year, 2, 1),
            end=datetime.date(year, 10, 31),
        )
        back_filled = services.project_transition(project=back_filled, action="submit", by=tayninh_officer)
        back_filled = services.project_transition(project=back_filled, action="approve", by=tayninh_approver)
        assert (back_filled.province.name, back_filled.province.code_set) == province
