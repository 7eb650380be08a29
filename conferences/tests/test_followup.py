"""Conclusions as tasks: each province reports its follow-up; the ministry sees who has done what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conferences import selectors, services
from conferences.models import ConclusionFollowUp

from .conftest import conference_of, make_pdf, province


@pytest.fixture
def conclusion_2022(history):
    return conference_of(2022).conclusions.get(number=4)  # the collaborator network to commune level


def test_officer_reports_follow_up_for_own_province_only(client, conclusion_2022, tayninh_officer, cantho_officer):
    old_tayninh = province(72, 2004)  # the 2022 conclusions asked the provinces as they were
    url = reverse("conferences:followup", args=[conclusion_2022.pk, old_tayninh.pk])
    data = {"status": "in_progress", "note": "Đã có cộng tác viên ở 60 xã."}
    client.force_login(cantho_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    client.force_login(tayninh_officer)
    assert client.post(url, data).status_code == 302
    row = ConclusionFollowUp.objects.get()
    assert (row.province, row.status, row.updated_by) == (old_tayninh, "in_progress", tayninh_officer)


def test_one_row_per_conclusion_and_province_updated_in_place(conclusion_2022, tayninh_officer, tayninh_approver):
    long_an = province(80, 2004)
    services.followup_report(conclusion=conclusion_2022, province=long_an, status="in_progress", by=tayninh_officer)
    services.followup_report(
        conclusion=conclusion_2022, province=long_an, status="done", note="Xong", by=tayninh_approver
    )
    row = ConclusionFollowUp.objects.get()
    assert (row.status, row.note, row.updated_by) == ("done", "Xong", tayninh_approver)
    assert row.history.count() == 2


def test_service_refuses_other_provinces_and_ministry_staff(conclusion_2022, cantho_officer, ministry_staff):
    for user in (cantho_officer, ministry_staff):
        with pytest.raises(PermissionDenied):
            services.followup_report(conclusion=conclusion_2022, province=province(72, 2004), status="done", by=user)
    with pytest.raises(ValidationError):
        services.followup_report(
            conclusion=conclusion_2022, province=province(93, 2004), status="maybe", by=cantho_officer
        )


def test_named_provinces_only(history, tayninh_officer, cantho_officer):
    conclusion = conference_of(2022).conclusions.get(number=9)
    conclusion.for_all_provinces = False
    conclusion.save()
    conclusion.provinces.set([province(93, 2004)])
    with pytest.raises(PermissionDenied):
        services.followup_report(conclusion=conclusion, province=province(72, 2004), status="done", by=tayninh_officer)
    services.followup_report(conclusion=conclusion, province=province(93, 2004), status="done", by=cantho_officer)


def test_ministry_matrix_shows_who_has_done_what(conclusion_2022, tayninh_officer, cantho_officer, ministry_staff):
    services.followup_report(conclusion=conclusion_2022, province=province(72, 2004), status="done", by=tayninh_officer)
    services.followup_report(
        conclusion=conclusion_2022, province=province(93, 2004), status="in_progress", by=cantho_officer
    )
    matrix = selectors.followup_matrix(user=ministry_staff, conference=conclusion_2022.conference)
    assert len(matrix.provinces) == 20 and len(matrix.rows) == 9
    row = dict(matrix.rows)[conclusion_2022]
    statuses = {cell.province.name: cell.status for cell in row if cell.follow_up}
    assert statuses == {"Tây Ninh": "done", "Hậu Giang": "in_progress"}
    assert matrix.done_count(conclusion_2022.pk) == 1
    mine = selectors.followup_matrix(user=tayninh_officer, conference=conclusion_2022.conference)
    assert sorted(p.name for p in mine.provinces) == ["Long An", "Tây Ninh"]


def test_evidence_is_checked_and_served_only_in_scope(
    client, conclusion_2022, tayninh_officer, cantho_officer, ministry_staff
):
    with pytest.raises(ValidationError, match="PDF, DOCX, JPEG"):
        services.followup_report(
            conclusion=conclusion_2022,
            province=province(72, 2004),
            status="done",
            by=tayninh_officer,
            evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        )
    row = services.followup_report(
        conclusion=conclusion_2022,
        province=province(72, 2004),
        status="done",
        by=tayninh_officer,
        evidence=make_pdf("Biên bản.pdf"),
    )
    assert row.evidence.name.startswith("conferences/evidence/") and "Biên" not in row.evidence.name
    url = reverse("conferences:followup_evidence", args=[row.pk])
    client.force_login(cantho_officer)
    assert client.get(url).status_code == 404
    for user in (tayninh_officer, ministry_staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
