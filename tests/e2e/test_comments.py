"""Comments on a passage in a real browser: the head selects a passage of a submitted
bulletin and comments, returns it with the open comments as the reason; the editor sees the
comment in the editor, answers it and edits the passage; the comment stays on its passage.
Screenshots go to test-output/e2e/comments-*.png."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.access import drafts_for
from portal.models import Comment, Organisation, WorkflowEvent
from portal.services.demo import demo_reorganised_load
from portal.services.documents import document_create
from portal.services.workflow import document_submit
from tests.e2e.conftest import login, shot
from tests.factories import CLOSING, KIND_FIELDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<h2>I. HOẠT ĐỘNG ĐỐI NGOẠI</h2><p>Chủ tịch nước Lương Cường tham dự Tuần lễ Cấp cao"
    " APEC tại Lima, Peru.</p><p>Các chi bộ tổ chức học tập nghị quyết trong tháng.</p>"
)
PASSAGE = "tham dự Tuần lễ Cấp cao APEC"


def _select(page: Page, root: str, passage: str) -> None:
    """Select the passage in the text as a mouse would, and let the page see the mouse."""
    page.evaluate(
        """([root, passage]) => {
          const walker = document.createTreeWalker(
            document.querySelector(root), NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.nodeValue.indexOf(passage);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + passage.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              return;
            }
          }
          throw new Error("passage not found");
        }""",
        [root, passage],
    )
    page.dispatch_event(root, "mouseup")


def test_a_comment_follows_its_passage_from_the_head_to_the_editor(browser, live_server):
    users, _ = demo_reorganised_load()
    editor_user = users["doson.editor"]
    issuer = Organisation.objects.get(pk=drafts_for(editor_user)[0])
    document = document_create(
        kind="bulletin",
        issuer=issuer,
        actor=editor_user,
        title="Thông tin sinh hoạt chi bộ",
        body_html=BODY,
        fields=CLOSING,
        kind_fields=KIND_FIELDS["bulletin"],
    )
    document = document_submit(document=document, actor=editor_user)
    detail = f"{live_server.url}/van-ban/{document.pk}/"

    # The head selects the passage, presses "Góp ý" and writes.
    head = login(browser, live_server, "doson.head")
    head.goto(detail)
    _select(head, ".reader .body", PASSAGE)
    expect(head.locator("#comment-start")).to_be_visible()
    shot(head, "comments-0-selected")
    head.click("#comment-start")
    expect(head.locator("#comment-new-quote")).to_have_text(PASSAGE)
    head.fill("#comment-new-body", "Ghi rõ năm của Tuần lễ.")
    head.click("#comment-send")
    thread = head.locator(".comment-thread").first
    expect(thread.locator(".comment-body")).to_have_text("Ghi rõ năm của Tuần lễ.")
    expect(head.locator("mark.comment-anchor")).to_have_text(PASSAGE)
    comment = Comment.objects.get(document=document)
    assert (comment.quote, comment.author) == (PASSAGE, users["doson.head"])
    shot(head, "comments-1-head-comments")

    # The head returns it, the open comments as the reason.
    head.check("#return-with-comments")
    head.click("#return")
    expect(head.locator("#status")).to_have_text(re.compile("trả lại", re.I))
    reason = document.events.get(action=WorkflowEvent.Action.RETURN).reason
    assert PASSAGE in reason and "Ghi rõ năm của Tuần lễ." in reason

    # The editor sees the comment beside the editor and answers it.
    editor = login(browser, live_server, "doson.editor")
    editor.goto(f"{detail}sua/")
    editor.wait_for_selector("html[data-editor-ready='1']")
    panel = editor.locator("#comments")
    expect(panel.locator(".comment-thread .comment-quote")).to_have_text(PASSAGE)
    panel.locator(f"#comment-reply-{comment.pk}").fill("Đã ghi năm 2024.")
    panel.locator(".comment-reply button").click()
    expect(editor.locator("#comments .comment-replies")).to_contain_text("Đã ghi năm 2024.")
    assert Comment.objects.filter(parent=comment).count() == 1
    shot(editor, "comments-2-editor-answers")

    # The editor edits inside the passage and saves: the comment stays on it.
    editor.evaluate(
        """() => {
          const editor = Object.values(window.editors)[0];
          const edited = "Tuần lễ cấp cao APEC 2024";
          editor.setData(editor.getData().replace("Tuần lễ Cấp cao APEC", edited));
        }"""
    )
    editor.click("#save")
    editor.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    mark = editor.locator("mark.comment-anchor")
    expect(mark).to_have_count(1)
    assert "Tuần lễ cấp cao APEC" in mark.inner_text()  # found again though edited
    expect(editor.locator(".orphaned-note")).to_have_count(0)
    shot(editor, "comments-3-reanchored")

    # On a phone the comments come below the text.
    phone = login(browser, live_server, "doson.head", mobile=True)
    phone.goto(detail)
    text_box = phone.locator(".reader").bounding_box()
    comments_box = phone.locator("#comments").bounding_box()
    assert comments_box["y"] > text_box["y"] + text_box["height"] - 1
    shot(phone, "comments-4-phone")
