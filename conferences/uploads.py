"""Checks on uploaded papers and evidence: type by content (magic bytes), never by name or browser claim."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from khuyencong import filetypes

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

ACCEPTED = ("pdf", "docx", "jpeg", "png")


def upload_check(file: UploadedFile) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload, or raise ValidationError in the user's language."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    kind = filetypes.detect(file)
    if kind not in ACCEPTED:
        raise ValidationError(_("Only PDF, DOCX, JPEG or PNG files are accepted."), code="file_type")
    return filetypes.KINDS[kind]
