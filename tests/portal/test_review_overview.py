"""The "Trước khi duyệt" section of the document page: what the reviewer whose step it is
gathers before forwarding or approving."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.services.comments import comment_add, comment_resolve
from portal.services.documents import document_update
from portal.services.workflow import document_forward, document_return, document_submit
from tests.factories import login_two_step, make_document

BODY = (
    "<h2>I. TÌNH HÌNH</h2><p>Đảng bộ phường Đồ Sơn tổ chức hội nghị quán triệt.</p>"
    "<p>Các chi bộ sinh hoạt chuyên đề về chuyển đổi số.</p>"
    "<p>Đoàn thanh niên ra quân dọn vệ sinh bãi biển.</p>"
)
EDITED = BODY.replace("hội nghị quán triệt", "hội nghị học tập, quán triệt").replace(
    "<p>Đoàn thanh niên ra quân dọn vệ sinh bãi biển.</p>", ""
)


def _edit(document, users, body: str):
    document_update(
        document=document, actor=users["doson.editor"], title=document.title, body_html=body
    )


def _reviewed_and_resubmitted(users, orgs):
    """Submitted at revision 1 and commented on twice by the head (one resolved), returned,
    edited (revision 2: one paragraph changed, one deleted) and submitted again."""
    document = make_document(users, orgs, state="submitted", body_html=BODY)
    head = users["doson.head"]
    for quote in ("hội nghị quán triệt", "chuyển đổi số"):
        comment = comment_add(document=document, actor=head, body="Xem lại", quote=quote)
    comment_resolve(comment=comment, actor=head)
    document = document_return(document=document, actor=head, reason="Sửa lại")
    _edit(document, users, EDITED)
    document.refresh_from_db()
    return document_submit(document=document, actor=users["doson.editor"])


def _section(client, user, document) -> str | None:
    if user.username == "hp.approver":
        login_two_step(client, user)
    else:
        client.force_login(user)
    response = client.get(reverse("portal:document_detail", args=[document.pk]))
    assert response.status_code == 200
    found = re.search(r'<section class="card review-overview".*?</section>\s*</section>',
                      response.content.decode(), re.S)  # fmt: skip
    return found.group(0) if found else None


def test_the_head_at_step_one_sees_the_changes_since_the_review_comments_and_checks(
    client, users, orgs
):
    document = _reviewed_and_resubmitted(users, orgs)
    section = _section(client, users["doson.head"], document)
    assert section is not None
    assert "Trước khi duyệt" in section
    assert reverse("portal:document_draft_pdf", args=[document.pk]) in section
    assert "Kể từ bản 1, bản bạn duyệt lần gần nhất:" in section
    assert "1 đoạn sửa, 0 đoạn thêm, 1 đoạn xóa, 0 đoạn chuyển chỗ." in section
    compare = reverse("portal:document_compare", args=[document.pk])
    assert f'href="{compare}?tu=1&amp;den=2"' in section
    assert '<a href="#comments">Góp ý đang mở: 1</a>' in section
    assert 'href="#history"' in section
    assert 'id="checklist"' in section and "Không thấy điểm nào sẽ in sai." in section


def test_the_approver_at_the_last_step_sees_it_since_the_previous_revision(client, users, orgs):
    document = _reviewed_and_resubmitted(users, orgs)
    document = document_forward(document=document, actor=users["doson.head"])
    section = _section(client, users["hp.approver"], document)
    assert section is not None
    # The approver never reviewed it: the changes since the revision before the current.
    assert "Kể từ bản 1:" in section and "bạn duyệt lần gần nhất" not in section
    assert "1 đoạn sửa, 0 đoạn thêm, 1 đoạn xóa, 0 đoạn chuyển chỗ." in section
    assert "Góp ý đang mở: 1" in section
    # The head's step is over: the head sees no such section any more.
    assert _section(client, users["doson.head"], document) is None


def test_a_first_submission_has_nothing_to_compare(client, users, orgs):
    document = make_document(users, orgs, state="submitted", body_html=BODY)
    section = _section(client, users["doson.head"], document)
    assert "Đây là bản đầu tiên: chưa có bản trước để so sánh." in section
    assert "Góp ý đang mở: 0" in section


def test_the_editor_and_the_secretary_do_not_see_it(client, users, orgs):
    document = _reviewed_and_resubmitted(users, orgs)
    assert _section(client, users["doson.editor"], document) is None
    published = make_document(users, orgs, state="published")
    assert _section(client, users["vanhuong.secretary"], published) is None
    assert _section(client, users["doson.head"], published) is None


def _queries(client, users, document) -> int:
    client.force_login(users["doson.head"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:document_detail", args=[document.pk]))
    assert b'id="review-overview"' in response.content
    return len(queries)


@pytest.mark.parametrize("edits", [1, 6])
def test_the_section_costs_the_same_queries_for_more_revisions_and_comments(
    client, users, orgs, edits
):
    small = _reviewed_and_resubmitted(users, orgs)
    large = _reviewed_and_resubmitted(users, orgs)
    large = document_return(document=large, actor=users["doson.head"], reason="Sửa tiếp")
    for n in range(edits):
        _edit(large, users, EDITED.replace("chuyển đổi số", f"chuyển đổi số lần {n}"))
        comment_add(document=large, actor=users["doson.head"], body="Thêm", quote="Đảng bộ")
    large.refresh_from_db()
    large = document_submit(document=large, actor=users["doson.editor"])
    assert _queries(client, users, large) == _queries(client, users, small)
