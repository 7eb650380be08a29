"""What an uploaded file is, told by its first bytes (and, for office files, the zip's own declaration of
its contents), never by its name or the browser's claim. Each app decides which of these kinds it accepts.

Office Open XML (.docx, .xlsx) declares the content type of its main part in `[Content_Types].xml`; a
macro-enabled file (.docm, .xlsm) declares a `macroEnabled` type there and usually carries a
`vbaProject.bin`. OpenDocument (.odt, .ods) starts with an uncompressed `mimetype` entry naming its type.
Macro-enabled files are told apart (kind "macro") so that callers can refuse them by name.
"""

import re
import zipfile

# kind -> (extension, content type served back)
KINDS = {
    "pdf": (".pdf", "application/pdf"),
    "jpeg": (".jpg", "image/jpeg"),
    "png": (".png", "image/png"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": (".odt", "application/vnd.oasis.opendocument.text"),
    "ods": (".ods", "application/vnd.oasis.opendocument.spreadsheet"),
}
MACRO = "macro"  # a macro-enabled office file: never among KINDS, so no caller can accept it by mistake
MAGIC = [(b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg")]
# The main part's declared content type in [Content_Types].xml
OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
CONTENT_TYPE_ATTRIBUTE = re.compile(rb'ContentType\s*=\s*"([^"]+)"')
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # a real [Content_Types].xml is a few kB: do not inflate a zip bomb


def detect(file) -> str | None:
    """The file's kind among KINDS, MACRO for a macro-enabled office file, or None. Leaves the file at its start."""
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
            kind = _office_kind(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, RuntimeError):
        kind = None
    file.seek(0)
    return kind


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    names = {info.filename: info for info in archive.infolist()}
    if "mimetype" in names and names["mimetype"].file_size < 200:
        return ODF_MIMETYPES.get(archive.read("mimetype").strip())
    info = names.get("[Content_Types].xml")
    if info is None or info.file_size > MAX_CONTENT_TYPES_BYTES:
        return None
    declared = set(CONTENT_TYPE_ATTRIBUTE.findall(archive.read(info)))
    if any(b"macroenabled" in value.lower() for value in declared) or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        return MACRO
    found = {OOXML_MAIN[value.decode()] for value in declared if value.decode(errors="replace") in OOXML_MAIN}
    return found.pop() if len(found) == 1 else None
