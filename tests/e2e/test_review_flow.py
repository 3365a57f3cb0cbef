"""Review like an editorial office, in a real browser: the editor drafts and submits a
bulletin; the head comments on two passages and returns it with the open comments as the
reason; the editor answers one comment, edits the other passage and submits again; the head
compares the versions (changes since the last review) and forwards; the approver, with the
"Trước khi duyệt" section in view, approves. Each step leaves its notifications in the portal
and its e-mails in a real SMTP server on loopback. Screenshots go to
test-output/e2e/review-*.png."""

import re
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from portal.models import Comment, Notification, WorkflowEvent
from portal.services.demo import demo_reorganised_load
from portal.services.workflow import step_reviewers
from tests.e2e.conftest import login, shot
from tests.e2e.test_comments import _select
from tests.e2e.test_month import _draft_bulletin
from tests.factories import run_tasks
from tests.portal.test_notifications import _smtp_to
from tests.portal.test_password_reset import Mailbox, _free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Tuyên truyền kết quả Đại hội Đảng bộ thành phố nhiệm kỳ 2025 - 2030. "
    "Các chi bộ tổ chức học tập nghị quyết trong tháng."
)
ANSWERED = "kết quả Đại hội Đảng bộ thành phố"
EDITED = "Các chi bộ tổ chức học tập nghị quyết trong tháng"
EDIT = ("tổ chức học tập nghị quyết", "tổ chức học tập đầy đủ nghị quyết")


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on 127.0.0.1; the live server sends through it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    _smtp_to(settings, controller.port)
    yield mailbox
    controller.stop()


