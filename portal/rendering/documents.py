"""From a stored document to its printed form."""

from portal.kinds import KINDS
from portal.models import Document, Revision
from portal.rendering.data import PrintData


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
    )


def render_document_pdf(document: Document, revision: Revision | None = None) -> bytes:
    """Render the PDF of a document at a revision."""
    from portal.rendering.pdf import render_pdf

    return render_pdf(print_data_for(document, revision))
