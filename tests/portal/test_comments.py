"""Comments on a passage: anchoring across edits, who may see and write them, resolving,
returning with them as the reason, and never printing them."""

import subprocess
import unicodedata

import pytest
from django.urls import reverse

from portal.models import Comment, Notification, WorkflowEvent
from portal.services.comments import (
    anchor,
    comment_add,
    comment_reopen,
    comment_resolve,
    comments_for,
    open_comments_reason,
)
from portal.services.documents import document_update
from portal.services.workflow import document_return
from tests.conftest import PERSONAS
from tests.factories import login_two_step, make_document

TEXT = (
    "Tuyên truyền kết quả Đại hội Đảng bộ thành phố lần thứ XVII.\n"
    "Chủ tịch nước Lương Cường tham dự Tuần lễ Cấp cao APEC tại Lima.\n"
    "Các chi bộ tổ chức học tập nghị quyết trong tháng 12."
)
QUOTE = "tham dự Tuần lễ Cấp cao APEC"


def _comment(quote=QUOTE, text=TEXT) -> Comment:
    start = text.index(quote)
    return Comment(
        quote=quote, prefix=text[max(0, start - 32) : start], suffix=text[start + len(quote) :][:32]
    )


def _found(comment, text) -> str | None:
    found = anchor(comment, text)
    return text[found[0] : found[1]] if found else None


def test_an_unchanged_passage_is_found_where_it_was():
    assert anchor(_comment(), TEXT) == (TEXT.index(QUOTE), TEXT.index(QUOTE) + len(QUOTE))


def test_an_edit_before_the_passage_moves_the_anchor_with_it():
    edited = "Mở đầu mới thêm vào.\n" + TEXT.replace("lần thứ XVII", "lần thứ XVII, nhiệm kỳ")
    assert _found(_comment(), edited) == QUOTE
    assert anchor(_comment(), edited)[0] == edited.index(QUOTE)


def test_the_context_chooses_among_repeated_quotes():
    text = "Chi bộ A học tập nghị quyết.\nChi bộ B học tập nghị quyết."
    start = text.rindex("học tập")
    comment = Comment(quote="học tập", prefix=text[start - 9 : start], suffix=text[start + 7 :])
    assert anchor(comment, text) == (start, start + len("học tập"))
    # The context edited too: the closest context still wins.
    edited = text.replace("Chi bộ B", "Chi bộ Bắc")
    assert anchor(comment, edited)[0] == edited.rindex("học tập")


def test_an_edit_inside_the_passage_keeps_the_comment_on_it():
    edited = TEXT.replace("Tuần lễ Cấp cao APEC", "Tuần lễ cấp cao APEC 2024")
    assert _found(_comment(), edited) in {
        "tham dự Tuần lễ cấp cao APEC 2024",
        "tham dự Tuần lễ cấp cao APEC 20",
        "tham dự Tuần lễ cấp cao APEC",
        "tham dự Tuần lễ cấp cao APEC 202",
    }


def test_a_deleted_passage_leaves_the_comment_orphaned():
    edited = TEXT.replace("Chủ tịch nước Lương Cường tham dự Tuần lễ Cấp cao APEC tại Lima.\n", "")
    assert anchor(_comment(), edited) is None


def test_decomposed_text_is_anchored_as_composed():
    nfd = unicodedata.normalize("NFD", TEXT)
    found = anchor(_comment(), nfd)
    composed = unicodedata.normalize("NFC", nfd)
    assert found is not None and composed[found[0] : found[1]] == QUOTE


# persona order: doson.editor, ngoquyen.editor, doson.head, hp.approver,
#                vanhuong.secretary, ngoquyen.secretary, hn.approver
MAY_COMMENT = [True, False, True, True, False, False, False]
POST_STATUS = {
    "submitted": [201, 404, 201, 201, 404, 404, 404],
    "published": [201, 404, 201, 201, 403, 404, 404],
}


@pytest.fixture
def submitted(users, orgs):
    return make_document(users, orgs, state="submitted")


def _post(client, user, document, data, **headers):
    login_two_step(client, user) if user.username.endswith("approver") else client.force_login(user)
    return client.post(
        reverse("portal:comment_add", args=[document.pk]),
        data,
        HTTP_ACCEPT="application/json",
        **headers,
    )


@pytest.mark.parametrize(
    ("state", "persona", "expected"),
    [(s, p, codes[i]) for s, codes in POST_STATUS.items() for i, p in enumerate(PERSONAS)],
)
def test_who_may_comment(client, users, orgs, state, persona, expected):
    document = make_document(users, orgs, state=state)
    data = {"body": "Xem lại tên hội nghị.", "quote": "Tuần lễ Cấp cao APEC"}
    response = _post(client, users[persona], document, data)
    assert response.status_code == expected
    assert Comment.objects.filter(document=document).count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(("persona", "sees"), list(zip(PERSONAS, MAY_COMMENT, strict=True)))
def test_who_sees_the_comments(client, users, orgs, persona, sees):
    document = make_document(users, orgs, state="published")
    comment_add(
        document=document,
        actor=users["doson.head"],
        body="Góp ý kín của ban",
        quote="Tuần lễ Cấp cao APEC",
    )
    assert comments_for(document, users[persona]).exists() is sees
    client.force_login(users[persona])
    response = client.get(reverse("portal:document_detail", args=[document.pk]))
    if response.status_code == 200:
        assert ("Góp ý kín của ban" in response.content.decode()) is sees


