"""The printable dossier: WeasyPrint output checked by its text, and a fetcher that reads only static files."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conferences import services
from khuyencong import pdf

from .conftest import conference_of, province


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_dossier_of_2022_reads_as_the_conference(client, history, tayninh_officer, ministry_staff):
    conclusion = conference_of(2022).conclusions.get(number=6)
    services.followup_report(
        conclusion=conclusion, province=province(72, 2004), status="done", note="Báo cáo đủ 4 kỳ", by=tayninh_officer
    )
    client.force_login(ministry_staff)
    text = pdf_text(client.get(reverse("conferences:dossier", args=[conference_of(2022).pk])))
    for expected in [
        "Hội nghị khuyến công các tỉnh, thành phố khu vực phía Nam",
        "XII",
        "13/10/2022",
        "Khách sạn Sunrise",
        "Cục Công Thương địa phương",
        "Ngô Quang Trung",
        "Lê Anh Tuấn",
        "Hậu Giang",
        "37,6%",
        "4/20",
        "Tây Ninh: hoàn thành – Báo cáo đủ 4 kỳ",
        "cộng tác viên khuyến công đến cấp xã",
    ]:
        assert expected in text, expected


def test_officers_dossier_lists_only_their_delegates(client, open_conference, tayninh_officer, cantho_officer):
    for user, name in ((tayninh_officer, "Trần Thị Hoa"), (cantho_officer, "Lý Văn Minh")):
        services.delegate_register(
            conference=open_conference,
            province=user.unit.province,
            full_name=name,
            position="Giám đốc",
            unit=user.unit,
            by=user,
        )
    client.force_login(tayninh_officer)
    text = pdf_text(client.get(reverse("conferences:dossier", args=[open_conference.pk])))
    assert "Trần Thị Hoa" in text and "Lý Văn Minh" not in text
    assert "XVI" in text and "Cà Mau" in text


@pytest.mark.parametrize(
    "url",
    ["http://example.com/x.css", "https://127.0.0.1/", "file:///etc/passwd", "data:text/plain,hi", "ftp://x/y"],
)
def test_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(ValueError):
        pdf.StaticOnlyFetcher().fetch(url)


def test_fetcher_refuses_escaping_the_static_dir():
    escape = (pdf.static_dir() / ".." / "manage.py").as_uri()
    with pytest.raises(ValueError):
        pdf.StaticOnlyFetcher().fetch(escape)


def test_fetcher_serves_a_static_file():
    response = pdf.StaticOnlyFetcher().fetch((pdf.static_dir() / "css" / "portal.css").as_uri())
    assert b"portal" in response.read()
