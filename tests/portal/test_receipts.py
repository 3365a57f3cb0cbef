"""Which cells received a published document: opened, downloaded or confirmed; the issuing
staff's board, its CSV and the reminder to the cells that have not received it."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification, Receipt
from portal.selectors import reading_with_receipts
from portal.services.receipts import receipts_remind
from tests.factories import make_document


@pytest.fixture
def published(users, orgs):
    return make_document(users, orgs, state="published")


def _board(client, document, **params) -> str:
    response = client.get(reverse("portal:receipts_board", args=[document.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_opening_is_seen_downloading_is_received(client, users, published):
    secretary = users["vanhuong.secretary"]
    client.force_login(secretary)
    page = client.get(reverse("portal:document_detail", args=[published.pk])).content.decode()
    receipt = Receipt.objects.get(document=published)
    assert (receipt.via, receipt.received_at) == (Receipt.Via.OPENED, None)
    assert 'id="confirm-received"' in page
    # Opened is not received: this month's page still offers it for download.
    assert reading_with_receipts(secretary).get(pk=published.pk).received_at is None

    client.get(reverse("portal:document_pdf", args=[published.pk]))
    receipt.refresh_from_db()
    assert receipt.via == Receipt.Via.DOWNLOADED and receipt.received_at is not None
    assert receipt.created_at <= receipt.received_at  # the first sight is kept
    assert Receipt.objects.filter(document=published).count() == 1


def test_a_secretary_confirms_receiving_a_copy_printed_elsewhere(client, users, published):
    client.force_login(users["vanhuong.secretary"])
    response = client.post(reverse("portal:receipt_confirm", args=[published.pk]))
    assert response.status_code == 302
    receipt = Receipt.objects.get(document=published)
    assert receipt.via == Receipt.Via.CONFIRMED and receipt.received_at is not None
    page = client.get(reverse("portal:document_detail", args=[published.pk])).content.decode()
    assert 'id="cell-received">Chi bộ đã xác nhận đã nhận lúc' in page
    assert 'id="confirm-received"' not in page
    client.force_login(users["doson.editor"])  # staff have no cell: refused, said so
    client.post(reverse("portal:receipt_confirm", args=[published.pk]))
    page = client.get(reverse("portal:document_detail", args=[published.pk])).content.decode()
    assert "Chỉ bí thư chi bộ xác nhận đã nhận văn bản đã ban hành." in page


def test_the_board_counts_cells_per_grassroots_and_exports_them(client, users, published):
    reader = users["vanhuong.secretary"]
    client.force_login(reader)
    client.get(reverse("portal:document_detail", args=[published.pk]))  # opened only
    client.force_login(users["doson.editor"])
    page = _board(client, published)
    assert 'id="receipts-summary" class="lead">0/2 chi bộ đã nhận (0%); 1 chi bộ mới mở' in page
    detail = client.get(reverse("portal:document_detail", args=[published.pk])).content.decode()
    assert "Chi bộ đã nhận: 0/2 (0%)" in detail

    client.force_login(reader)
    client.get(reverse("portal:document_pdf", args=[published.pk]))
    client.force_login(users["doson.editor"])
    page = _board(client, published)
    assert "1/2 chi bộ đã nhận (50%); 0 chi bộ mới mở" in page
    assert '<td>Đảng bộ phường Vạn Hương</td><td class="num">1</td><td class="num">0</td>' in page
    assert "<td>Phan Văn Hải</td>" in page  # the secretary, family name first
    assert "Trang 1/1 · 2 chi bộ" in page
    missing = _board(client, published, **{"chua-nhan": "1"})
    assert "Chi bộ tổ dân phố số 2 Vạn Hương" in missing
    assert "Chi bộ tổ dân phố số 1 Vạn Hương" not in missing

    response = client.get(
        reverse("portal:receipts_board", args=[published.pk]), {"dinh-dang": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["Tổ chức cơ sở đảng", "Chi bộ", "Bí thư", "Tình trạng"]
    states = {row[1]: row[3] for row in rows[1:]}
    assert states == {
        "Chi bộ tổ dân phố số 1 Vạn Hương": "Đã tải về",
        "Chi bộ tổ dân phố số 2 Vạn Hương": "Chưa nhận",
    }


def test_the_reminder_reaches_the_cells_not_received_once_a_day(users, published):
    reader = users["vanhuong.secretary"]
    count = receipts_remind(document=published, actor=users["doson.editor"])
    assert count == 2  # both cells; only the first has a secretary to tell
    told = Notification.objects.filter(kind=Notification.Kind.UNRECEIVED)
    assert [n.user for n in told] == [reader]
    assert published.number in told.get().message
    with pytest.raises(ValidationError, match="mỗi ngày chỉ nhắc một lần"):
        receipts_remind(document=published, actor=users["doson.head"])
    with time_machine.travel(timezone.now() + timedelta(hours=21)):
        Receipt.objects.create(
            document=published, organisation=reader.memberships.get().organisation,
            user=reader, via=Receipt.Via.DOWNLOADED, received_at=timezone.now(),
        )  # fmt: skip
        assert receipts_remind(document=published, actor=users["doson.editor"]) == 1
    assert told.count() == 1  # the cell that received it is not told again