def test_the_head_comments_and_the_editor_answers_on_the_same_passage(users, submitted):
    thread = comment_add(
        document=submitted,
        actor=users["doson.head"],
        body="Ghi rõ năm.",
        quote="Tuần lễ Cấp cao\nAPEC",  # a page's selection: spaces differ from the text's
        prefix="Lương Cường tham dự ",
    )
    assert thread.quote == "Tuần lễ Cấp cao APEC"
    assert thread.prefix.endswith("Lương Cường tham dự ")
    reply = comment_add(
        document=submitted, actor=users["doson.editor"], body="Đã sửa.", parent=thread
    )
    assert (reply.parent, reply.quote, reply.prefix) == (thread, thread.quote, thread.prefix)


def test_resolve_and_reopen(client, users, submitted):
    thread = comment_add(
        document=submitted, actor=users["doson.head"], body="Ghi rõ năm.", quote="APEC"
    )
    comment_resolve(comment=thread, actor=users["doson.editor"])
    thread.refresh_from_db()
    assert thread.resolved_by == users["doson.editor"] and thread.resolved_at is not None
    assert open_comments_reason(submitted) == ""
    comment_reopen(comment=thread, actor=users["doson.head"])
    thread.refresh_from_db()
    assert thread.resolved_at is None and "Ghi rõ năm." in open_comments_reason(submitted)
    # The plain form (no script) resolves and comes back to the page.
    client.force_login(users["doson.editor"])
    url = reverse("portal:comment_state", args=[submitted.pk, thread.pk, "resolve"])
    response = client.post(url, {"next": "/van-ban/"})
    assert response.status_code == 302 and response["Location"] == "/van-ban/"
    thread.refresh_from_db()
    assert thread.resolved_at is not None
    client.force_login(users["vanhuong.secretary"])
    assert client.post(url).status_code == 404


def test_the_return_sends_the_open_comments_as_the_reason(client, users, submitted):
    head = users["doson.head"]
    first = comment_add(document=submitted, actor=head, body="Ghi rõ năm.", quote="APEC")
    comment_add(document=submitted, actor=users["doson.editor"], body="Năm 2024.", parent=first)
    done = comment_add(document=submitted, actor=head, body="Đã xong.", quote="Lima")
    comment_resolve(comment=done, actor=head)
    comment_add(document=submitted, actor=head, body="Bỏ chức danh.", quote="Chủ tịch nước")
    client.force_login(head)
    url = reverse("portal:document_transition", args=[submitted.pk, "return"])
    response = client.post(url, {"reason": "", "with_comments": "1"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    reason = submitted.events.get(action=WorkflowEvent.Action.RETURN).reason
    assert "«APEC»" in reason and "Ghi rõ năm." in reason and "Năm 2024." in reason
    assert "«Chủ tịch nước»" in reason and "Bỏ chức danh." in reason
    assert "Đã xong." not in reason


def test_comments_follow_their_passage_across_a_saved_edit(client, users, submitted):
    head, editor = users["doson.head"], users["doson.editor"]
    thread = comment_add(
        document=submitted, actor=head, body="Ghi rõ năm.", quote="Tuần lễ Cấp cao APEC"
    )
    gone = comment_add(document=submitted, actor=head, body="Bỏ câu này.", quote="Tổ chức tại Lima")
    submitted = document_return(document=submitted, actor=head, reason="Sửa")
    body = submitted.current_revision.body_html
    body = body.replace("Chủ tịch nước", "Sáng 15/11, Chủ tịch nước").replace(
        '<span class="footnote">Tổ chức tại Lima, Peru.</span>', ""
    )
    document_update(document=submitted, actor=editor, title=submitted.title, body_html=body)
    client.force_login(editor)
    page = client.get(reverse("portal:document_edit", args=[submitted.pk])).content.decode()
    assert f'id="comment-{thread.pk}"' in page
    assert 'data-passage="Tuần lễ Cấp cao APEC"' in page
    orphan = page[page.index(f'id="comment-{gone.pk}"') :]
    assert orphan.index("Đoạn được góp ý đã bị sửa hoặc xóa") < orphan.index("Bỏ câu này.")


def test_comments_are_never_printed(users, orgs, submitted, tmp_path, client):
    comment_add(
        document=submitted,
        actor=users["doson.head"],
        body="Riêngtưcủaban không in",
        quote="Tuần lễ Cấp cao APEC",
    )
    login_two_step(client, users["doson.head"])
    response = client.get(reverse("portal:document_draft_pdf", args=[submitted.pk]))
    assert response.status_code == 200
    path = tmp_path / "draft.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "APEC" in text
    assert "Riêngtưcủaban" not in text and "không in" not in text


def test_a_mention_notifies_those_who_may_see_the_comments(users, submitted):
    comment_add(
        document=submitted,
        actor=users["doson.head"],
        body="@doson.editor xem lại; @vanhuong.secretary không thấy góp ý.",
        quote="APEC",
    )
    mentioned = Notification.objects.filter(document=submitted, kind="mentioned")
    assert [n.user.username for n in mentioned] == ["doson.editor"]
    assert "doson.head" in mentioned.get().message


def test_a_passage_that_grew_is_marked_to_the_end_of_its_last_word():
    quote = "tổ chức học tập nghị quyết trong tháng"
    edited = TEXT.replace("học tập nghị quyết", "học tập đầy đủ nghị quyết")
    found = _found(_comment(quote), edited)
    assert found is not None and found.endswith("tháng") and found.startswith("tổ")
