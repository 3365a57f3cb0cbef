"""Documents in a given state, made through the services as users would."""

from unittest.mock import patch

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

from portal.access import approval_chain, step_holders
from portal.models import Document
from portal.services.documents import document_create
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_publish,
    document_submit,
)

BODY = (
    "<h2>I. HOẠT ĐỘNG ĐỐI NGOẠI</h2><p>Chủ tịch nước Lương Cường tham dự Tuần lễ Cấp cao"
    ' APEC<span class="footnote">Tổ chức tại Lima, Peru.</span>.</p>'
)
KIND_FIELDS = {
    "bulletin": {"period_month": 12, "period_year": 2024},
    "guidance": {},
    "report": {"quarter": 1, "year": 2023},
}


# A closing that prints right: the checklist refuses to submit without recipients or signer.
CLOSING = {"recipients": "Các chi bộ trực thuộc\nLưu BTG", "signer_name": "Nguyễn Văn A"}
# What the approver's confirmation page posts to approve and publish at once.
APPROVE_NOW = {"confirmed": "1", "publish": "now"}


def make_document(
    users,
    orgs,
    *,
    kind="bulletin",
    issuer="doson-btg",
    editor="doson.editor",
    state="draft",
    title="Thông tin sinh hoạt chi bộ tháng 12 năm 2024",
    render=True,
    kind_fields=None,
    body_html=BODY,
) -> Document:
    """A document of the issuer, advanced through the workflow up to the given state."""
    document = document_create(
        kind=kind,
        issuer=orgs[issuer],
        actor=users[editor],
        title=title,
        body_html=body_html,
        fields=CLOSING,
        kind_fields=KIND_FIELDS[kind] if kind_fields is None else kind_fields,
    )
    steps = ["submitted", "forwarded", "approved", "published"]
    if state == "draft":
        return document
    document = document_submit(document=document, actor=users[editor])
    if state == "submitted":
        return document
    document = forward_to_last_step(document)
    if state == "forwarded":
        return document
    document = document_approve(document=document, actor=users["hp.approver"])
    if render:
        run_tasks()
        document.refresh_from_db()
    if state == "approved":
        return document
    assert state in steps
    return document_publish(document=document, actor=users["hp.approver"])


def forward_to_last_step(document: Document) -> Document:
    """Every step before the last is a head's (the chain fixed at submission): forwarded by
    whoever holds it."""
    while document.step < len(approval_chain(document)):
        role = approval_chain(document)[document.step - 1]
        document = document_forward(document=document, actor=step_holders(document, role)[0])
    return document


def run_tasks() -> None:
    """Run what a background worker would run: every queued task, then stop.

    The worker recycles database connections between tasks; inside a test's transaction
    that would close the test's own connection (PostgreSQL), so recycling is left out here.
    """
    with patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def with_two_step(user):
    """The user signs in with an authenticator app too (approvers must, to approve)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from portal.demo.tree import DEMO_TOTP_SECRET

    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def login_two_step(client, user) -> None:
    """Sign the test client in as if with password and authenticator code (approvers)."""
    import time

    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
