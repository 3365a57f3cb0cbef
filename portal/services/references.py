"""Citations of Party and State documents, read from the body of a revision.

Writes: ``references_sync`` (after every save and import). Reads: the citations a user may
see, with the month of each citing document, for the two reference pages.
"""

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Max, QuerySet

from portal.access import held_roles
from portal.body import parse_body
from portal.kinds import KINDS, kind_record
from portal.models import Citation, CitedDocument, Document, Membership, Organisation, Revision
from portal.references import (
    Reference,
    find_references,
    is_based_on,
    normalise_number,
    scope_id,
    years_in_context,
)
from portal.selectors import documents_visible_to, visible_document_ids

_TEXT_LIMIT = Citation._meta.get_field("text").max_length
_NUMBER_LIMIT, _TYPE_LIMIT, _ISSUED_BY_LIMIT = (
    CitedDocument._meta.get_field(name).max_length for name in ("number", "type_name", "issued_by")
)
# What a cited document is (its issuing body, its date) is learnt only from documents the
# portal has approved: a draft's wording is nobody else's to see.
_TRUSTED = (Document.Status.APPROVED, Document.Status.PUBLISHED)


def body_text(body_html: str) -> str:
    """The plain text of a sanitised body: blocks on their own lines, footnotes apart."""
    return parse_body(body_html or "").text


class _CitedIndex:
    """The cited documents of one body's numbers, read in one query; those still missing
    are made in memory and written together by ``save``."""

    def __init__(self, keys: set[str]):
        self.rows: dict[tuple[str, int | None], list[CitedDocument]] = {}
        for row in CitedDocument.objects.filter(key__in=keys):
            self.rows.setdefault((row.key, row.scope_id), []).append(row)
        self.changed: dict[int, set[str]] = {}

    def cited_for(self, reference: Reference, year: int | None, scope: int | None):
        """The cited document of a reference: same number, year and scope (a local number
        is its district's or city's); an undated mention takes a dated one."""
        rows = self.rows.setdefault((reference.key, scope), [])
        undated = next((row for row in rows if row.year is None), None)
        if year is None:
            dated = [row for row in rows if row.year is not None]
            # An undated mention means the latest of that number: bulletins cite current
            # directives.
            row = max(dated, key=lambda r: (r.year, r.issued_on or date.min)) if dated else undated
        else:
            row = next((row for row in rows if row.year == year), None) or undated
        if row is None:
            row = CitedDocument(
                key=reference.key,
                year=year,
                scope_id=scope,
                number=reference.number[:_NUMBER_LIMIT],
                type_name=reference.type_name[:_TYPE_LIMIT],
                issuer_code=reference.issuer_code[:30],
            )
            rows.append(row)
        return row

    def fill(self, row: CitedDocument, reference: Reference, year: int | None, *, trusted: bool):
        """Complete what earlier mentions left blank: the year, and from an approved
        document the date and the issuing body."""
        changed = set()
        if row.year is None and year is not None:
            row.year = year
            changed.add("year")
        if trusted and not row.issued_by and reference.issued_by:
            row.issued_by = reference.issued_by[:_ISSUED_BY_LIMIT]
            changed.add("issued_by")
        dated = reference.issued_on and reference.issued_on.year == (row.year or year)
        if trusted and not row.issued_on and dated:
            row.issued_on = reference.issued_on
            changed.add("issued_on")
        if changed and row.pk is not None:
            self.changed.setdefault(row.pk, set()).update(changed)

    def save(self, used: list[CitedDocument]) -> dict[int, CitedDocument]:
        """Write the new and completed rows (at most three queries); return the stored
        row of each used one by its ``id()``. A row another save made meanwhile is taken."""
        new = [row for row in used if row.pk is None]
        old = {row.pk: row for row in used if row.pk is not None and row.pk in self.changed}
        if old:
            fields = sorted(set().union(*(self.changed[pk] for pk in old)))
            CitedDocument.objects.bulk_update(old.values(), fields)
        stored = {id(row): row for row in used if row.pk is not None}
        if new:
            CitedDocument.objects.bulk_create(new, ignore_conflicts=True)
            made = {
                (row.key, row.year, row.scope_id): row
                for row in CitedDocument.objects.filter(key__in={row.key for row in new})
            }
            stored.update({id(row): made[(row.key, row.year, row.scope_id)] for row in new})
        return stored


