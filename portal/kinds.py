"""The registry of document kinds: what differs between kinds, declared by each kind's app.

The core never imports a kind's app. A kind (bulletin, guidance, report …) describes itself
with a ``Kind`` and calls ``register`` from its ``AppConfig.ready()``; the core, the
renderers, the importer and the templates ask this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django import forms
    from django.db import models

    from portal.models import Document, Revision


def _no_fields(*args, **kwargs) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Kind:
    """One document kind and the hooks through which the core treats it."""

    name: str  # stored in Document.kind: "bulletin"
    label: str  # "Bản tin" (may be a lazy translation)
    type_name: str  # printed in capitals under the header: "BẢN TIN"
    code: str  # the type part of the number: "BT" in "12-BT/BTGQU"
    model_label: str  # the kind's own table: "bulletins.Bulletin" (one-to-one to Document)
    related_name: str  # the accessor of that table on Document: "bulletin"
    fields: tuple[str, ...]  # its own fields, edited beside the shared ones
    form: Callable[[], type[forms.Form]]  # returns the editing form class
    # (issuer, month "YYYY-MM", today) -> Prefill: what a new document starts with
    prefill: Callable[..., Any]
    new_label: str = ""  # the "new document" button: "Bản tin mới"
    # Issued once a month per issuer: its table has PERIOD_FIELDS, a second document of
    # the same issuer and month is refused, and an import reads its month from the text.
    monthly: bool = False
    # (result, today, notes) -> its own fields read from an imported file
    import_fields: Callable[..., dict[str, Any]] = _no_fields
    # (result) -> a title for an imported text without one, or ""
    import_title: Callable[[Any], str] = lambda result: ""
    # (document) -> its own fields in the document as data (JSON)
    export_fields: Callable[[Document], dict[str, Any]] = _no_fields
    # (document) -> PrintData fields computed for it (a report's indicator table)
    print_extras: Callable[[Document], dict[str, Any]] = _no_fields
    # PrintData fields fixed for the kind ({"masthead": True} for a bulletin)
    print_options: dict[str, Any] = field(default_factory=dict)
    # (document) -> what in its own data would print wrong, one Vietnamese line each (a
    # report's ratios that disagree with its figures): shown before submission, never blocking
    checklist: Callable[[Document], list[str]] = lambda document: []
    # (document, revision) -> None: data derived from a saved body (a report's indicators)
    after_save: Callable[[Document, Revision], None] | None = None
    # A field of the kind's table naming the document of the same kind it is based on
    # ("căn cứ Hướng dẫn số …"): the references service links it.
    basis_field: str = ""
    # Extra buttons on the document page (a template included with ``document``).
    detail_template: str = ""
    # The kind's own URLs, included under the site root ("guidance.urls").
    urls: str = ""
    # (document) -> the time it is about, in words: "tháng 12/2026" for a bulletin, "quý
    # 1/2023" for a report; "" for a kind without a period of its own (named by its number).
    period_name: Callable[[Document], str] = lambda document: ""
    # (the kind's own row) -> the first and last month it is about, as month indexes (a
    # bulletin's month, a report's quarter); stored on the document by the row's save().
    # None: the document is placed by the month it was issued in.
    period_months: Callable[[Any], tuple[int, int]] | None = None
    # How many months one period of the kind spans (a bulletin's month: 1, a report's
    # quarter: 3): a level above can set when each period's document is due. 0: no period.
    period_length: int = 0
    # (document) -> its own rows as they print, kept with each revision to compare them row
    # by row: (column titles, [(key, cells)]), the key naming the row across revisions (a
    # report's indicator rows). None: the kind has no rows of its own.
    rows: Callable[[Document], tuple[list[str], list[tuple[str, list[str]]]]] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


KINDS: dict[str, Kind] = {}

# The month and year of a monthly kind's document, in its own table.
PERIOD_FIELDS = ("period_month", "period_year")


def register(kind: Kind) -> None:
    """Add a kind; called from its app's ``ready()``. Registering a name twice is an error."""
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"document kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind


def kind_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered kind, for model and form choices."""
    return [(kind.name, kind.label) for kind in KINDS.values()]


def kind_record(document: Document) -> models.Model | None:
    """The kind-specific row of a document, if it exists."""
    kind = KINDS.get(document.kind)
    return getattr(document, kind.related_name, None) if kind else None


def kind_related_names() -> list[str]:
    """The accessors of every kind's table, for ``select_related``."""
    return [kind.related_name for kind in KINDS.values()]


def month_index(moment: date | datetime) -> int:
    """year × 12 + month − 1 of a date, or of a time in the portal's time zone."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.year * 12 + moment.month - 1


# The longest period a kind has (a report's quarter, with room for a year): it bounds the
# index range a month's filter reads.
LONGEST_PERIOD = 12


def period_condition(year: int, month: int) -> Q:
    """Documents whose own period contains the month, on the stored period columns."""
    index = year * 12 + month - 1
    return Q(
        period_last__gte=index,
        period_last__lt=index + LONGEST_PERIOD,
        period_first__lte=index,
    )


def period_range_condition(start: int | None, end: int | None, prefix: str = "") -> Q:
    """Documents whose last month lies between two month indexes (either may be open)."""
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{prefix}period_last__gte": start})
    if end is not None:
        condition &= Q(**{f"{prefix}period_last__lte": end})
    return condition


def store_period(record: models.Model) -> None:
    """Store a kind row's period on its document (called by the row's save())."""
    kind = next(kind for kind in KINDS.values() if kind.model_label == record._meta.label)
    first, last = kind.period_months(record)
    documents = apps.get_model("portal", "Document").objects
    documents.filter(pk=record.document_id).update(period_first=first, period_last=last)
    cached = record._state.fields_cache.get("document")
    if cached is not None:
        cached.period_first, cached.period_last = first, last
