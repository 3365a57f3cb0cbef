"""From a stored document to what its printed forms show."""

import dataclasses
import hashlib

from django.utils import timezone, translation

from portal.kinds import KINDS
from portal.lines import printed_lines
from portal.models import Document, Revision
from portal.rendering.data import PrintData
from portal.services.register import number_symbol


def print_data_for(document: Document, revision: Revision | None = None) -> PrintData:
    """The printed content of a document at a revision (the approved one by default).

    What differs between kinds comes from the kind registry: its fixed print options
    (a bulletin's masthead) and the fields it computes (a report's indicator table).
    """
    revision = revision or document.approved_revision or document.current_revision
    # The issuer's lines on the document's own date: a 2024 document keeps the names and
    # symbol its issuer had then, whatever it became.
    lines = printed_lines(document.issuer, document.issued_on or timezone.localdate())
    kind = KINDS[document.kind]
    with translation.override("vi"):  # the printed text is Vietnamese whoever renders it
        kind_label = str(kind.label)
    return PrintData(
        kind=document.kind,
        parent_line=lines.parent_line,
        issuer_name=lines.print_name or lines.name.upper(),
        number=document.number,
        number_symbol=number_symbol(
            kind=document.kind, issuer=document.issuer, symbol=lines.symbol
        ),
        place=lines.place,
        issued_on=document.issued_on,
        type_name=kind.type_name,
        title=document.title,
        body_html=revision.body_html if revision else "",
        recipients=document.recipient_lines,
        authority_line=document.authority_line,
        signer_title=document.signer_title,
        signer_name=document.signer_name,
        is_draft=document.approved_revision_id is None,
        kind_label=kind_label,
        **kind.print_options,
        **kind.print_extras(document),
    )


def draft_print_data_for(document: Document, revision: Revision) -> PrintData:
    """What the reviewers' draft of a revision prints: marked "DỰ THẢO", the number left
    blank before its symbol and the date line blank, as both are given at approval."""
    return dataclasses.replace(
        print_data_for(document, revision), number="", issued_on=None, is_draft=True
    )


def print_fingerprint(data: PrintData) -> str:
    """A digest of everything printed: equal digests, equal documents (but for the
    creation time in the file's metadata)."""
    return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()[:32]