def _basis_numbered(document: Document, reference: Reference) -> Document | None:
    """The approved document of the same kind with the referenced number addressed to the
    document's part of the tree (the city, or its own district): district symbols such as
    BTGQU repeat from one district to the next, and a neighbour's guidance is never a basis."""
    candidates = list(
        Document.objects.filter(
            kind=document.kind,
            status__in=(Document.Status.APPROVED, Document.Status.PUBLISHED),
            number_key=reference.key,
            audience_id__in=document.issuer.ancestor_ids,
        ).exclude(pk=document.pk)
    )
    # Numbers restart every term: the issue date, when given, picks the right one.
    candidates.sort(key=lambda c: (c.issued_on != reference.issued_on, -(c.pk or 0)))
    return candidates[0] if candidates else None


def _based_on_sync(*, document: Document, text: str, references: list[Reference]) -> None:
    """Link a document (a guidance) to the higher one its text is based on, when that one is
    here; unlink it when the text no longer names one that is. Only kinds with a basis field."""
    field = KINDS[document.kind].basis_field
    record = kind_record(document) if field else None
    if record is None:
        return
    bases = (
        _basis_numbered(document, reference)
        for reference in references
        if is_based_on(text, reference)
    )
    higher = next((found for found in bases if found is not None), None)
    if getattr(record, f"{field}_id") != (higher.pk if higher else None):
        setattr(record, field, higher)
        record.save(update_fields=[field])


def _lower_basis_sync(document: Document) -> None:
    """Link the documents already based on this one's number to it, now that it has one:
    only those issued within this one's audience (never a neighbouring district's)."""
    kind = KINDS[document.kind]
    if not kind.basis_field or not document.number or document.status not in _TRUSTED:
        return
    key = normalise_number(document.number)
    lower_ids = Citation.objects.filter(
        basis=True,
        cited__key=key,
        document__kind=document.kind,
        document__issuer__path__startswith=document.audience.path,
    ).values("document_id")
    kind.model.objects.filter(
        document_id__in=lower_ids, **{f"{kind.basis_field}__isnull": True}
    ).exclude(document_id=document.pk).update(**{kind.basis_field: document})


# The codes of district committees (Quận ủy, Huyện ủy, Thị ủy), which ended on 1 July 2025:
# cited from a commune-level unit that succeeded one, such a number is the former district's.
_FORMER_DISTRICT_CODE_RE = re.compile(r"(?:QU|HU|TXU)$")


class _Scopes:
    """The scope of a local number cited by a document of an issuer (its ancestors, city
    first): as ``scope_id``, except that a district committee's number cited from the
    commune-level unit that succeeded the district stays the district's ("5-KH/QU" of Quận
    ủy Đồ Sơn, cited by phường Đồ Sơn): read once, only when such a number is cited."""

    def __init__(self, ancestor_ids: list[int]):
        self.ancestor_ids = ancestor_ids
        self._former: int | None | bool = False

    def of(self, issuer_code: str) -> int | None:
        scope = scope_id(issuer_code, self.ancestor_ids)
        code = unicodedata.normalize("NFC", issuer_code).upper()
        if scope is None or len(self.ancestor_ids) < 2 or scope != self.ancestor_ids[1]:
            return scope
        if not _FORMER_DISTRICT_CODE_RE.search(code):
            return scope
        if self._former is False:
            heritage = (
                Organisation.objects.filter(pk=scope).values_list("heritage", flat=True).first()
            )
            ids = [int(part) for part in (heritage or "").strip("/").split("/") if part]
            # Several districts merged into one unit: the first of them (its lowest key).
            self._former = min(ids) if ids else None
        return self._former or scope


