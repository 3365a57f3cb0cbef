"""Importing documents: a reader turns a file into blocks, the structurer makes the document.

This module is the only one that knows both stages: the readers (``read_text``,
``read_docx``) know nothing of the structurer, and the structurer knows nothing of files.
The expected printed type name ("BẢN TIN") comes from the caller, which asks the kind.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from portal.importing.blocks import NOT_READABLE, ImportRefused, Unreadable
from portal.importing.convert import FORMAT_NAMES, old_format, to_docx
from portal.importing.legacy import (
    converted_note,
    decode_legacy_bytes,
    docx_to_unicode,
    text_to_unicode,
)
from portal.importing.read_docx import check_docx, is_docx, read_docx
from portal.importing.read_text import decode_text, read_text
from portal.importing.structure import ImportResult, OutlineItem, fallback, structure_document

__all__ = [
    "ImportRefused",
    "ImportResult",
    "OutlineItem",
    "decode_text",
    "decode_upload",
    "detect_format",
    "import_docx",
    "import_text",
    "import_upload",
]


def import_text(
    text: str,
    kind: str,
    *,
    type_name: str | None = None,
    monthly: bool = False,
    layout_repairs: bool = True,
) -> ImportResult:
    """Import one document's plain text; never raises.

    ``layout_repairs`` joins paragraphs cut by page breaks and dash lines cut from a footnote,
    flaws of plain-text exports. Text in TCVN3 or VNI is converted first, and everything is
    read in Unicode NFC.
    """
    try:
        text, notes = text_to_unicode(text if isinstance(text, str) else str(text or ""))
        source = read_text(text, layout_repairs=layout_repairs)
    except Exception as exc:  # noqa: BLE001 - the import must never raise
        return fallback([], exc)
    return _with_notes(
        structure_document(source, kind, type_name=type_name, monthly=monthly), notes
    )


def import_docx(
    data: bytes, kind: str, *, type_name: str | None = None, monthly: bool = False
) -> ImportResult:
    """Import one .docx; never raises (a file that cannot be read gives a report note).

    Runs in legacy fonts (.VnTime, VNI-Times) are converted and every text is made NFC before
    the reader looks for anything (a TCVN3 "ạ" is the character "¹").
    """
    data, notes = docx_to_unicode(data)
    try:
        source = read_docx(data)
    except Unreadable as exc:
        return ImportResult(report=exc.notes)
    return _with_notes(
        structure_document(source, kind, type_name=type_name, monthly=monthly), notes
    )


def _with_notes(result: ImportResult, notes: list[str]) -> ImportResult:
    """The result with the encoding notes at the top of its report."""
    result.report[:0] = notes
    return result


def import_upload(
    data: bytes, kind: str, *, type_name: str | None = None, monthly: bool = False
) -> tuple[ImportResult, str]:
    """Import an uploaded .txt, .docx, .doc, .rtf or .odt; returns the result and the format
    found.

    Raises ImportRefused (Vietnamese message) for bytes that are none of them, and for an old
    format LibreOffice could not convert (missing, too slow, a damaged file).
    """
    source = detect_format(data)
    if source in FORMAT_NAMES:
        result = import_docx(to_docx(data, source), kind, type_name=type_name, monthly=monthly)
        note = f"Đã chuyển {FORMAT_NAMES[source]} sang .docx bằng LibreOffice để nhập."
        return _with_notes(result, [note]), source
    if source == "docx":
        return import_docx(data, kind, type_name=type_name, monthly=monthly), source
    text, notes = decode_upload(data)
    result = import_text(text, kind, type_name=type_name, monthly=monthly)
    return _with_notes(result, notes), source


def detect_format(data: bytes) -> str:
    """'docx', 'doc', 'rtf', 'odt' or 'text', decided by content; raises ImportRefused for
    anything else. An old format is converted by LibreOffice when imported."""
    legacy_format = old_format(data)
    if legacy_format:
        return legacy_format
    if is_docx(data):
        check_docx(data)
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            gettext_noop(
                "Tệp Word 97-2003 (.doc) hoặc tệp Word có mật khẩu chưa nhập được. Hãy mở tệp "
                "trong Word, bỏ mật khẩu nếu có, lưu lại dưới dạng .docx rồi thử lại."
            )
        )
    if data.startswith(b"%PDF"):
        raise ImportRefused(
            gettext_noop("Tệp PDF không nhập được. Hãy dùng tệp Word .docx hoặc .txt (UTF-8).")
        )
    decode_upload(data)
    return "text"


def decode_upload(data: bytes) -> tuple[str, list[str]]:
    """The text of an uploaded text file: UTF-8, or an old 8-bit Vietnamese encoding (TCVN3,
    VNI, Windows-1258) when it reads as Vietnamese; with a report line saying which."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in data:
            raise ImportRefused(NOT_READABLE) from exc
        legacy_text = decode_legacy_bytes(data)
        if legacy_text is None:
            raise ImportRefused(NOT_READABLE) from exc
        text, encoding = legacy_text
        return text, [converted_note(encoding, "tệp văn bản theo bảng mã cũ")]
    return decode_text(data), []