class Step:
    """What one step of the review added: notifications and e-mails."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox, self.last_id, self.mails = mailbox, 0, 0

    def check(self, expected: set[tuple[str, str]], users) -> list:
        """The notifications since the last check are exactly the expected (user, kind),
        and the worker mails each of them to that user."""
        rows = Notification.objects.filter(id__gt=self.last_id).select_related("user")
        assert {(n.user.username, n.kind) for n in rows} == expected
        self.last_id = max([n.id for n in rows], default=self.last_id)
        run_tasks()
        mails = [
            message_from_bytes(e.content, policy=policy.default)
            for e in self.mailbox.envelopes[self.mails :]
        ]
        self.mails = len(self.mailbox.envelopes)
        got = sorted(a.addr_spec for mail in mails for a in mail["To"].addresses)
        assert got == sorted(users[u].email for u, _k in expected)
        return mails


def _body(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_review_with_comments_comparison_notifications_and_mail(browser, live_server, mailbox):
    users, _ = demo_reorganised_load()
    step = Step(mailbox)

    # The editor drafts this month's bulletin and submits it: the head hears of it.
    editor = login(browser, live_server, "doson.editor")
    document = _draft_bulletin(editor, TEXT)
    editor.click("#submit")
    expect(editor.locator("#status")).to_have_text(re.compile("chờ duyệt", re.I))
    (mail,) = step.check({("doson.head", "submitted")}, users)
    assert document.title in _body(mail) and f"/van-ban/{document.pk}/" in _body(mail)
    detail = f"{live_server.url}/van-ban/{document.pk}/"

    # The head comments on two passages and returns it with the open comments as reason.
    head = login(browser, live_server, "doson.head")
    head.goto(detail)
    for passage, text in ((ANSWERED, "Ghi rõ ngày Đại hội."), (EDITED, "Học tập cho đầy đủ.")):
        _select(head, ".reader .body", passage)
        head.click("#comment-start")
        head.fill("#comment-new-body", text)
        head.click("#comment-send")
        expect(head.locator("#comments .comment-body").filter(has_text=text)).to_be_visible()
    expect(head.locator("mark.comment-anchor")).to_have_count(2)
    shot(head, "review-1-head-comments")
    answered = Comment.objects.get(document=document, quote=ANSWERED)
    edited = Comment.objects.get(document=document, quote=EDITED)
    head.check("#return-with-comments")
    head.click("#return")
    expect(head.locator("#status")).to_have_text(re.compile("trả lại", re.I))
    (mail,) = step.check({("doson.editor", "returned")}, users)
    assert ANSWERED in _body(mail) and "Học tập cho đầy đủ." in _body(mail)

    # The editor sees both comments in the editor, answers one, edits the other passage.
    editor.goto(f"{detail}sua/")
    editor.wait_for_selector("html[data-editor-ready='1']")
    expect(editor.locator("#comments .comment-thread")).to_have_count(2)
    editor.fill(f"#comment-reply-{answered.pk}", "Đại hội họp ngày 15 tháng 10.")
    editor.locator(f"#comment-{answered.pk} .comment-reply button").click()
    expect(editor.locator(f"#comment-{answered.pk} .comment-replies")).to_contain_text(
        "Đại hội họp ngày 15 tháng 10."
    )
    shot(editor, "review-2-editor-answers")
    editor.evaluate(
        """([old, edited]) => {
          const editor = Object.values(window.editors)[0];
          editor.setData(editor.getData().replace(old, edited));
        }""",
        list(EDIT),
    )
    editor.click("#save")
    editor.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    editor.click("#submit")
    expect(editor.locator("#status")).to_have_text(re.compile("chờ duyệt", re.I))
    step.check({("doson.head", "submitted")}, users)

    # The head compares: since the last review, exactly the edit; the comments found again.
    head.goto(detail)
    expect(head.locator("#review-overview #review-counts")).to_have_text(
        "1 đoạn sửa, 0 đoạn thêm, 0 đoạn xóa, 0 đoạn chuyển chỗ."
    )
    marks = head.locator("mark.comment-anchor")
    expect(marks).to_have_count(2)
    assert "đầy đủ" in " ".join(marks.all_inner_texts())
    expect(head.locator(".orphaned-note")).to_have_count(0)
    expect(head.locator(f"#comment-{edited.pk}")).not_to_have_class(re.compile("orphaned"))
    shot(head, "review-3-comments-beside-text")
    head.click("#compare-link")
    reviewed = document.events.filter(action=WorkflowEvent.Action.RETURN).get().revision.number
    expect(head.locator("#compare-summary")).to_contain_text(
        f"Những thay đổi kể từ bản {reviewed}, bản bạn duyệt lần gần nhất."
    )
    expect(head.locator("#compare ins")).to_have_count(1)
    expect(head.locator("#compare ins")).to_have_text("đầy đủ")
    expect(head.locator("#compare del")).to_have_count(0)
    shot(head, "review-4-compare")
    head.goto(detail)
    head.click("#forward")
    expect(head.locator(".reader .meta").first).to_contain_text("(bước 2)")
    document.refresh_from_db()
    approvers = {u.username for u in step_reviewers(document, "approver")}
    assert "hp.approver" in approvers
    step.check({(name, "submitted") for name in approvers}, users)

    # The approver reads "Trước khi duyệt" and approves.
    approver = login(browser, live_server, "hp.approver")
    approver.goto(detail)
    overview = approver.locator("#review-overview")
    expect(overview.locator("#review-counts")).to_have_text(
        "1 đoạn sửa, 0 đoạn thêm, 0 đoạn xóa, 0 đoạn chuyển chỗ."
    )
    expect(overview.locator("#review-comments")).to_have_text("Góp ý đang mở: 2")
    # The template's sections left empty are shown to the approver, who judges them.
    expect(overview.locator("#checklist li.warning").first).to_contain_text("chưa có nội dung")
    expect(overview.locator("a[href='#history']")).to_have_count(1)
    shot(approver, "review-5-approver-overview")
    approver.click("#approve")
    approver.click("#approve-confirmed")  # published at once, the default
    expect(approver.locator("#status")).to_have_text("Đã ban hành")
    step.check(
        {
            (name, kind)
            for name in ("doson.editor", "doson.head")
            for kind in ("approved", "published")
        },
        users,
    )
    shot(approver, "review-6-approved")
