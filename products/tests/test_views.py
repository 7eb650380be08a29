"""The pages as their users take them: an officer sets up and files, judges score, the council selects,
the certificate PDF and the Excel workbook read back, and the conference page quotes the round."""

import datetime
import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from products import services
from products.models import Entry, Round
from products.tests import factories
from products.tests.test_scoring import judged_round, recognised_round

pytestmark = pytest.mark.django_db


def test_an_officer_creates_a_round_and_files_an_entry_with_its_dossier(
    client, selection_rules, tayninh_officer, tay_ninh
):
    client.force_login(tayninh_officer)
    centre = factories.centre(tay_ninh)
    response = client.post(
        "/products/new/",
        {
            "level": "province",
            "year": 2027,
            "title": "Bình chọn sản phẩm CNNT tiêu biểu tỉnh Tây Ninh năm 2027",
            "province": tay_ninh.pk,
            "organiser": centre.pk,
            "registration_deadline": "2027-05-31",
            "judging_starts": "2027-06-15",
            "judging_ends": "2027-06-17",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    round_ = Round.objects.get(year=2027)
    response = client.post(
        f"/products/{round_.pk}/entries/new/",
        {
            "province": tay_ninh.pk,
            "new_name": "Hợp tác xã bánh tráng Trảng Bàng",
            "new_kind": "cooperative",
            "product_name": "Bánh tráng phơi sương",
            "group": "food",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(round=round_)
    url = f"/products/entries/{entry.pk}/"
    refused = client.post(url, {"action": "file", "kind": "photo", "file": SimpleUploadedFile("a.jpg", b"GIF89a..")})
    assert refused.status_code == 200 and "JPEG hoặc PNG" in refused.content.decode()
    client.post(url, {"action": "file", "kind": "photo", "file": SimpleUploadedFile("a.png", factories.PNG)})
    page = client.post(url, {"action": "screen", "decision": "eligible", "reason": "", "version": entry.version})
    assert "Hồ sơ chưa đủ" in page.content.decode() and "Cần thêm 2 ảnh" in page.content.decode()
    page = client.post(url, {"action": "screen", "decision": "ineligible", "reason": "", "version": entry.version})
    assert "Nêu lý do" in page.content.decode()
    client.post(url, {"action": "screen", "decision": "ineligible", "reason": "Sao chép mẫu", "version": entry.version})
    entry.refresh_from_db()
    assert entry.status == "ineligible" and entry.refusal_reason == "Sao chép mẫu"


def test_a_judge_over_the_maximum_sees_a_vietnamese_message_and_keeps_the_typed_values(
    client, selection_rules, tayninh_officer, tay_ninh, judges
):
    round_, (entry, _other) = judged_round(tayninh_officer, tay_ninh, judges)
    client.force_login(judges[1])
    marks = {f"c{pk}": str(v) for pk, v in factories.marks_for(round_, 45, 30, 5, 5).items()}
    page = client.post(f"/products/entries/{entry.pk}/score/", {**marks, "action": "submit"}).content.decode()
    assert "Tiêu chí này tối đa 40 điểm" in page and 'value="45"' in page
    assert not entry.sheets.filter(submitted_at__isnull=False).exists()


def test_the_council_selects_on_the_summary_page_and_the_pdf_and_workbook_read_back(
    client, selection_rules, tayninh_officer, tay_ninh, judges, tmp_path
):
    round_, (one, two) = judged_round(tayninh_officer, tay_ninh, judges)
    two.product_name = '=HYPERLINK("http://x")'
    two.save()
    for judge in judges:
        services.sheet_save(entry=one, by=judge, points=factories.marks_for(round_, 36, 34, 8, 9), submit=True)
        services.sheet_save(entry=two, by=judge, points=factories.marks_for(round_, 30, 30, 7, 7), submit=True)
    client.force_login(tayninh_officer)
    round_.refresh_from_db()
    page = client.get(f"/products/{round_.pk}/summary/").content.decode()
    assert "87,00" in page or "87.00" in page
    refused = client.post(
        f"/products/{round_.pk}/select/", {"count": "2", "recognised": [one.pk], "version": round_.version}
    )
    assert refused.status_code == 400 and "Hội đồng quyết định công nhận 2 sản phẩm" in refused.content.decode()
    round_.refresh_from_db()
    done = client.post(
        f"/products/{round_.pk}/select/", {"count": "1", "recognised": [one.pk], "version": round_.version}
    )
    assert done.status_code == 302
    response = client.post(
        f"/products/{round_.pk}/recognise/",
        {
            "number": "123/QĐ-UBND",
            "signed_on": "2026-09-10",
            "signer_name": "Nguyễn Văn Hùng",
            "signer_position": "Phó Chủ tịch",
        },
    )
    assert response.status_code == 302
    one.refresh_from_db()
    pdf = client.get(f"/products/certificates/{one.certificate.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "GIẤY CHỨNG NHẬN",
        "ỦY BAN NHÂN DÂN TỈNH TÂY NINH",
        "Sản phẩm 1",
        "123/QĐ-UBND",
        "từ ngày 10/09/2026 đến ngày 31/12/2028",
        one.certificate.number,
    ):
        assert expected in text, expected
    (tmp_path / "certificate.pdf").write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "certificate.pdf"), str(tmp_path / "c")], check=True)
    workbook = factories.workbook(client.get(f"/products/{round_.pk}/export.xlsx").content)
    results = list(workbook["Kết quả"].iter_rows(values_only=True))
    assert results[1][0] == "001" and results[1][5] == 87 and results[1][7] == "có"
    formula_cell = workbook["Kết quả"]["B3"]
    assert formula_cell.value == two.product_name and formula_cell.data_type == "s"
    scores = list(workbook["Tổng hợp điểm"].iter_rows(values_only=True))
    assert scores[2][2:7] == (3, 74, 74, 74, 0)
    public = client.get(f"/products/{round_.pk}/recognised/").content.decode()
    assert "Sản phẩm 1" in public and "Sản phẩm 2" not in public


def test_the_conference_page_quotes_the_regional_round_of_its_year(client, selection_rules, ministry_staff):
    from conferences import services as conference_services
    from conferences.models import Conference

    conference_services.conferences_load()
    conference = Conference.objects.get(region__code="southern", year=2022)
    round_ = factories.make_round(
        by=ministry_staff, level="region", year=2022, judging_starts=datetime.date(2022, 10, 10)
    )
    from products.tests.test_history import _entries

    _entries(round_, factories.province(72, 2004), ministry_staff, 5, 3)
    _entries(round_, factories.province(80, 2004), ministry_staff, 5, 2)
    client.force_login(ministry_staff)
    page = " ".join(client.get(f"/conferences/{conference.pk}/").content.decode().split())
    assert "10 sản phẩm của 2 tỉnh, thành phố, 5 sản phẩm được công nhận (50,0%)" in page


def test_an_establishments_page_shows_its_certificate_validity(
    client, selection_rules, tayninh_officer, tay_ninh, judges
):
    _round, (entry, _other) = recognised_round(
        tayninh_officer, tay_ninh, judges, signed_on=datetime.date(2023, 6, 1), starts=datetime.date(2023, 5, 1)
    )
    client.force_login(tayninh_officer)
    page = client.get(f"/products/establishments/{entry.beneficiary_id}/").content.decode()
    assert entry.certificate.number in page
    assert "hết hiệu lực ngày 31/12/2025" in page  # issued 01/06/2023: 2023, 2024, 2025
    response = client.post(
        f"/products/certificates/{entry.certificate.pk}/report/",
        {"year": 2025, "support_amount": "15000000", "business_situation": "Doanh thu tăng 12%"},
    )
    assert response.status_code == 302
    assert entry.certificate.annual_reports.get().support_amount == 15_000_000
