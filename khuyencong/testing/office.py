"""Office files for tests, laid out as Word, Excel and LibreOffice write them (package parts and the
declarations in `[Content_Types].xml` or the leading `mimetype` entry), so content checks meet real structure."""

import io
import zipfile

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>{extra}
<Override PartName="/{part}" ContentType="{main}"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="{part}"/></Relationships>"""
DOCUMENT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>{text}</w:t></w:r></w:p></w:body></w:document>"""


def docx(text: str = "Thuyết minh đề án", *, macro: bool = False) -> bytes:
    """A Word document; macro=True gives a .docm (macro-enabled main part and a VBA project)."""
    buffer = io.BytesIO()
    extra = '\n<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' if macro else ""
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        main = WORD_MACRO_MAIN if macro else WORD_MAIN
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(extra=extra, part="word/document.xml", main=main))
        archive.writestr("_rels/.rels", RELS.format(part="word/document.xml"))
        archive.writestr("word/document.xml", DOCUMENT.format(text=text))
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA storage")
    return buffer.getvalue()


def xlsx(*, macro: bool = False) -> bytes:
    """A workbook written by openpyxl; macro=True relabels its main part as Excel does for an .xlsm."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Dự toán"
    workbook.save(buffer)
    if not macro:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    EXCEL_MACRO_MAIN.encode(),
                )
            archive.writestr(info, data)
    return out.getvalue()


def opendocument(kind: str = "odt") -> bytes:
    """An OpenDocument text (odt) or spreadsheet (ods): `mimetype` first and stored, as the format requires."""
    mimetype = {
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype[kind], compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype[kind]}"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()
