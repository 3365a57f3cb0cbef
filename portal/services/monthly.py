"""One document of a monthly kind per issuer and month: a department issues one bulletin a month.

Every document of the month counts, whatever its state: a draft or a returned one is finished
rather than started again, a submitted one comes back to its author by being returned, and
a published one is corrected, not issued twice.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.kinds import KINDS, PERIOD_FIELDS, kind_record
from portal.models import Document, Organisation

# The states in which a document holds its month; a state added later (withdrawn, replaced
# by a correction) frees it unless it is listed here.
HOLDING_STATES = (
    Document.Status.DRAFT,
    Document.Status.SUBMITTED,
    Document.Status.RETURNED,
    Document.Status.APPROVED,
    Document.Status.PUBLISHED,
)


class MonthTaken(ValidationError):
    """A second document of a monthly kind for an issuer's month; ``existing`` is the first."""

    def __init__(self, existing: Document, month: int, year: int) -> None:
        self.existing = existing
        super().__init__(month_taken_message(existing, month=month, year=year))


def month_taken_message(existing: Document, *, month: int, year: int) -> str:
    return _(
        "%(issuer)s đã có %(kind)s tháng %(month)02d/%(year)s («%(title)s», %(status)s); mỗi "
        "đơn vị chỉ lập một %(kind)s cho mỗi tháng nên bản này chưa được lưu. Nội dung bạn "
        "gõ vẫn còn trên trang này: hãy chép sang %(kind)s đã có."
    ) % {
        "issuer": existing.issuer.name,
        "kind": KINDS[existing.kind].label.lower(),
        "month": month,
        "year": year,
        "title": existing.title,
        "status": existing.get_status_display().lower(),
    }


def period_of(values: dict[str, Any]) -> tuple[int, int] | None:
    """(month, year) read from a monthly kind's fields; None when either is missing or bad."""
    try:
        month, year = (int(values[name]) for name in PERIOD_FIELDS)
    except (KeyError, TypeError, ValueError):
        return None
    return month, year


def document_of_month(
    *,
    kind: str,
    issuer: Organisation | int,
    month: int,
    year: int,
    exclude: Document | None = None,
) -> Document | None:
    """The issuer's document of a monthly kind for that month, if there is one."""
    related = KINDS[kind].related_name
    documents = Document.objects.filter(
        kind=kind,
        issuer=issuer,
        status__in=HOLDING_STATES,
        **{f"{related}__{PERIOD_FIELDS[0]}": month, f"{related}__{PERIOD_FIELDS[1]}": year},
    ).select_related("issuer")
    if exclude is not None:
        documents = documents.exclude(pk=exclude.pk)
    return documents.order_by("pk").first()


def month_free_require(
    *,
    kind: str,
    issuer: Organisation,
    kind_fields: dict[str, Any] | None,
    document: Document | None = None,
) -> None:
    """Refuse (MonthTaken) a document of a monthly kind for a month the issuer already has.

    ``document``: the one being edited; only an edit that moves it to another month is
    checked, and its own fields fill what ``kind_fields`` leaves out.
    """
    if not KINDS[kind].monthly:
        return
    record = kind_record(document) if document is not None else None
    values = {name: getattr(record, name) for name in PERIOD_FIELDS} if record else {}
    period = period_of({**values, **(kind_fields or {})})
    if period is None or (record is not None and period == period_of(values)):
        return
    existing = document_of_month(
        kind=kind, issuer=issuer, month=period[0], year=period[1], exclude=document
    )
    if existing is not None:
        raise MonthTaken(existing, *period)


def month_opened_message(existing: Document, *, month: int, year: int, editable: bool) -> str:
    """Why 'new' opened the month's existing document rather than a blank one."""
    values = {
        "issuer": existing.issuer.name,
        "kind": KINDS[existing.kind].label.lower(),
        "month": month,
        "year": year,
        "status": existing.get_status_display().lower(),
    }
    if editable:
        message = _(
            "%(issuer)s đã có %(kind)s tháng %(month)02d/%(year)s (%(status)s) nên trang "
            "này mở %(kind)s đó để soạn tiếp: mỗi đơn vị chỉ lập một %(kind)s cho mỗi tháng."
        )
    else:
        message = _(
            "%(issuer)s đã có %(kind)s tháng %(month)02d/%(year)s (%(status)s); %(kind)s đó "
            "không sửa được lúc này nên đây là trang của nó: mỗi đơn vị chỉ lập một %(kind)s "
            "cho mỗi tháng."
        )
    return message % values


def month_after(month: int, year: int) -> tuple[int, int]:
    return (month % 12) + 1, year + (month == 12)
