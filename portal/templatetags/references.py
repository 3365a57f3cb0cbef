"""Template helpers for citations: links in the body, the cited list, guidance issued under."""

import html
from bisect import bisect_right
from collections import defaultdict

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from portal.body import parse_body
from portal.models import Citation
from portal.references import find_references, years_in_context
from portal.services.references import period_label, sees_propaganda

register = template.Library()


def _targets(citations: list[Citation]) -> tuple[dict, dict]:
    by_year = {(c.cited.key, c.cited.year): c.cited_id for c in citations}
    by_key: dict[str, set[int]] = defaultdict(set)
    for citation in citations:
        by_key[citation.cited.key].add(citation.cited_id)
    return by_year, by_key


def _link(text: str, links: list[tuple[int, int, int]]) -> str:
    pieces, position = [], 0
    for start, end, pk in links:
        url = reverse("portal:cited_detail", args=[pk])
        pieces.append(html.escape(text[position:start], quote=False))
        pieces.append(f'<a class="citation" href="{url}">')
        pieces.append(html.escape(text[start:end], quote=False) + "</a>")
        position = end
    pieces.append(html.escape(text[position:], quote=False))
    return "".join(pieces)


@register.filter
def link_references(body_html: str, citations) -> SafeString:
    """The sanitised body with each recognised citation linked to its page.

    Only text between tags changes, and only where a citation is linked; text already
    inside a link stays as it is.
    """
    parsed = parse_body(body_html or "")
    citations = list(citations or [])
    segments: list[tuple[int, str, int]] = []  # run index, text, offset in joined
    offset = 0
    for index, run in enumerate(parsed.text_runs):
        if citations and not run.in_link:
            segments.append((index, run.text, offset))
            offset += len(run.text) + 1
    joined = "\n".join(text for _, text, _ in segments)
    references = find_references(joined)
    by_year, by_key = _targets(citations)
    starts = [start for _, _, start in segments]
    links: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for reference, year in zip(references, years_in_context(references), strict=True):
        pk = by_year.get((reference.key, year))
        if pk is None and len(by_key.get(reference.key, ())) == 1:
            pk = next(iter(by_key[reference.key]))
        segment = bisect_right(starts, reference.start) - 1
        _, text, start = segments[segment] if segment >= 0 else (0, "", 0)
        if pk is not None and reference.end <= start + len(text):
            links[segment].append((reference.start - start, reference.end - start, pk))
    linked = {segments[s][0]: _link(segments[s][1], found) for s, found in links.items()}
    # The body was sanitised on save; only escaped text and our own links were added.
    return mark_safe(parsed.with_runs_replaced(linked))  # noqa: S308


@register.filter
def can_see_propaganda(user) -> bool:
    return sees_propaganda(user)


@register.filter
def period(index) -> str:
    """'12/2024' for a citation's period index."""
    return period_label(index) if isinstance(index, int) else ""
