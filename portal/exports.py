"""The document as data: the format of backups and of other clients."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from portal.body import parse_body
from portal.kinds import KINDS
from portal.models import Document, Organisation, Revision

FORMAT_VERSION = 1
SUMMARY_LENGTH = 300


def outline_of(body_html: str) -> list[dict[str, Any]]:
    """The headings of a body: level 1 for h2 down to 4 for h5, with their anchors."""
    return [
        {"level": heading.level - 1, "text": heading.text_with_notes, "anchor": heading.id}
        for heading in parse_body(body_html).headings
    ]


def footnotes_of(body_html: str) -> list[str]:
    """The footnote texts in the order of their calls."""
    return list(parse_body(body_html).footnotes)


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
    return {
        "format": "portal-document",
        "version": FORMAT_VERSION,
        "id": document.pk,
        "kind": document.kind,
        "status": document.status,
        "issuer": issuer_as_data(document.issuer),
        "number": document.number,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "title": document.title,
        "recipients": document.recipient_lines,
        "authority_line": document.authority_line,
        "signer_title": document.signer_title,
        "signer_name": document.signer_name,
        **KINDS[document.kind].export_fields(document),
        "revision": revision.number if revision else None,
        "outline": outline_of(body),
        "body_html": body,
        "footnotes": footnotes_of(body),
        "references": references_of(document),
    }


def issuer_as_data(issuer: Organisation) -> dict[str, str]:
    return {"code": issuer.code, "name": issuer.name, "symbol": issuer.symbol}


def summary_of(document: Document) -> str:
    """The beginning of the approved text, enough to tell what the document is about."""
    revision = document.approved_revision or document.current_revision
    paragraphs = parse_body(revision.body_html).paragraphs if revision else ()
    return Truncator(" ".join(paragraphs)).chars(SUMMARY_LENGTH)


def published_entry(document: Document, absolute: Callable[[str], str]) -> dict[str, Any]:
    """A published document in a list for other clients; ``absolute`` makes a path a full URL.

    ``pdf_url`` is the download page, which asks the reader to sign in: a list handed to a
    feed reader carries no signed file link."""
    return {
        "id": document.pk,
        "title": document.title,
        "kind": document.kind,
        "kind_label": str(KINDS[document.kind].label),
        "number": document.number,
        "issuer": issuer_as_data(document.issuer),
        "published_at": timezone.localtime(document.published_at).isoformat(),
        "url": absolute(reverse("portal:document_detail", args=[document.pk])),
        "pdf_url": absolute(reverse("portal:document_pdf", args=[document.pk])),
        "summary": summary_of(document),
    }
