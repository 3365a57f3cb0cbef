"""The review month without dead ends: who holds each step, hand-offs, withdrawal, returned
banner, confirmation, scheduled and bulk approval, the stuck-documents page, city staff."""

from datetime import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.models import Document, Membership, WorkflowEvent
from portal.rules import ACTIONS
from portal.services.documents import document_create
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_return,
    document_submit,
    document_withdraw,
)
from tests.factories import APPROVE_NOW, BODY, CLOSING, login_two_step, make_document, run_tasks

Status = Document.Status
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_department_without_a_head_goes_straight_to_the_approver_and_says_why(users, orgs):
    document = make_document(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor")
    document = document_submit(document=document, actor=users["ngoquyen.editor"])
    assert (document.chain, document.step) == ("approver", 1)
    submitted = document.events.get(action="submit")
    assert "Ban Tuyên giáo Quận ủy Ngô Quyền chưa có lãnh đạo ban" in submitted.reason
    assert ACTIONS["approve"].test(users["hp.approver"], document)
    document = document_approve(document=document, actor=users["hp.approver"])
    assert document.number == "1-BT/BTGQU"


def test_a_head_appointed_later_does_not_move_a_document_under_review(users, orgs):
    from portal.services.organisations import membership_grant

    document = make_document(users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor")
    document = document_submit(document=document, actor=users["ngoquyen.editor"])
    membership_grant(user=users["doson.head"], organisation=orgs["ngoquyen-btg"], role="head")
    document.refresh_from_db()
    assert not ACTIONS["forward"].test(users["doson.head"], document)
    assert ACTIONS["approve"].test(users["hp.approver"], document)


def test_nobody_to_approve_refuses_the_submission_naming_the_role(users, orgs):
    Membership.objects.filter(role=Membership.Role.APPROVER, organisation=orgs["hp"]).delete()
    document = make_document(users, orgs)
    with pytest.raises(ValidationError, match="chưa có Thường trực duyệt"):
        document_submit(document=document, actor=users["doson.editor"])
    document.refresh_from_db()
    assert document.status == Status.DRAFT
    assert not document.events.filter(action="submit").exists()


def test_a_head_who_wrote_the_document_is_passed_over(users, orgs):
    from portal.services.organisations import membership_grant

    head = users["doson.head"]
    membership_grant(user=head, organisation=orgs["doson-btg"], role=Membership.Role.EDITOR)
    document = make_document(users, orgs, editor="doson.head")
    document = document_submit(document=document, actor=head)
    assert document.chain == "approver"
    assert not ACTIONS["forward"].test(head, document)


def test_the_author_withdraws_until_the_first_reviewer_acts(users, orgs):
    document = make_document(users, orgs, state="submitted")
    with pytest.raises(PermissionDenied):
        document_withdraw(document=document, actor=users["doson.head"])
    document = document_withdraw(document=document, actor=users["doson.editor"])
    assert (document.status, document.step, document.chain) == (Status.DRAFT, 0, "")
    assert document.events.last().action == WorkflowEvent.Action.WITHDRAW
    document = document_submit(document=document, actor=users["doson.editor"])
    document = document_forward(document=document, actor=users["doson.head"])
    with pytest.raises(ValidationError, match="đã được xử lý"):
        document_withdraw(document=document, actor=users["doson.editor"])


def test_every_transition_says_who_has_the_document_now(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    url = reverse("portal:document_transition", args=[document.pk, "submit"])
    response = client.post(url)
    assert _messages(response) == ["Đã trình đồng chí Hoàng Văn Nam, Lãnh đạo ban (bước 1/2)."]
    page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert "đang chờ đồng chí Hoàng Văn Nam, Lãnh đạo ban" in page
    assert 'id="withdraw"' in page
    client.force_login(users["doson.head"])
    response = client.post(reverse("portal:document_transition", args=[document.pk, "forward"]))
    assert _messages(response) == [
        "Đã trình đồng chí Trần Quang Minh, Thường trực duyệt (bước 2/2)."
    ]


def test_approving_asks_for_confirmation_showing_the_number_it_will_issue(client, users, orgs):
    document = make_document(users, orgs, state="forwarded")
    login_two_step(client, users["hp.approver"])
    url = reverse("portal:document_transition", args=[document.pk, "approve"])
    asked = client.post(url)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Xác nhận phê duyệt" in page and "<strong>1-BT/BTGQU</strong>" in page
    document.refresh_from_db()
    assert document.status == Status.SUBMITTED and not document.number
    done = client.post(url, APPROVE_NOW)
    assert done.status_code == 302
    assert "Đã phê duyệt và ban hành văn bản số 1-BT/BTGQU" in _messages(done)[0]
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED and document.published_at is not None
    actions = list(document.events.values_list("action", flat=True))
    assert actions[-2:] == ["approve", "publish"]


def test_a_scheduled_publication_is_carried_out_by_the_worker_when_due(client, users, orgs):
    with time_machine.travel(NOW, tick=False):
        document = make_document(users, orgs, state="forwarded")
        login_two_step(client, users["hp.approver"])
        url = reverse("portal:document_transition", args=[document.pk, "approve"])
        past = client.post(
            url, {"confirmed": "1", "publish": "later", "publish_at": "2026-12-01T08:00"}
        )
        assert past.status_code == 400 and "phải sau thời điểm hiện tại" in past.content.decode()
        later = {"confirmed": "1", "publish": "later", "publish_at": "2027-01-01T08:00"}
        response = client.post(url, later)
        assert "sẽ tự ban hành lúc 08:00 01/01/2027" in _messages(response)[0]
        document.refresh_from_db()
        assert document.status == Status.APPROVED and document.number == "1-BT/BTGQU"
        run_tasks()  # renders; the publication is not due yet
        document.refresh_from_db()
        assert document.status == Status.APPROVED
        page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
        assert "sẽ tự ban hành lúc 08:00 01/01/2027" in page
        inbox = client.get(reverse("portal:document_list")).content.decode()
        assert "sẽ tự ban hành lúc 08:00 01/01/2027" in inbox
    with time_machine.travel(datetime(2027, 1, 1, 8, 1, tzinfo=NOW.tzinfo), tick=False):
        run_tasks()
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED
    published = document.events.get(action="publish")
    assert published.actor is None and "theo lịch hẹn lúc 08:00 01/01/2027" in published.reason


def test_the_approver_approves_several_documents_in_one_go(client, users, orgs):
    first = make_document(users, orgs, state="forwarded")
    second = make_document(
        users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", state="forwarded"
    )
    url = reverse("portal:documents_approve")
    client.force_login(users["hp.approver"])  # with the password alone
    asked = client.post(url, {"documents": [first.pk, second.pk]})
    assert asked["Location"].startswith(reverse("mfa_reauthenticate"))
    login_two_step(client, users["hp.approver"])
    inbox = client.get(reverse("portal:document_list")).content.decode()
    assert f'id="select-{first.pk}"' in inbox and f'id="select-{second.pk}"' in inbox
    confirm = client.post(url, {"documents": [first.pk, second.pk]})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert page.count("số dự kiến 1-BT/BTGQU") == 2  # two issuers, each its own register
    assert "errorlist" not in page and 'value="now" required id="id_publish_0" checked' in page
    done = client.post(url, {"documents": [first.pk, second.pk], **APPROVE_NOW})
    assert done.status_code == 302
    assert _messages(done) == ["Đã phê duyệt 2 văn bản: 1-BT/BTGQU, 1-BT/BTGQU."]
    for document in (first, second):
        document.refresh_from_db()
        assert document.status == Status.PUBLISHED
        assert document.events.filter(action="approve", actor=users["hp.approver"]).count() == 1


def test_bulk_approval_skips_what_the_approver_may_not_approve(client, users, orgs):
    mine = make_document(users, orgs, state="forwarded")
    not_yet = make_document(users, orgs, state="submitted")  # still at the head's step
    login_two_step(client, users["hp.approver"])
    url = reverse("portal:documents_approve")
    client.post(url, {"documents": [mine.pk, not_yet.pk], **APPROVE_NOW})
    mine.refresh_from_db()
    not_yet.refresh_from_db()
    assert (mine.status, not_yet.status) == (Status.PUBLISHED, Status.SUBMITTED)


def test_a_returned_document_shows_why_and_by_whom_until_submitted_again(client, users, orgs):
    document = make_document(users, orgs, state="submitted")
    document_return(document=document, actor=users["doson.head"], reason="Bổ sung mục III.")
    client.force_login(users["doson.editor"])
    for name in ("portal:document_detail", "portal:document_edit"):
        page = client.get(reverse(name, args=[document.pk])).content.decode()
        assert 'id="returned-banner"' in page
        assert "trả lại bởi đồng chí Hoàng Văn Nam" in page and "Bổ sung mục III." in page
    document_submit(document=document, actor=users["doson.editor"])
    page = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert 'id="returned-banner"' not in page


def test_admins_see_documents_stuck_or_without_anyone_to_act(client, users, orgs):
    with time_machine.travel(datetime(2026, 11, 1, 9, 0, tzinfo=NOW.tzinfo), tick=False):
        old = make_document(users, orgs, title="Chờ lâu", state="submitted")
    with time_machine.travel(NOW, tick=False):
        orphan = make_document(users, orgs, title="Không ai xử lý", state="submitted")
        fresh = make_document(users, orgs, title="Mới trình", state="submitted")
        Membership.objects.filter(user=users["doson.head"]).delete()  # the head left
        users["doson.head"].__dict__.pop("_portal_held", None)
        client.force_login(users["doson.editor"])
        assert client.get(reverse("portal:documents_stuck")).status_code == 403
        client.force_login(users["admin"])
        page = client.get(reverse("portal:documents_stuck")).content.decode()
    assert "Chờ lâu" in page and "Không ai xử lý" in page and "Mới trình" in page
    assert "không ai có thể xử lý" in page
    Membership.objects.create(user=users["doson.head"], organisation=orgs["doson-btg"], role="head")
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("portal:documents_stuck")).content.decode()
    assert "Chờ lâu" in page and "Mới trình" not in page and "Không ai xử lý" not in page
    assert {old.pk, orphan.pk, fresh.pk}  # all three were made


def test_city_staff_draft_in_the_committee_name_and_the_city_approves(users, orgs):
    document = document_create(
        kind="report", issuer=orgs["hp"], actor=users["hp.editor"],
        title="Báo cáo quý IV năm 2026", body_html=BODY, fields=CLOSING,
        kind_fields={"quarter": 4, "year": 2026},
    )  # fmt: skip
    assert ACTIONS["edit"].test(users["hp.editor"], document)
    assert not ACTIONS["edit"].test(users["hn.editor"], document)
    document = document_submit(document=document, actor=users["hp.editor"])
    assert document.chain == "head,approver"
    assert not ACTIONS["forward"].test(users["doson.head"], document)
    document = document_forward(document=document, actor=users["hp.head"])
    with time_machine.travel(NOW, tick=False):
        document = document_approve(document=document, actor=users["hp.approver"])
    assert (document.number, document.term_start) == ("1-BC/TU", 2025)


def test_the_demo_has_the_city_departments_own_staff(db):
    call_command("load_demo", "--force", verbosity=0)
    from django.contrib.auth import get_user_model

    from portal.demo.tree import DEMO_PASSWORD

    staff = {
        m.user.username: (m.organisation.code, m.role)
        for m in Membership.objects.select_related("user", "organisation")
        if m.user.username in {"hp.editor", "hp.head", "hn.editor"}
    }
    assert staff == {
        "hp.editor": ("hp-btg", "editor"),
        "hp.head": ("hp-btg", "head"),
        "hn.editor": ("hn-btg", "editor"),
    }
    for username in staff:
        assert get_user_model().objects.get(username=username).check_password(DEMO_PASSWORD)
    report = Document.objects.get(kind="report")
    assert report.created_by.username == "hp.editor" and report.number == "1-BC/TU"
