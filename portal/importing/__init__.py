"""Importing documents: a reader turns a file into blocks, the structurer makes the document.

This module is the only one that knows both stages: the readers (``read_text``,
``read_docx``) know nothing of the structurer, and the structurer knows nothing of files.
The expected printed type name ("BẢN TIN") comes from the caller, which asks the kind.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from portal.importing.blocks import ImportRefused, Unreadable
from portal.importing.read_docx import check_docx, is_docx, read_docx
from portal.importing.read_text import decode_text, read_text
from portal.importing.structure import ImportResult, OutlineItem, fallback, structure_document

__all__ = [
    "ImportRefused",
    "ImportResult",
    "OutlineItem",
    "decode_text",
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
    flaws of plain-text exports.
    """
    try:
        source = read_text(text, layout_repairs=layout_repairs)
    except Exception as exc:  # noqa: BLE001 - the import must never raise
        return fallback([], exc)
    return structure_document(source, kind, type_name=type_name, monthly=monthly)


def import_docx(
    data: bytes, kind: str, *, type_name: str | None = None, monthly: bool = False
) -> ImportResult:
    """Import one .docx; never raises (a file that cannot be read gives a report note)."""
    try:
        source = read_docx(data)
    except Unreadable as exc:
        return ImportResult(report=exc.notes)
    return structure_document(source, kind, type_name=type_name, monthly=monthly)


def import_upload(
    data: bytes, kind: str, *, type_name: str | None = None, monthly: bool = False
) -> tuple[ImportResult, str]:
    """Import an uploaded .txt or .docx; returns the result and the format found.

    Raises ImportRefused (Vietnamese message) for bytes that are neither.
    """
    source = detect_format(data)
    if source == "docx":
        return import_docx(data, kind, type_name=type_name, monthly=monthly), source
    return import_text(decode_text(data), kind, type_name=type_name, monthly=monthly), source


def detect_format(data: bytes) -> str:
    """'docx' or 'text', decided by content; raises ImportRefused for anything else."""
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
    decode_text(data)
    return "text"
