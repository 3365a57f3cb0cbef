"""Each transition of the workflow, its events and its refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import Document, Membership, WorkflowEvent
from portal.services.documents import document_update
from portal.services.organisations import membership_grant
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_publish,
    document_return,
    document_submit,
)
from tests.factories import make_document, run_tasks, with_two_step

Status = Document.Status


def test_district_document_goes_to_head_then_city(users, orgs):
    document = make_document(users, orgs, state="submitted")
    assert (document.status, document.step) == (Status.SUBMITTED, 1)
    document = document_forward(document=document, actor=users["doson.head"])
    assert document.step == 2
    document = document_approve(document=document, actor=users["hp.approver"])
    assert document.status == Status.APPROVED
    assert document.approved_revision_id == document.current_revision_id
    assert document.number == "1-BT/BTGQU"
    run_tasks()
    document.refresh_from_db()
    stored = document.approved_revision.rendered_files.get(format="pdf")
    assert stored.file.read().startswith(b"%PDF")
    document = document_publish(document=document, actor=users["doson.editor"])
    assert document.status == Status.PUBLISHED
    actions = list(document.events.values_list("action", "from_status", "to_status"))
    assert actions == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("forward", "submitted", "submitted"),
        ("approve", "submitted", "approved"),
        ("render", "", ""),
        ("publish", "approved", "published"),
    ]


def test_city_document_goes_to_the_city_department_head_then_the_approver(users, orgs):
    document = make_document(
        users, orgs, issuer="hp-btg", editor="hp.editor", kind="guidance", state="submitted"
    )
    assert document.chain == "head,approver"
    with pytest.raises(PermissionDenied):
        document_forward(document=document, actor=users["doson.head"])
    document = document_forward(document=document, actor=users["hp.head"])
    document = document_approve(document=document, actor=users["hp.approver"])
    assert document.number == "1-HD/BTGTU"


def test_head_cannot_approve_at_city_step_and_approver_cannot_skip_head(users, orgs):
    document = make_document(users, orgs, state="submitted")
    with pytest.raises(ValidationError):
        document_approve(document=document, actor=users["hp.approver"])
    document = document_forward(document=document, actor=users["doson.head"])
    with pytest.raises(PermissionDenied):
        document_approve(document=document, actor=users["doson.head"])


def test_an_approver_of_a_district_committee_is_not_a_city_approver(users, orgs):
    from django.contrib.auth import get_user_model

    from portal.selectors import documents_visible_to

    district_approver = get_user_model().objects.create(username="ngoquyen.approver")
    membership_grant(user=district_approver, organisation=orgs["ngoquyen"], role="approver")
    document = make_document(users, orgs, state="submitted")
    document = document_forward(document=document, actor=users["doson.head"])
    assert not documents_visible_to(district_approver).filter(pk=document.pk).exists()
    with pytest.raises(PermissionDenied):
        document_approve(document=document, actor=district_approver)
    city_department_approver = get_user_model().objects.create(username="hpbtg.approver")
    membership_grant(user=city_department_approver, organisation=orgs["hp-btg"], role="approver")
    with_two_step(city_department_approver)
    assert documents_visible_to(city_department_approver).filter(pk=document.pk).exists()
    document = document_approve(document=document, actor=city_department_approver)
    assert document.status == Status.APPROVED


def test_text_pasted_with_control_characters_still_renders_once_approved(users, orgs):
    document = make_document(users, orgs)
    document_update(
        document=document,
        actor=users["doson.editor"],
        title="Bản tin\x0btháng 12",
        body_html="<p>Đoạn\x01 có ký tự điều khiển\x0bdán từ Word.</p>",
    )
    document = document_submit(document=document, actor=users["doson.editor"])
    document = document_forward(document=document, actor=users["doson.head"])
    document = document_approve(document=document, actor=users["hp.approver"])
    run_tasks()
    revision = document.approved_revision
    revision.refresh_from_db()
    assert {stored.format for stored in revision.rendered_files.all()} == {"pdf", "docx"}
    assert not document.events.filter(action=WorkflowEvent.Action.RENDER_FAILED).exists()


def test_an_approver_without_two_step_sign_in_cannot_approve(users, orgs):
    from django.contrib.auth import get_user_model

    approver = get_user_model().objects.create(username="hp.approver2")
    membership_grant(user=approver, organisation=orgs["hp"], role="approver")
    document = make_document(users, orgs, state="submitted")
    document = document_forward(document=document, actor=users["doson.head"])
    with pytest.raises(ValidationError, match="đăng nhập hai bước"):
        document_approve(document=document, actor=approver)
    document.refresh_from_db()
    assert document.status == Status.SUBMITTED and not document.number
    document = document_approve(document=document, actor=with_two_step(approver))
    assert document.status == Status.APPROVED


def test_return_requires_a_reason_and_goes_back_to_editing(users, orgs):
    document = make_document(users, orgs, state="submitted")
    with pytest.raises(ValidationError, match="lý do"):
        document_return(document=document, actor=users["doson.head"], reason="  ")
    document = document_return(
        document=document, actor=users["doson.head"], reason="Bổ sung mục III."
    )
    assert (document.status, document.step) == (Status.RETURNED, 0)
    event = document.events.last()
    assert (event.action, event.reason) == ("return", "Bổ sung mục III.")
    document_update(
        document=document, actor=users["doson.editor"], title="Sửa", body_html="<p>x</p>"
    )
    document = document_submit(document=document, actor=users["doson.editor"])
    assert document.step == 1


def test_four_eyes_nobody_approves_what_they_edited(users, orgs):
    head = users["doson.head"]
    membership_grant(user=head, organisation=orgs["doson-btg"], role=Membership.Role.EDITOR)
    document = make_document(users, orgs)
    document_update(
        document=document, actor=head, title="Bản sửa của trưởng ban", body_html="<p>a</p>"
    )
    document = document_submit(document=document, actor=users["doson.editor"])
    with pytest.raises(PermissionDenied):
        document_forward(document=document, actor=head)


def test_four_eyes_holds_for_a_superuser(users, orgs):
    admin = users["admin"]
    membership_grant(user=admin, organisation=orgs["hp"], role=Membership.Role.APPROVER)
    membership_grant(user=admin, organisation=orgs["doson-btg"], role=Membership.Role.EDITOR)
    document = make_document(users, orgs, editor="admin", state="forwarded")
    with pytest.raises(PermissionDenied):
        document_approve(document=document, actor=admin)


def test_approving_twice_is_refused(users, orgs):
    document = make_document(users, orgs, state="approved")
    with pytest.raises(ValidationError):
        document_approve(document=document, actor=users["hp.approver"])
    assert WorkflowEvent.objects.filter(document=document, action="approve").count() == 1


def test_approved_revision_cannot_be_edited(users, orgs):
    document = make_document(users, orgs, state="approved")
    with pytest.raises(ValidationError, match="không thể sửa"):
        document_update(document=document, actor=users["doson.editor"], title="x", body_html="")
    document.refresh_from_db()
    assert document.revisions.count() == 1


def test_submit_refused_when_not_draft(users, orgs):
    document = make_document(users, orgs, state="submitted")
    with pytest.raises(ValidationError):
        document_submit(document=document, actor=users["doson.editor"])


def test_publish_refused_before_approval(users, orgs):
    document = make_document(users, orgs, state="forwarded")
    with pytest.raises(ValidationError):
        document_publish(document=document, actor=users["doson.editor"])


def test_edits_make_new_revisions_and_the_pdf_is_of_the_approved_one(users, orgs):
    document = make_document(users, orgs)
    document_update(
        document=document, actor=users["doson.editor"], title="T", body_html="<p>Bản thứ hai</p>"
    )
    assert list(document.revisions.values_list("number", flat=True)) == [1, 2]
    document = make_document(users, orgs, state="approved", title="Khác")
    assert document.approved_revision.number == 1
