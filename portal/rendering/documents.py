"""From a stored document to its printed form."""

from django.conf import settings

from guidance.selectors import indicator_headers, print_indicators
from portal.kinds import KINDS
from portal.models import Document, Revision
from portal.rendering.data import PrintData
from portal.rendering.docx import render_docx
from portal.rendering.pdf import render_pdf, render_pdf_limited


def print_data_for(document: Document, revision: Revision | None = None) -> PrintData:
    """The printed content of a document at a revision (the approved one by default)."""
    revision = revision or document.approved_revision or document.current_revision
    issuer = document.issuer
    return PrintData(
        kind=document.kind,
        parent_line=issuer.parent_line,
        issuer_name=issuer.print_name or issuer.name.upper(),
        number=document.number,
        place=issuer.place,
        issued_on=document.issued_on,
        type_name=KINDS[document.kind].type_name,
        title=document.title,
        body_html=revision.body_html if revision else "",
        recipients=document.recipient_lines,
        authority_line=document.authority_line,
        signer_title=document.signer_title,
        signer_name=document.signer_name,
        is_draft=document.approved_revision_id is None,
        indicators=print_indicators(document),
        indicator_headers=indicator_headers(document) if document.kind == "report" else [],
    )


def render_document_pdf(document: Document, revision: Revision | None = None) -> bytes:
    """Render the PDF of a document at a revision, in this process."""
    return render_pdf(print_data_for(document, revision))


def _render_pdf_within_limits(data: PrintData) -> bytes:
    return render_pdf_limited(
        data,
        timeout_s=settings.RENDER_TIMEOUT_SECONDS,
        max_memory_mb=settings.RENDER_MAX_MEMORY_MB,
    )


def render_document_files(
    document: Document, revision: Revision, formats: tuple[str, ...] = ("pdf",)
) -> dict[str, bytes]:
    """The official files of a revision; the PDF under time and memory limits."""
    data = print_data_for(document, revision)
    renderers = {"pdf": _render_pdf_within_limits, "docx": render_docx}
    return {fmt: renderers[fmt](data) for fmt in formats}
