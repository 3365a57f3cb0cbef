"""A new document's closing (recipients, authority line, signer) comes from the department's
last approved or published document of the same kind."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from portal.services.documents import document_create, last_issued, new_document_prefill
from portal.services.workflow import document_approve, document_forward, document_submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=VN).date()
KIND_FIELDS = {
    "bulletin": {"period_month": 11, "period_year": 2026},
    "guidance": {},
    "report": {"quarter": 3, "year": 2026},
    "plan": {"year": 2026},
}


def _closing(signer: str) -> dict[str, str]:
    return {
        "recipients": f"- Thường trực Quận ủy,\n- Lưu BTGQU ({signer}).",
        "authority_line": "K/T TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": signer,
    }


def _document(users, orgs, *, kind, signer, kind_fields=None):
    return document_create(
        kind=kind,
        issuer=orgs["doson-btg"],
        actor=users["doson.editor"],
        title=f"{kind} ký bởi {signer}",
        body_html="<p>Nội dung.</p>",
        fields=_closing(signer),
        kind_fields=kind_fields or KIND_FIELDS[kind],
    )


def _approved_at(users, orgs, when: datetime, **kwargs):
    with time_machine.travel(when, tick=False):
        document = _document(users, orgs, **kwargs)
        document = document_submit(document=document, actor=users["doson.editor"])
        document = document_forward(document=document, actor=users["doson.head"])
        return document_approve(document=document, actor=users["hp.approver"])


def _prefill(orgs, kind: str):
    return new_document_prefill(kind=kind, issuer=orgs["doson-btg"], month="", today=TODAY)


def test_a_new_guidance_takes_the_closing_of_the_last_one_issued(users, orgs):
    _approved_at(users, orgs, datetime(2026, 10, 5, 9, tzinfo=VN), kind="guidance", signer="Ông Cũ")
    last = _approved_at(
        users, orgs, datetime(2026, 11, 20, 9, tzinfo=VN), kind="guidance", signer="Bà Mới"
    )
    _document(users, orgs, kind="guidance", signer="Bản Nháp")  # a draft is not a model
    # nor another kind's, approved later
    _approved_at(users, orgs, datetime(2026, 11, 25, 9, tzinfo=VN), kind="report", signer="Báo Cáo")
    initial = _prefill(orgs, "guidance").initial
    assert {name: initial[name] for name in _closing("")} == _closing("Bà Mới")
    assert "I. MỤC ĐÍCH, YÊU CẦU" in initial["body"]  # the kind's own prefill is kept
    assert last.number in _prefill(orgs, "guidance").note
    # Another department starts from its own closing, not from Đồ Sơn's.
    other = new_document_prefill(
        kind="guidance", issuer=orgs["ngoquyen-btg"], month="", today=TODAY
    )
    assert (
        "signer_name" not in other.initial
        and "Lưu BTGQU (Bà Mới)" not in other.initial["recipients"]
    )


def test_the_latest_issue_date_wins_then_the_latest_approval(users, orgs):
    _approved_at(users, orgs, datetime(2026, 11, 20, 16, tzinfo=VN), kind="report", signer="Chiều",
                 kind_fields={"quarter": 3, "year": 2026})  # fmt: skip
    _approved_at(users, orgs, datetime(2026, 11, 20, 8, tzinfo=VN), kind="report", signer="Sáng",
                 kind_fields={"quarter": 2, "year": 2026})  # fmt: skip
    _approved_at(users, orgs, datetime(2026, 9, 1, 8, tzinfo=VN), kind="report", signer="Tháng 9",
                 kind_fields={"quarter": 1, "year": 2026})  # fmt: skip
    assert last_issued(kind="report", issuer=orgs["doson-btg"]).signer_name == "Chiều"
    assert _prefill(orgs, "report").initial["signer_name"] == "Chiều"


def test_without_an_approved_one_the_kinds_defaults_stay(users, orgs):
    _document(users, orgs, kind="guidance", signer="Bản Nháp")
    prefill = _prefill(orgs, "guidance")
    assert prefill.initial["authority_line"] == "K/T TRƯỞNG BAN"
    assert "signer_name" not in prefill.initial
    assert "Nơi nhận và người ký lấy theo" not in prefill.note
    assert "signer_name" not in _prefill(orgs, "bulletin").initial


def test_the_new_bulletin_page_shows_last_months_closing(client, users, orgs):
    _approved_at(
        users, orgs, datetime(2026, 11, 3, 9, tzinfo=VN), kind="bulletin", signer="Lê Văn B"
    )
    client.force_login(users["doson.editor"])
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=VN), tick=False):
        page = client.get(reverse("portal:document_new", args=["bulletin"])).content.decode()
    assert 'name="signer_name" value="Lê Văn B"' in page
    assert 'value="PHÓ TRƯỞNG BAN"' in page and "Lưu BTGQU (Lê Văn B)." in page
    assert "Nơi nhận và người ký lấy theo bản tin số 1-BT/BTGQU" in page


def test_a_kind_added_later_gets_its_closing_prefilled_too(users, orgs):
    _approved_at(users, orgs, datetime(2026, 11, 3, 9, tzinfo=VN), kind="plan", signer="Kế Hoạch")
    assert _prefill(orgs, "plan").initial["signer_name"] == "Kế Hoạch"
