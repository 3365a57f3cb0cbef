"""The bulletin as a document kind: what the core asks of it, registered from ready()."""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.kinds import Kind
from portal.models import Document
from portal.services.imports import fields_valid

NAME = "bulletin"


def _form():
    from bulletins.forms import BulletinForm

    return BulletinForm


def _prefill(*, issuer, month: str, today: date):
    from bulletins.services import bulletin_prefill

    return bulletin_prefill(issuer=issuer, month=month, today=today)


def import_fields(result, *, today: date, notes: list[str]) -> dict[str, Any]:
    """The bulletin's month and year from the importer, both dropped if the model refuses one.

    A period the model refuses (year 1, year 9999) would make the edit form refuse every
    later save, so it is replaced by this month with a line in ``notes``.
    """
    from bulletins.models import Bulletin

    month, year = result.period_month, result.period_year
    if month and year and not fields_valid(Bulletin, period_month=month, period_year=year):
        notes.append(
            f"Kỳ tháng {month}/{year} đọc được trong văn bản không hợp lệ; bản tin được xếp "
            f"vào kỳ tháng {today.month}/{today.year}, hãy sửa lại nếu cần."
        )
        month = year = None
    return {"period_month": month or today.month, "period_year": year or today.year}


def import_title(result) -> str:
    """The standard line of a bulletin whose text has no title but names its month."""
    if result.period_month and result.period_year:
        return (
            f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {result.period_month:02d} NĂM {result.period_year}"
        )
    return ""


def export_fields(document: Document) -> dict[str, Any]:
    record = document.bulletin
    return {"period_month": record.period_month, "period_year": record.period_year}


def period_name(document: Document) -> str:
    """'tháng 12/2026': the month the bulletin informs about."""
    record = document.bulletin
    words = _("tháng %(month)s/%(year)s")
    return str(words % {"month": record.period_month, "year": record.period_year})


def period_months(record) -> tuple[int, int]:
    """The bulletin's month, as a month index."""
    month = record.period_year * 12 + record.period_month - 1
    return month, month


BULLETIN = Kind(
    name=NAME,
    label=_("Bản tin"),
    new_label=_("Bản tin mới"),
    type_name="BẢN TIN",
    code="BT",
    model_label="bulletins.Bulletin",
    related_name="bulletin",
    fields=("period_month", "period_year"),
    monthly=True,
    form=_form,
    prefill=_prefill,
    import_fields=import_fields,
    import_title=import_title,
    export_fields=export_fields,
    print_options={"masthead": True},
    period_name=period_name,
    period_months=period_months,
    period_length=1,
)
