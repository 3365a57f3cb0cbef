"""Autosave keeps one working copy per editing session; explicit saves still make revisions."""

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Citation, Document, Membership, Revision
from portal.services.organisations import membership_grant
from portal.services.workflow import document_return, document_submit
from tests.factories import CLOSING, forward_to_last_step, make_document

SESSION = "a" * 32
OTHER_SESSION = "b" * 32


def _autosave(client, document: Document, body: str, *, base: int, session: str = SESSION):
    url = reverse("portal:document_autosave", args=[document.pk])
    data = {
        "title": document.title,
        "body": body,
        "period_month": 12,
        "period_year": 2024,
        "base_revision": base,
        "editing_session": session,
        **CLOSING,
    }
    return client.post(url, data)


def _statements(queries) -> list[str]:
    """The statements run, a bulk write counted once where SQLite's limit of 999 parameters
    splits it into several statements of the same table (PostgreSQL runs it as one)."""
    heads = [re.split(r"\bVALUES\b|\bWHERE\b", query["sql"])[0] for query in queries]
    return [head for i, head in enumerate(heads) if i == 0 or head != heads[i - 1]]


def _citing(count: int, first: int = 1) -> str:
    return "".join(
        f"<p>Thực hiện Chỉ thị số {number}-CT/TW ngày 1/2/2020 của Ban Bí thư.</p>"
        for number in range(first, first + count)
    )


def test_ten_autosaves_of_one_session_make_one_revision(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    for step in range(10):
        response = _autosave(client, document, f"<p>Gõ lần {step}</p>", base=2 if step else 1)
        assert response.status_code == 200
        assert response.json()["revision"] == 2  # the editor's base stays valid
    document.refresh_from_db()
    assert list(document.revisions.values_list("number", flat=True)) == [1, 2]
    working = document.current_revision
    assert working.autosaved and working.editing_session == SESSION
    assert working.body_html == "<p>Gõ lần 9</p>"
    assert list(document.events.values_list("action", "revision__number")) == [
        ("create", 1),
        ("edit", 2),
    ]


def test_a_reopened_editor_starts_a_new_working_copy_and_keeps_the_old(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    _autosave(client, document, "<p>Phiên đầu</p>", base=1)
    _autosave(client, document, "<p>Phiên đầu, gõ thêm</p>", base=2)
    response = _autosave(client, document, "<p>Phiên sau</p>", base=2, session=OTHER_SESSION)
    assert response.json()["revision"] == 3
    bodies = dict(document.revisions.values_list("number", "body_html"))
    assert bodies == {1: bodies[1], 2: "<p>Phiên đầu, gõ thêm</p>", 3: "<p>Phiên sau</p>"}
    # An autosave that sends no session never rewrites a revision.
    _autosave(client, document, "<p>Không phiên</p>", base=3, session="")
    _autosave(client, document, "<p>Không phiên nữa</p>", base=4, session="")
    assert document.revisions.count() == 5


def test_an_explicit_save_after_autosaves_makes_an_ordinary_revision(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    _autosave(client, document, "<p>Nháp</p>", base=1)
    _autosave(client, document, "<p>Nháp mới nhất</p>", base=2)
    url = reverse("portal:document_edit", args=[document.pk])
    data = {"title": document.title, "body": "<p>Nháp mới nhất</p>", "period_month": 12,
            "period_year": 2024, "base_revision": 2}  # fmt: skip
    assert client.post(url, data).status_code == 302
    document.refresh_from_db()
    saved = document.current_revision
    assert (saved.number, saved.autosaved, saved.body_html) == (3, False, "<p>Nháp mới nhất</p>")
    assert Revision.objects.get(document=document, number=2).body_html == "<p>Nháp mới nhất</p>"
    # The session's next autosave starts a new working copy on top of the saved revision.
    assert _autosave(client, document, "<p>Sau khi lưu</p>", base=3).json()["revision"] == 4
    assert Revision.objects.get(document=document, number=3).body_html == "<p>Nháp mới nhất</p>"


def test_an_autosave_conflict_still_keeps_the_refused_text(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    _autosave(client, document, "<p>Của tôi</p>", base=1)
    colleague = get_user_model().objects.create_user(username="doson.editor2")
    membership_grant(user=colleague, organisation=orgs["doson-btg"], role=Membership.Role.EDITOR)
    client.force_login(colleague)
    other = _autosave(client, document, "<p>Của người kia</p>", base=2, session=OTHER_SESSION)
    assert other.json()["revision"] == 3
    client.force_login(users["doson.editor"])
    refused = _autosave(client, document, "<p>Của tôi, gõ thêm</p>", base=2)
    assert refused.status_code == 409 and refused.json()["conflict"] is True
    document.refresh_from_db()
    assert document.current_revision.number == 3
    kept = Revision.objects.get(document=document, number=4)
    assert kept.body_html == "<p>Của tôi, gõ thêm</p>"
    assert Revision.objects.get(document=document, number=2).body_html == "<p>Của tôi</p>"


def test_a_submitted_working_copy_is_never_rewritten(client, users, orgs):
    document = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    _autosave(client, document, "<p>Bản được trình</p>", base=1)
    document.refresh_from_db()
    document = document_submit(document=document, actor=users["doson.editor"])
    assert document.current_revision.number == 2
    document = forward_to_last_step(document)
    document_return(document=document, actor=users["hp.approver"], reason="Sửa lại mục I.")
    # The page left open with the same session autosaves again: a new revision.
    response = _autosave(client, document, "<p>Sửa sau khi bị trả</p>", base=2)
    assert response.json()["revision"] == 3
    assert Revision.objects.get(document=document, number=2).body_html == "<p>Bản được trình</p>"


def test_the_first_autosave_of_a_new_document_is_the_sessions_working_copy(client, users, orgs):
    client.force_login(users["doson.editor"])
    data = {
        "issuer": orgs["doson-btg"].pk,
        "title": "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025",
        "body": "<p>Mới gõ</p>",
        "period_month": 1,
        "period_year": 2025,
        "editing_session": SESSION,
    }
    client.post(reverse("portal:document_autosave_new", args=["bulletin"]), data)
    document = Document.objects.get()
    url = reverse("portal:document_autosave", args=[document.pk])
    payload = client.post(url, {**data, "body": "<p>Gõ thêm</p>", "base_revision": 1}).json()
    assert payload["revision"] == 1
    revision = document.revisions.get()
    assert revision.autosaved and revision.body_html == "<p>Gõ thêm</p>"


def test_an_autosave_costs_the_same_queries_with_1_and_200_citations(client, users, orgs):
    client.force_login(users["doson.editor"])
    statements, counts = [], []
    for citations in (1, 200):
        document = make_document(users, orgs, title=f"Bản tin trích {citations}")
        with CaptureQueriesContext(connection) as first:  # starts the working copy
            _autosave(client, document, _citing(citations), base=1)
        with CaptureQueriesContext(connection) as again:  # rewrites it
            _autosave(client, document, _citing(citations, first=500), base=2)
        assert Citation.objects.filter(document=document).count() == citations
        assert document.revisions.count() == 2
        statements.append((len(_statements(first)), len(_statements(again))))
        counts.append((len(first), len(again)))
    assert statements[0] == statements[1]
    if connection.vendor == "postgresql":
        assert counts[0] == counts[1]
