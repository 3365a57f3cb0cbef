"""The document as data: the format of backups and of other clients."""

import re
from html import unescape
from typing import Any

from guidance.selectors import indicator_lines
from portal.kinds import kind_record
from portal.models import Document, Revision

_HEADING = re.compile(r"<h([2-5])([^>]*)>(.*?)</h\1>", re.S)
_FOOTNOTE = re.compile(r'<span class="footnote">(.*?)</span>', re.S)
_TAG = re.compile(r"<[^>]+>")
_ID = re.compile(r'\bid="([^"]*)"')
FORMAT_VERSION = 1


def _text(html: str) -> str:
    return " ".join(unescape(_TAG.sub("", html)).split())


def outline_of(body_html: str) -> list[dict[str, Any]]:
    """The headings of a body: level 1 for h2 down to 4 for h5, with their anchors."""
    outline = []
    for level, attributes, inner in _HEADING.findall(body_html):
        anchor = _ID.search(attributes)
        outline.append(
            {
                "level": int(level) - 1,
                "text": _text(inner),
                "anchor": anchor.group(1) if anchor else "",
            }
        )
    return outline


def footnotes_of(body_html: str) -> list[str]:
    """The footnote texts in the order of their calls."""
    return [_text(inner) for inner in _FOOTNOTE.findall(body_html)]


def _kind_fields(document: Document) -> dict[str, Any]:
    record = kind_record(document)
    if document.kind == Document.Kind.BULLETIN:
        return {"period_month": record.period_month, "period_year": record.period_year}
    if document.kind == Document.Kind.REPORT:
        return {"quarter": record.quarter, "year": record.year}
    based_on = record.based_on if record else None
    return {"based_on": {"id": based_on.pk, "number": based_on.number} if based_on else None}


def _decimal(value) -> str | None:
    """Exact decimal as text, without the storage's trailing zeros ("116442.134")."""
    return None if value is None else format(value.normalize(), "f")


def _ratio(check) -> dict[str, Any]:
    return {
        "value": check.display,
        "status": check.status,
        "reported": _decimal(check.reported),
        "flagged": check.flagged,
        "note": check.note,
    }


def indicators_of(document: Document) -> list[dict[str, Any]]:
    """A report's indicator rows: exact figures as decimal strings, ratios computed."""
    if document.kind != Document.Kind.REPORT:
        return []
    rows = []
    for line in indicator_lines(document):
        row = line.indicator
        rows.append(
            {
                "code": row.code,
                "name": row.name,
                "unit": row.unit,
                "level": line.level,
                "plan": [_decimal(row.plan_low), _decimal(row.plan_high)],
                "estimate": _decimal(row.estimate),
                "same_period_last_year": _decimal(row.same_period),
                "same_period_ratio": _ratio(line.same_period_check),
                "plan_ratio": _ratio(line.plan_check),
            }
        )
    return rows


def references_of(document: Document) -> list[dict[str, Any]]:
    """The Party and State documents the body cites, in order of first mention."""
    citations = document.citations.select_related("cited").order_by("position")
    return [
        {
            "number": c.cited.number,
            "type": c.cited.type_name,
            "issued_by": c.cited.issued_by,
            "issued_on": c.cited.issued_on.isoformat() if c.cited.issued_on else None,
            "text": c.text,
            "basis": c.basis,
        }
        for c in citations
    ]


def document_as_data(document: Document, revision: Revision | None = None) -> dict[str, Any]:
    """Metadata, outline, body, footnotes, indicators and cited references of a revision."""
    revision = revision or document.approved_revision or document.current_revision
    body = revision.body_html if revision else ""
    issuer = document.issuer
    return {
        "format": "portal-document",
        "version": FORMAT_VERSION,
        "id": document.pk,
        "kind": document.kind,
        "status": document.status,
        "issuer": {"code": issuer.code, "name": issuer.name, "symbol": issuer.symbol},
        "number": document.number,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "title": document.title,
        "recipients": document.recipient_lines,
        "authority_line": document.authority_line,
        "signer_title": document.signer_title,
        "signer_name": document.signer_name,
        **_kind_fields(document),
        "revision": revision.number if revision else None,
        "outline": outline_of(body),
        "body_html": body,
        "footnotes": footnotes_of(body),
        "indicators": indicators_of(document),
        "references": references_of(document),
    }
