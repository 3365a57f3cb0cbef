"""A year and a half of approvals on a driven clock: numbers restart each Party term, the
same printed number in two terms is two documents, and no approval answers 5xx."""

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.models import Document, RegisterEntry, WorkflowEvent
from portal.services import workflow
from portal.services.documents import document_create
from portal.services.register import term_start_for
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_publish,
    document_submit,
)
from tests.factories import APPROVE_NOW, BODY, CLOSING, login_two_step, run_tasks

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=VN)


def _on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, 0, tzinfo=VN), tick=False)


def _approved(users, orgs, *, kind, issuer, editor, head, approver, fields) -> Document:
    document = document_create(
        kind=kind, issuer=orgs[issuer], actor=users[editor], title=f"{kind} {fields}",
        body_html=BODY, fields=CLOSING, kind_fields=fields,
    )  # fmt: skip
    document = document_submit(document=document, actor=users[editor])
    if head:
        document = document_forward(document=document, actor=users[head])
    document = document_approve(document=document, actor=users[approver])
    return document_publish(document=document, actor=users[approver])


def _months(start: tuple[int, int], end: tuple[int, int]):
    year, month = start
    while (year, month) <= end:
        yield year, month
        year, month = year + (month == 12), month % 12 + 1


def _downloaded_text(client, document: Document, tmp_path) -> str:
    link = client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert link.status_code == 302, link.status_code
    path = tmp_path / f"{document.pk}.pdf"
    path.write_bytes(b"".join(client.get(link["Location"]).streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(text.stdout.decode().split())


def test_numbers_restart_each_term_across_year_and_term_boundaries(client, users, orgs, tmp_path):
    issued: list[tuple[str, date, Document]] = []
    for year, month in _months((2024, 7), (2026, 12)):
        with _on(date(year, month, 20)):
            fields = {"period_month": month, "period_year": year}
            bulletin = _approved(users, orgs, kind="bulletin", issuer="doson-btg",
                                 editor="doson.editor", head="doson.head",
                                 approver="hp.approver", fields=fields)  # fmt: skip
            issued.append(("doson bulletin", date(year, month, 20), bulletin))
            if month % 3 == 0:
                guidance = _approved(users, orgs, kind="guidance", issuer="hbt-btg",
                                     editor="hbt.editor", head="hbt.head",
                                     approver="hn.approver", fields={})  # fmt: skip
                issued.append(("hbt guidance", date(year, month, 20), guidance))
                report = _approved(users, orgs, kind="report", issuer="hp", editor="hp.editor",
                                   head="hp.head", approver="hp.approver",
                                   fields={"quarter": month // 3, "year": year})  # fmt: skip
                issued.append(("hp report", date(year, month, 20), report))
            if month % 2 == 0:  # a department without a head: straight to the approver
                headless = _approved(users, orgs, kind="bulletin", issuer="ngoquyen-btg",
                                     editor="ngoquyen.editor", head=None,
                                     approver="hp.approver", fields=fields)  # fmt: skip
                issued.append(("ngoquyen bulletin", date(year, month, 20), headless))
    by_series: dict[tuple[str, int], list[str]] = {}
    for series, day, document in issued:
        assert document.status == "published" and document.issued_on == day
        assert document.term_start == term_start_for(day)
        by_series.setdefault((series, document.term_start), []).append(document.number)
    # The 2020–2025 term ends with 2024; the 2025–2030 term starts again at 1 on 1 January
    # 2025 and runs on across 1 January 2026.
    assert by_series[("doson bulletin", 2020)] == [f"{n}-BT/BTGQU" for n in range(1, 7)]
    assert by_series[("doson bulletin", 2025)] == [f"{n}-BT/BTGQU" for n in range(1, 25)]
    assert by_series[("hbt guidance", 2020)] == ["1-HD/BTGQU", "2-HD/BTGQU"]
    assert by_series[("hbt guidance", 2025)] == [f"{n}-HD/BTGQU" for n in range(1, 9)]
    assert by_series[("hp report", 2020)] == ["1-BC/TU", "2-BC/TU"]
    assert by_series[("hp report", 2025)] == [f"{n}-BC/TU" for n in range(1, 9)]
    assert by_series[("ngoquyen bulletin", 2020)] == ["1-BT/BTGQU", "2-BT/BTGQU", "3-BT/BTGQU"]
    assert by_series[("ngoquyen bulletin", 2025)] == [f"{n}-BT/BTGQU" for n in range(1, 13)]
    # Every number came from the register, one entry per document.
    assert RegisterEntry.objects.count() == len(issued)
    twice = Document.objects.filter(issuer=orgs["doson-btg"], number="1-BT/BTGQU")
    assert [d.term_start for d in twice.order_by("issued_on")] == [2020, 2025]
    # Either side of each boundary, the cell downloads the PDF with its own number and date.
    run_tasks()
    client.force_login(users["vanhuong.secretary"])
    for series, day, document in issued:
        if series == "doson bulletin" and (day.month in (1, 12)):
            words = _downloaded_text(client, document, tmp_path)
            assert f"Số {document.number}" in words
            assert f"ngày {day.day} tháng {day.month:02d} năm {day.year}" in words


def test_approving_today_after_a_number_of_the_last_term_works_and_downloads(
    client, users, orgs, tmp_path
):
    with _on(date(2024, 2, 2)):
        old = _approved(users, orgs, kind="bulletin", issuer="doson-btg", editor="doson.editor",
                        head="doson.head", approver="hp.approver",
                        fields={"period_month": 2, "period_year": 2024})  # fmt: skip
    assert old.number == "1-BT/BTGQU"
    with time_machine.travel(TODAY, tick=False):
        document = document_create(
            kind="bulletin", issuer=orgs["doson-btg"], actor=users["doson.editor"],
            title="THÔNG TIN SINH HOẠT CHI BỘ THÁNG 12 NĂM 2026", body_html=BODY, fields=CLOSING,
            kind_fields={"period_month": 12, "period_year": 2026},
        )  # fmt: skip
        document = document_submit(document=document, actor=users["doson.editor"])
        document = document_forward(document=document, actor=users["doson.head"])
        login_two_step(client, users["hp.approver"])
        url = reverse("portal:document_transition", args=[document.pk, "approve"])
        assert client.post(url, APPROVE_NOW).status_code == 302
        document.refresh_from_db()
        assert (document.number, document.term_start) == ("1-BT/BTGQU", 2025)
        assert document.issued_on == date(2026, 12, 2)
        from portal.services.rendering import revision_render

        revision_render(revision_id=document.approved_revision_id)
        document.refresh_from_db()
        assert document.status == "published"  # approving publishes at once by default
        client.force_login(users["vanhuong.secretary"])
        link = client.get(reverse("portal:document_pdf", args=[document.pk]))
        assert link.status_code == 302
        pdf = b"".join(client.get(link["Location"]).streaming_content)
    path = tmp_path / "today.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    words = " ".join(text.stdout.decode().split())
    assert "Số 1-BT/BTGQU" in words and "ngày 02 tháng 12 năm 2026" in words


@pytest.mark.django_db(transaction=True)
def test_a_database_refusal_is_a_vietnamese_409_and_nothing_is_half_done(
    client, users, orgs, monkeypatch
):
    with time_machine.travel(TODAY, tick=False):
        taken = _approved(users, orgs, kind="bulletin", issuer="doson-btg",
                          editor="doson.editor", head="doson.head", approver="hp.approver",
                          fields={"period_month": 11, "period_year": 2026})  # fmt: skip
        document = document_create(
            kind="bulletin", issuer=orgs["doson-btg"], actor=users["doson.editor"],
            title="Bản tin", body_html=BODY, fields=CLOSING,
            kind_fields={"period_month": 12, "period_year": 2026},
        )  # fmt: skip
        document = document_submit(document=document, actor=users["doson.editor"])
        document = document_forward(document=document, actor=users["doson.head"])
        events_before = list(document.events.values_list("action", flat=True))
        # A register that hands out a number already printed in this term: the database
        # refuses the second document with that number.
        monkeypatch.setattr(workflow, "register_issue_number", lambda **kw: taken.number)
        login_two_step(client, users["hp.approver"])
        url = reverse("portal:document_transition", args=[document.pk, "approve"])
        response = client.post(url, APPROVE_NOW)
    assert response.status_code == 409
    assert "Cơ sở dữ liệu không nhận thao tác này" in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.number, document.approved_revision_id) == (
        "submitted", "", None,
    )  # fmt: skip
    assert list(document.events.values_list("action", flat=True)) == events_before
    assert not WorkflowEvent.objects.filter(document=document, action="approve").exists()