@transaction.atomic
def references_sync(*, document: Document, revision: Revision) -> int:
    """Replace the document's citations by those of the revision's body; return their count.

    A fixed number of queries whatever the number of citations: the cited documents are
    read at once, the new ones and the citations written in bulk."""
    text = body_text(revision.body_html)
    references = find_references(text)
    index = _CitedIndex({reference.key for reference in references})
    trusted = document.status in _TRUSTED
    chosen: OrderedDict[int, tuple[CitedDocument, Reference, bool]] = OrderedDict()
    resolved: dict[tuple[str, int | None], CitedDocument] = {}
    scopes = _Scopes(document.issuer.ancestor_ids)
    for reference, year in zip(references, years_in_context(references), strict=True):
        cited = resolved.get((reference.key, year))
        if cited is None:
            scope = scopes.of(reference.issuer_code)
            cited = resolved[(reference.key, year)] = index.cited_for(reference, year, scope)
        index.fill(cited, reference, year, trusted=trusted)
        basis = is_based_on(text, reference)
        if id(cited) not in chosen or (basis and not chosen[id(cited)][2]):
            previous = chosen.get(id(cited))
            chosen[id(cited)] = (cited, previous[1] if previous else reference, basis)
    stored = index.save([cited for cited, _, _ in chosen.values()])
    Citation.objects.filter(document=document).delete()
    Citation.objects.bulk_create(
        Citation(
            document=document,
            cited=stored[id(cited)],
            revision=revision,
            text=" ".join(text[reference.start : reference.end].split())[:_TEXT_LIMIT],
            position=position,
            basis=basis,
        )
        for position, (cited, reference, basis) in enumerate(chosen.values())
    )
    _based_on_sync(document=document, text=text, references=references)
    _lower_basis_sync(document)
    return len(chosen)


# Reads -----------------------------------------------------------------------------------


def citations_visible_to(user) -> QuerySet[Citation]:
    """Citations in documents the user may see, each with ``period``: the month index its
    document counts in (a bulletin's month, a report's last month, else the month it was
    issued), read from the document's stored period column."""
    return (
        Citation.objects.filter(document__in=visible_document_ids(user))
        .select_related("cited", "document__issuer")
        .annotate(period=F("document__period_last"))
    )


@dataclass
class CitedRow:
    """One cited document with how many visible documents cite it and the latest month."""

    cited: CitedDocument
    count: int
    latest_period: int | None


def cited_counts(citations: QuerySet[Citation]) -> QuerySet:
    """One row per cited document (``cited_id``, ``count``, ``latest``): most cited first,
    then most recently cited; the database groups, so a page reads only its own rows."""
    return (
        citations.order_by()
        .values("cited_id")
        .annotate(count=Count("pk"), latest=Max("period"))
        .order_by("-count", F("latest").desc(nulls_last=True), "cited__key", "cited_id")
    )


def cited_rows(counts) -> list[CitedRow]:
    """The rows of one page of ``cited_counts``, with their cited documents read at once."""
    counts = list(counts)
    cited = CitedDocument.objects.in_bulk([row["cited_id"] for row in counts])
    return [CitedRow(cited[row["cited_id"]], row["count"], row["latest"]) for row in counts]


def period_label(period: int) -> str:
    """'12/2024' for a period index."""
    return f"{period % 12 + 1:02d}/{period // 12}"


def documents_numbered(user, cited: CitedDocument) -> list[Document]:
    """Portal documents the user may see whose own number is the cited one."""
    candidates = documents_visible_to(user).filter(number_key=cited.key)
    if cited.scope_id is not None:  # a local number: issued within its district or city
        candidates = candidates.filter(issuer__path__contains=f"/{cited.scope_id}/")
    if cited.year is not None:  # numbers restart every term: the year tells them apart
        candidates = candidates.filter(
            issued_on__gte=date(cited.year, 1, 1), issued_on__lt=date(cited.year + 1, 1, 1)
        )
    return list(candidates.order_by("pk"))


PROPAGANDA_ROLES = {Membership.Role.EDITOR, Membership.Role.HEAD, Membership.Role.APPROVER}


def sees_propaganda(user) -> bool:
    """Staff (editors, heads, approvers) see what was propagated; cell secretaries do not."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(h.role in PROPAGANDA_ROLES for h in held_roles(user))
