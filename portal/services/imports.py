"""Importing plain-text and Word documents through the same path users take."""

import html
import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from portal.importing import ImportResult, import_text, import_upload
from portal.importing.structure import other_issuer_note
from portal.kinds import KINDS
from portal.models import Document, Organisation
from portal.services.documents import document_create


def _kind_fields(kind: str, result: ImportResult, notes: list[str]) -> dict:
    """The kind's own fields read from the text (a bulletin's month, a report's quarter)."""
    return KINDS[kind].import_fields(result, today=timezone.localdate(), notes=notes)


def _importer_options(kind: str) -> dict:
    """What the importer needs to know of a kind: its printed type name, whether monthly."""
    return {"type_name": KINDS[kind].type_name, "monthly": KINDS[kind].monthly}


def fields_valid(model: type[models.Model], **values: int) -> bool:
    """True when every value passes its model field's validators (the edit form's rules)."""
    try:
        for name, value in values.items():
            model._meta.get_field(name).run_validators(value)
    except ValidationError:
        return False
    return True


def _fallback_title(kind: str, result: ImportResult) -> str:
    """A title for a text without one: the kind's own (a bulletin's month line), else its
    first line."""
    title = KINDS[kind].import_title(result)
    if title:
        return title
    text = html.unescape(re.sub(r"<[^>]+>", "\n", result.body_html))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines or ["(không có tiêu đề)"])[0][:500]


_SOURCES = {
    "text": "văn bản thuần",
    "docx": "tệp Word (.docx)",
    "doc": "tệp Word 97-2003 (.doc)",
    "rtf": "tệp RTF (.rtf)",
    "odt": "tệp OpenDocument (.odt)",
}


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
        result, source = import_upload(data, kind, **_importer_options(kind))
    else:
        result = import_text(text or "", kind, **_importer_options(kind))
        source = "text"
    notes = list(result.report)
    other_issuer = other_issuer_note(
        result.header,
        parent_line=issuer.parent_line,
        print_name=issuer.print_name,
        symbol=issuer.symbol,
    )
    if other_issuer:
        notes.insert(0, other_issuer)
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
