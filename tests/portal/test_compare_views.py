"""The page comparing two revisions of a document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.services.documents import document_update
from portal.services.workflow import document_return, document_submit
from tests.conftest import PERSONAS
from tests.factories import make_document
from tests.portal.test_diff import seed_body

SEED = "bulletin-2024-12-doson.txt"
FIRST_EDIT = ("tuyên truyền", "tuyến truyền")
SECOND_EDIT = ("Chủ tịch nước Lương Cường", "Chủ tịch nước")


def _edit(document, users, body: str) -> None:
    document_update(
        document=document, actor=users["doson.editor"], title=document.title, body_html=body
    )


@pytest.fixture
def returned_and_edited(users, orgs):
    """Submitted at revision 1, returned by the head, edited twice (revisions 2 and 3) and
    submitted again: the head last reviewed revision 1."""
    body = seed_body(SEED)
    document = make_document(users, orgs, state="submitted", body_html=body)
    document = document_return(document=document, actor=users["doson.head"], reason="Sửa lại")
    body = body.replace(*FIRST_EDIT, 1)
    _edit(document, users, body)
    _edit(document, users, body.replace(*SECOND_EDIT, 1))
    document.refresh_from_db()
    return document_submit(document=document, actor=users["doson.editor"])


def _url(document, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("portal:document_compare", args=[document.pk]) + (f"?{query}" if query else "")


def _page(client, user, url: str):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


@pytest.mark.parametrize("persona", ["doson.editor", "doson.head", "hp.approver"])
def test_staff_who_see_the_history_see_the_changes(client, users, returned_and_edited, persona):
    response, page = _page(client, users[persona], _url(returned_and_edited, tu=1, den=3))
    assert response.status_code == 200
    assert "<del>tuyên</del>" in page and "<ins>tuyến</ins>" in page
    assert "<del>Lương Cường</del>" in page


# persona order: doson.editor, ngoquyen.editor, doson.head, hp.approver,
#                vanhuong.secretary, ngoquyen.secretary, hn.approver
ACCESS = {
    "submitted": [200, 404, 200, 200, 404, 404, 404],
    "published": [200, 404, 200, 200, 403, 404, 404],
}


@pytest.mark.parametrize(
    ("state", "persona", "expected"),
    [(s, p, codes[i]) for s, codes in ACCESS.items() for i, p in enumerate(PERSONAS)],
)
def test_access_is_that_of_the_history(client, users, orgs, state, persona, expected):
    document = make_document(users, orgs, state=state)
    response, _ = _page(client, users[persona], _url(document))
    assert response.status_code == expected


def test_the_document_page_links_to_the_comparison_for_staff_only(client, users, orgs):
    document = make_document(users, orgs, state="published")
    link = _url(document)
    _, page = _page(
        client, users["doson.head"], reverse("portal:document_detail", args=[document.pk])
    )
    assert link in page and "So sánh các bản" in page
    _, page = _page(
        client, users["vanhuong.secretary"], reverse("portal:document_detail", args=[document.pk])
    )
    assert link not in page


def test_by_default_the_head_sees_the_changes_since_their_last_review(
    client, users, returned_and_edited
):
    _, page = _page(client, users["doson.head"], _url(returned_and_edited))
    assert '<option value="1" selected>' in page and '<option value="3" selected>' in page
    assert "bản bạn duyệt lần gần nhất" in page
    assert "<ins>tuyến</ins>" in page and "<del>Lương Cường</del>" in page


def test_without_a_review_the_default_is_the_previous_revision(client, users, returned_and_edited):
    _, page = _page(client, users["hp.approver"], _url(returned_and_edited))
    assert '<option value="2" selected>' in page and '<option value="3" selected>' in page
    assert "<del>Lương Cường</del>" in page and "<ins>tuyến</ins>" not in page


def test_after_approval_the_default_is_since_the_approved_revision(client, users, orgs):
    document = make_document(users, orgs, state="published")
    _, page = _page(client, users["doson.editor"], _url(document))
    assert '<option value="1" selected>' in page and "Hai bản giống nhau." in page


@pytest.mark.parametrize(
    "query",
    [
        {"tu": "abc", "den": "999"},
        {"tu": "-1", "den": "0"},
        {"tu": "99999999999999999999", "kieu": "zzz"},
        {"tu": "%00", "den": "1.5"},
        {"den": ""},
    ],
)
def test_bad_parameters_give_the_default(client, users, returned_and_edited, query):
    response, page = _page(client, users["doson.head"], _url(returned_and_edited, **query))
    assert response.status_code == 200
    assert '<option value="1" selected>' in page and '<option value="3" selected>' in page


def test_side_by_side_shows_both_revisions(client, users, returned_and_edited):
    _, page = _page(client, users["doson.head"], _url(returned_and_edited, kieu="canh-nhau"))
    assert 'class="card compare side-by-side"' in page
    old_side = page.index('<div class="diff-side diff-old">')
    assert page.index("<del>tuyên</del>", old_side) < page.index("<ins>tuyến</ins>", old_side)
    assert '<input type="radio" name="kieu" value="canh-nhau" checked>' in page


def test_queries_do_not_grow_with_the_revisions(client, users, returned_and_edited):
    client.force_login(users["doson.head"])
    url = _url(returned_and_edited)
    client.get(url)  # warm the caches of the first request
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    document = returned_and_edited
    document = document_return(document=document, actor=users["doson.head"], reason="Sửa nữa")
    body = document.current_revision.body_html
    for number in range(6):
        _edit(document, users, body.replace("Việt Nam", f"Việt Nam {number}", 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and '<option value="9"' in response.content.decode()
    assert len(many) == len(few)
