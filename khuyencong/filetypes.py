"""What an uploaded file is, told by its first bytes (and, for Office files, the zip's contents), never
by its name or the browser's claim. Each app decides which of these kinds it accepts."""

import zipfile

# kind -> (extension, content type served back)
KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "jpeg": (".jpg", "image/jpeg"),
    "png": (".png", "image/png"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
MAGIC = [(b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg")]
OFFICE_MARKERS = {"xl/workbook.xml": "xlsx", "word/document.xml": "docx"}


def detect(file) -> str | None:
    """The file's kind among KINDS, or None. Leaves the file positioned at its start."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    file.seek(0)
    return next((kind for marker, kind in OFFICE_MARKERS.items() if marker in names), None)
