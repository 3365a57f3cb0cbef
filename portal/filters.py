"""The filters of the reading lists (the library, search): kind, period and issuer, read
from the query string and refused in Vietnamese when they are not ones."""

import re

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal.kinds import KINDS, kind_choices, period_condition
from portal.models import Document, Organisation


def filtered(request: HttpRequest, documents: QuerySet[Document]) -> tuple[QuerySet, dict]:
    """The documents of the kind, period (a bulletin's month, a report's quarter) and
    issuer asked for in ``?kind=&month=YYYY-MM&issuer=``, and the filters as asked."""
    kind, month, issuer = (request.GET.get(k, "") for k in ("kind", "month", "issuer"))
    if kind in KINDS:
        documents = documents.filter(kind=kind)
    if month:
        period = year_month(month)
        if period is None:
            messages.error(request, _("Tháng lọc không hợp lệ, hãy chọn theo dạng năm-tháng."))
        else:
            documents = documents.filter(period_condition(*period))
    if issuer and not re.fullmatch(r"[-\w]{1,50}", issuer, flags=re.ASCII):
        messages.error(request, _("Đơn vị ban hành không hợp lệ; hãy chọn trong danh sách."))
    elif issuer:
        documents = documents.filter(issuer__code=issuer)
    return documents, {"kind": kind, "month": month, "issuer": issuer}


def filter_choices(readable: QuerySet[Document]) -> dict:
    """What the filters offer: every kind, and the issuers of the readable documents."""
    issuers = Organisation.objects.filter(pk__in=readable.values("issuer_id"))
    return {"kinds": kind_choices(), "issuers": issuers}


def year_month(text: str) -> tuple[int, int] | None:
    """The (year, month) of a filter like 2024-12; None for anything else or out of range."""
    year, _sep, month = text.partition("-")
    if not (text.isascii() and year.isdigit() and month.isdigit() and len(year) == 4):
        return None
    period = int(year), int(month)
    return period if 1900 <= period[0] <= 2100 and 1 <= period[1] <= 12 else None
