"""Entries go up a level only as a batch, each with a certificate of the lower round valid when filed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from products import services
from products.models import DossierFile, Entry
from products.tests import factories
from products.tests.test_scoring import recognised_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(selection_rules, ministry_staff):
    return factories.make_round(
        by=ministry_staff,
        level="region",
        year=2026,
        judging_starts=datetime.date(2026, 12, 10),
        registration_deadline=datetime.date(2026, 12, 5),
    )


def letter():
    return SimpleUploadedFile("cong-van.pdf", factories.PDF)


def test_a_recognised_entry_goes_up_with_its_certificate_and_dossier(
    selection_rules, tayninh_officer, tay_ninh, judges, regional
):
    provincial, (chosen, _other) = recognised_round(
        tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 9, 10)
    )
    promotion = services.promotion_file(
        from_round=provincial,
        to_round=regional,
        entries=[chosen],
        letter_number="215/SCT-QLCN",
        letter_date=datetime.date(2026, 11, 20),
        letter_file=letter(),
        filed_on=datetime.date(2026, 11, 21),
        by=tayninh_officer,
    )
    copy = Entry.objects.get(round=regional)
    assert copy.source_entry == chosen and copy.lower_certificate == chosen.certificate
    assert copy.promotion == promotion and copy.status == "registered"
    assert DossierFile.objects.filter(entry=copy, kind="photo").count() == 3  # the papers are reused
    with pytest.raises(ValidationError):  # not twice
        services.promotion_file(
            from_round=provincial,
            to_round=regional,
            entries=[chosen],
            letter_number="216/SCT-QLCN",
            letter_date=datetime.date(2026, 11, 22),
            letter_file=letter(),
            filed_on=datetime.date(2026, 11, 22),
            by=tayninh_officer,
        )


def test_no_promotion_without_a_valid_lower_certificate(
    selection_rules, tayninh_officer, tay_ninh, judges, regional, ministry_staff
):
    provincial, (chosen, not_chosen) = recognised_round(
        tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 9, 10)
    )
    kwargs = {
        "from_round": provincial,
        "to_round": regional,
        "letter_number": "215/SCT-QLCN",
        "letter_date": datetime.date(2026, 11, 20),
        "by": tayninh_officer,
    }
    # An entry the council did not recognise has no certificate and cannot go up.
    with pytest.raises(ValidationError) as refused:
        services.promotion_file(
            entries=[not_chosen], letter_file=letter(), filed_on=datetime.date(2026, 11, 21), **kwargs
        )
    assert not_chosen.code in str(refused.value)
    # A certificate that expired (31/12/2028) before the batch is filed does not count.
    with pytest.raises(ValidationError) as expired:
        services.promotion_file(entries=[chosen], letter_file=letter(), filed_on=datetime.date(2029, 1, 2), **kwargs)
    assert "02/01/2029" in str(expired.value)
    # Nor does a revoked one.
    services.certificate_revoke(
        certificate=chosen.certificate, reason="Vi phạm", revoked_on=datetime.date(2026, 11, 1), by=tayninh_officer
    )
    with pytest.raises(ValidationError):
        services.promotion_file(entries=[chosen], letter_file=letter(), filed_on=datetime.date(2026, 11, 21), **kwargs)
    assert not Entry.objects.filter(round=regional).exists()


def test_the_batch_needs_a_covering_letter_checked_by_content(
    selection_rules, tayninh_officer, tay_ninh, judges, regional
):
    provincial, (chosen, _other) = recognised_round(
        tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2026, 9, 10)
    )
    with pytest.raises(ValidationError):
        services.promotion_file(
            from_round=provincial,
            to_round=regional,
            entries=[chosen],
            letter_number="215/SCT-QLCN",
            letter_date=datetime.date(2026, 11, 20),
            letter_file=SimpleUploadedFile("cong-van.pdf", b"MZ\x90\x00 not a pdf"),
            filed_on=datetime.date(2026, 11, 21),
            by=tayninh_officer,
        )
    assert not Entry.objects.filter(round=regional).exists()


def test_entries_reach_a_regional_round_only_from_below(selection_rules, ministry_staff, tay_ninh, regional):
    with pytest.raises(ValidationError):
        factories.make_entry(round_=regional, by=ministry_staff, prov=tay_ninh)


def test_a_dossier_needs_its_papers_and_three_photos_checked_by_content(selection_rules, tayninh_officer, tay_ninh):
    round_ = factories.make_round(by=tayninh_officer, prov=tay_ninh)
    entry = factories.make_entry(round_=round_, by=tayninh_officer, photos=2, screen=False)
    with pytest.raises(ValidationError) as incomplete:
        services.entry_screen(entry=entry, eligible=True, by=tayninh_officer)
    assert "1" in str(incomplete.value)
    with pytest.raises(ValidationError):  # a PDF is not a photo, whatever its name says
        services.dossier_file_add(
            entry=entry, kind="photo", uploaded_file=SimpleUploadedFile("anh.jpg", factories.PDF), by=tayninh_officer
        )
    with pytest.raises(ValidationError):  # refusing needs a reason
        services.entry_screen(entry=entry, eligible=False, reason=" ", by=tayninh_officer)
    refused = services.entry_screen(entry=entry, eligible=False, reason="Sản phẩm sao chép", by=tayninh_officer)
    assert refused.status == "ineligible" and refused.refusal_reason == "Sản phẩm sao chép"
    with pytest.raises(ValidationError):  # a stale form (version 1) cannot overwrite
        services.entry_screen(entry=entry, eligible=True, by=tayninh_officer, expected_version=1)
