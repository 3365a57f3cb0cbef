"""The output formats by name: what each is called and served as, and how it is made.

A format is one ``Renderer`` in ``RENDERERS``; its files are rows of ``RenderedFile`` keyed by
the format's name, so a new format is a new renderer, not new columns. Each renderer imports
its library only when it renders: writing a Word file never loads WeasyPrint.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from portal.models import Document, Revision
from portal.rendering.documents import draft_print_data_for, print_data_for


@dataclass(frozen=True)
class Renderer:
    """One output format of a document."""

    name: str  # "pdf": in URLs, commands and the RenderedFile table
    extension: str  # of the file name: "pdf"
    content_type: str
    label: str  # what the user is told is being made: "bản PDF"
    render: Callable[[Document, Revision], bytes]
    stored: bool = False  # rendered once when a revision is approved, and kept


RENDERERS: dict[str, Renderer] = {}


def register_renderer(renderer: Renderer) -> None:
    """Add a format; registering another renderer under a taken name is an error."""
    if renderer.name in RENDERERS and RENDERERS[renderer.name] != renderer:
        raise ValueError(f"renderer {renderer.name!r} is registered twice")
    RENDERERS[renderer.name] = renderer


def stored_formats() -> tuple[str, ...]:
    """The formats kept for every approved revision."""
    return tuple(name for name, renderer in RENDERERS.items() if renderer.stored)


def render_files(
    document: Document, revision: Revision, formats: Iterable[str] = ("pdf",)
) -> dict[str, bytes]:
    """The files of a document at a revision, by format name."""
    return {name: RENDERERS[name].render(document, revision) for name in formats}


def _render_pdf(document: Document, revision: Revision) -> bytes:
    """The PDF, made in a child process under the configured time and memory limits."""
    from portal.rendering.pdf import render_pdf_limited

    return render_pdf_limited(
        print_data_for(document, revision),
        timeout_s=settings.RENDER_TIMEOUT_SECONDS,
        max_memory_mb=settings.RENDER_MAX_MEMORY_MB,
    )


def _render_draft_pdf(document: Document, revision: Revision) -> bytes:
    """The reviewers' PDF of a revision not yet approved (see ``draft_print_data_for``)."""
    from portal.rendering.pdf import render_pdf_limited

    return render_pdf_limited(
        draft_print_data_for(document, revision),
        timeout_s=settings.RENDER_TIMEOUT_SECONDS,
        max_memory_mb=settings.RENDER_MAX_MEMORY_MB,
    )


def _render_docx(document: Document, revision: Revision) -> bytes:
    from portal.rendering.docx import render_docx

    return render_docx(print_data_for(document, revision))


def _render_json(document: Document, revision: Revision) -> bytes:
    """The document as data, serialised as the JSON view serves it, ending with a newline."""
    from portal.exports import document_as_data

    text = json.dumps(
        document_as_data(document, revision), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    return (text + "\n").encode("utf-8")


register_renderer(
    Renderer(
        name="pdf",
        extension="pdf",
        content_type="application/pdf",
        label=_("bản PDF"),
        render=_render_pdf,
        stored=True,
    )
)
register_renderer(
    Renderer(
        name="docx",
        extension="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        label=_("bản Word"),
        render=_render_docx,
        stored=True,
    )
)
# Made when a reviewer asks for it, kept per revision by services.rendering.draft_pdf_for;
# never the official "pdf", which only an approved revision has.
register_renderer(
    Renderer(
        name="draft",
        extension="pdf",
        content_type="application/pdf",
        label=_("bản PDF dự thảo"),
        render=_render_draft_pdf,
    )
)
register_renderer(
    Renderer(
        name="json",
        extension="json",
        content_type="application/json",
        label=_("bản JSON"),
        render=_render_json,
    )
)
