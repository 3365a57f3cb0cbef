"""Importing plain-text and Word documents through the same path users take."""

import html
import re

from django.db import transaction
from django.utils import timezone

from portal.importer import ImportResult, import_text
from portal.importer_docx import import_upload
from portal.models import Document, Organisation
from portal.services.documents import document_create

_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER_RE = re.compile(r"quý\s+(IV|I{1,3})\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)


def _kind_fields(kind: str, result) -> dict:
    """Period fields read from the text, this month or quarter when the text does not say."""
    today = timezone.localdate()
    if kind == Document.Kind.BULLETIN:
        return {
            "period_month": result.period_month or today.month,
            "period_year": result.period_year or today.year,
        }
    if kind == Document.Kind.REPORT:
        quarter = _QUARTER_RE.search(result.title)
        year = _YEAR_RE.search(result.title)
        return {
            "quarter": _QUARTERS[quarter.group(1).upper()] if quarter else (today.month + 2) // 3,
            "year": int(year.group(1)) if year else today.year,
        }
    return {}


def _fallback_title(kind: str, result: ImportResult) -> str:
    """A title for a text without one: the bulletin's standard line, else its first line."""
    if kind == Document.Kind.BULLETIN and result.period_month and result.period_year:
        return (
            f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {result.period_month:02d} NĂM {result.period_year}"
        )
    text = html.unescape(re.sub(r"<[^>]+>", "\n", result.body_html))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines or ["(không có tiêu đề)"])[0][:500]


_SOURCES = {"text": "văn bản thuần", "docx": "tệp Word (.docx)"}


_FIELD_LABELS = {
    "title": "Tiêu đề",
    "authority_line": "Dòng quyền hạn ký",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Tên người ký",
}


def _fitted(value: str, name: str, notes: list[str]) -> str:
    """The value cut at a word to fit its field; the words cut off go to the import report."""
    limit = Document._meta.get_field(name).max_length
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    head = cut.rsplit(" ", 1)[0] or cut
    rest = value[len(head) :].strip()
    notes.append(f"{_FIELD_LABELS[name]} dài quá {limit} ký tự; phần bị cắt: «{rest}».")
    return head + "…"


@transaction.atomic
def document_import(
    *,
    kind: str,
    issuer: Organisation,
    actor,
    text: str | None = None,
    data: bytes | None = None,
    kind_fields: dict | None = None,
) -> tuple[Document, list[str]]:
    """Create a draft from plain text or from an uploaded file's bytes (.txt or .docx).

    The import report is kept on the 'import' event. ``data`` that is neither UTF-8 text nor
    a readable .docx raises ``portal.importer_docx.ImportRefused`` (a Vietnamese message).
    """
    if data is not None:
        result, source = import_upload(data, kind)
    else:
        result, source = import_text(text or "", kind), "text"
    notes = list(result.report)
    title = _fitted(result.title or _fallback_title(kind, result), "title", notes)
    fields = {
        "recipients": "\n".join(result.recipients),
        **{
            name: _fitted(getattr(result, name), name, notes)
            for name in ("authority_line", "signer_title", "signer_name")
        },
    }
    summary = (
        f"Nhập từ {_SOURCES[source]}: {len(result.outline)} đề mục, "
        f"{result.footnote_count} chú thích, {len(notes)} điểm cần kiểm tra."
    )
    document = document_create(
        kind=kind,
        issuer=issuer,
        actor=actor,
        title=title,
        body_html=result.body_html,
        fields=fields,
        kind_fields={**_kind_fields(kind, result), **(kind_fields or {})},
        action="import",
        reason="\n".join([summary, *notes]),
    )
    return document, notes
