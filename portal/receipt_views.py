"""Which cells received a published document (the issuing staff's board, its CSV, the
reminder), and a secretary's "Đã nhận"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.downloads import csv_response
from portal.handoff import person_name
from portal.models import Receipt
from portal.pagination import paginate
from portal.selectors import CellReceipt, get_document_for_user, receipt_board
from portal.services import receipts

PER_PAGE = 100
NOT_RECEIVED = "chua-nhan"  # ?chua-nhan=1: only the cells that have not received it


@login_required
@require_GET
def receipts_board(request, pk: int):
    document = get_document_for_user(request.user, pk, action="receipts")
    rows, groups = receipt_board(document)
    if request.GET.get(NOT_RECEIVED):
        rows = [row for row in rows if row.receipt is None or row.receipt.received_at is None]
    if request.GET.get("dinh-dang") == "csv":
        return _csv(document, rows)
    context = {"document": document, "rows": paginate(request, rows, PER_PAGE),
               "groups": groups[:-1], "whole": groups[-1],
               "not_received": bool(request.GET.get(NOT_RECEIVED))}  # fmt: skip
    return render(request, "portal/receipts.html", context)


def _state(row: CellReceipt) -> str:
    if row.receipt is None:
        return _("Chưa nhận")
    return row.receipt.get_via_display()


def _csv(document, rows: list[CellReceipt]) -> HttpResponse:
    header = [_("Tổ chức cơ sở đảng"), _("Chi bộ"), _("Bí thư"), _("Tình trạng"), _("Lúc"),
              _("Người nhận")]  # fmt: skip
    return csv_response(slugify(f"da-nhan-{document.number or document.pk}"), header,
                        [_csv_row(row) for row in rows])  # fmt: skip


def _csv_row(row: CellReceipt) -> list[str]:
    when = row.receipt.received_at or row.receipt.created_at if row.receipt else None
    return [
        row.cell.parent.name if row.cell.parent else "", row.cell.name, row.secretaries,
        _state(row), timezone.localtime(when).strftime("%d/%m/%Y %H:%M") if when else "",
        person_name(row.receipt.user) if row.receipt else "",
    ]  # fmt: skip


@login_required
@require_POST
def receipts_remind(request, pk: int):
    document = get_document_for_user(request.user, pk, action="receipts")
    try:
        count = receipts.receipts_remind(document=document, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã nhắc %(count)s chi bộ chưa nhận.") % {"count": count})
    return redirect("portal:receipts_board", document.pk)


@login_required
@require_POST
def receipt_confirm(request, pk: int):
    """A secretary confirms that the cell received the document (printed by someone else)."""
    document = get_document_for_user(request.user, pk)
    receipt = receipts.receipt_record(
        document=document, user=request.user, via=Receipt.Via.CONFIRMED
    )
    if receipt is None:
        messages.error(request, _("Chỉ bí thư chi bộ xác nhận đã nhận văn bản đã ban hành."))
    else:
        messages.success(request, _("Đã ghi nhận chi bộ đã nhận văn bản."))
    return redirect("portal:document_detail", document.pk)
