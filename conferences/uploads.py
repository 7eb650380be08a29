"""Checks on uploaded papers and evidence: type by content (magic bytes), never by name or browser claim."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# detected kind -> (extension, content type served back)
TYPES = {
    "pdf": (".pdf", "application/pdf"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "jpeg": (".jpg", "image/jpeg"),
    "png": (".png", "image/png"),
}


def _detect(file: UploadedFile) -> str | None:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:  # a DOCX is a zip holding word/document.xml
                is_docx = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_docx = False
        file.seek(0)
        return "docx" if is_docx else None
    return None


def upload_check(file: UploadedFile) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload, or raise ValidationError in the user's language."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    kind = _detect(file)
    if kind is None:
        raise ValidationError(_("Only PDF, DOCX, JPEG or PNG files are accepted."), code="file_type")
    return TYPES[kind]
