"""Importing plain-text and Word documents through the same path users take."""

import html
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from portal.importing import ImportResult, import_text, import_upload
from portal.kinds import KINDS
from portal.models import Document, Organisation
from portal.services.documents import document_create

_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER_RE = re.compile(r"quý\s+(IV|I{1,3})\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"năm\s+([0-9]{4})", re.IGNORECASE)


def _kind_fields(kind: str, result: ImportResult, notes: list[str]) -> dict:
    """Period fields read from the text, this month or quarter when the text does not say.

    A period the kind's model refuses (year 1, year 9999) is dropped with a line in ``notes``:
    stored, it would make the edit form refuse every later save.
    """
    today = timezone.localdate()
    if kind == Document.Kind.BULLETIN:
        return _bulletin_period(result, today, notes)
    if kind == Document.Kind.REPORT:
        return _report_period(result.title, today, notes)
    return {}


def _bulletin_period(result: ImportResult, today: date, notes: list[str]) -> dict:
    """The bulletin's month and year from the importer, both dropped if the model refuses one."""
    month, year = result.period_month, result.period_year
    model = KINDS[Document.Kind.BULLETIN].model
    if month and year and not _valid(model, period_month=month, period_year=year):
        notes.append(
            f"Kỳ tháng {month}/{year} đọc được trong văn bản không hợp lệ; bản tin được xếp "
            f"vào kỳ tháng {today.month}/{today.year}, hãy sửa lại nếu cần."
        )
        month = year = None
    return {"period_month": month or today.month, "period_year": year or today.year}


def _report_period(title: str, today: date, notes: list[str]) -> dict:
    """The report's quarter and year from its title, each dropped if the model refuses it."""
    model = KINDS[Document.Kind.REPORT].model
    found = _QUARTER_RE.search(title)
    quarter = _QUARTERS[found.group(1).upper()] if found else None
    if quarter and not _valid(model, quarter=quarter):
        notes.append(f"Quý {quarter} đọc được trong tiêu đề không hợp lệ; lấy quý hiện tại.")
        quarter = None
    found = _YEAR_RE.search(title)
    year = int(found.group(1)) if found else None
    if year is not None and not _valid(model, year=year):
        notes.append(
            f"Năm {year} đọc được trong tiêu đề không hợp lệ; báo cáo được xếp vào năm "
            f"{today.year}, hãy sửa lại nếu cần."
        )
        year = None
    return {"quarter": quarter or (today.month + 2) // 3, "year": year or today.year}


def _valid(model: type[models.Model], **values: int) -> bool:
    """True when every value passes its model field's validators (the edit form's rules)."""
    try:
        for name, value in values.items():
            model._meta.get_field(name).run_validators(value)
    except ValidationError:
        return False
    return True


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
    a readable .docx raises ``portal.importing.ImportRefused`` (a Vietnamese message).
    """
    if data is not None:
        result, source = import_upload(data, kind, type_name=KINDS[kind].type_name)
    else:
        result = import_text(text or "", kind, type_name=KINDS[kind].type_name)
        source = "text"
    notes = list(result.report)
    title = _fitted(result.title or _fallback_title(kind, result), "title", notes)
    fields = {
        "recipients": "\n".join(result.recipients),
        **{
            name: _fitted(getattr(result, name), name, notes)
            for name in ("authority_line", "signer_title", "signer_name")
        },
    }
    period = _kind_fields(kind, result, notes)
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
        kind_fields={**period, **(kind_fields or {})},
        action="import",
        reason="\n".join([summary, *notes]),
    )
    return document, notes
