"""Papers and evidence: type by content, size-limited, never served from a public URL."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conferences import services, uploads
from conferences.models import Document
from khuyencong import filetypes

from .conftest import conference_of, make_docx, make_pdf, make_png, province


@pytest.mark.parametrize(
    ("factory", "expected"),
    [(make_pdf, "application/pdf"), (make_png, "image/png"), (make_docx, filetypes.KINDS["docx"][1])],
)
def test_accepted_types(factory, expected):
    assert uploads.upload_check(factory())[1] == expected


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script>", b"MZ\x90\x00\x03", b"PK\x03\x04 not really a zip", b""],
)
def test_content_decides_not_the_name(content):
    with pytest.raises(ValidationError):
        uploads.upload_check(SimpleUploadedFile("paper.pdf", content, content_type="application/pdf"))


def test_zip_without_word_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.sh", "rm -rf /")
    with pytest.raises(ValidationError):
        uploads.upload_check(SimpleUploadedFile("paper.docx", buffer.getvalue()))


def test_size_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ValidationError, match="20 MB"):
        uploads.upload_check(make_pdf())


def test_province_uploads_its_paper_ministry_the_agenda(
    client, open_conference, tayninh_officer, cantho_officer, ministry_staff
):
    url = reverse("conferences:document_upload", args=[open_conference.pk])
    paper = {"kind": "paper", "title": "Tham luận Tây Ninh", "province": province(80).pk}
    client.force_login(cantho_officer)
    assert client.post(url, {**paper, "file": make_pdf()}).status_code == 400  # Tây Ninh is not a choice for them
    with pytest.raises(PermissionDenied):
        services.document_upload(
            conference=open_conference, kind="agenda", title="Chương trình", file=make_pdf(), by=cantho_officer
        )
    client.force_login(tayninh_officer)
    assert client.post(url, {**paper, "file": make_docx()}).status_code == 302
    doc = Document.objects.get(conference=open_conference)
    assert (doc.province, doc.original_name, doc.uploaded_by) == (province(80), "paper.docx", tayninh_officer)
    services.document_upload(
        conference=open_conference, kind="agenda", title="Chương trình", file=make_pdf(), by=ministry_staff
    )
    download = reverse("conferences:document_download", args=[doc.pk])
    client.force_login(cantho_officer)  # papers are shared with every participant
    assert client.get(download).status_code == 200
    client.logout()
    assert client.get(download).status_code == 302  # to the sign-in page


def test_media_is_not_routed(client, history, ministry_staff):
    client.force_login(ministry_staff)
    assert client.get("/private-media/conferences/documents/anything.pdf").status_code == 404


def test_2022_summary_report_is_listed_without_a_file(client, history, ministry_staff):
    doc = Document.objects.get(conference=conference_of(2022), kind="summary")
    client.force_login(ministry_staff)
    assert client.get(reverse("conferences:document_download", args=[doc.pk])).status_code == 404
