"""The inbox lists what waits for the user: their department's unpublished work, what
waits for their review step, what is approved and waits to be published; old returned
documents and abandoned drafts wait behind a link that gives their count."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from portal.models import Document
from portal.services.workflow import document_return
from portal.views import STALE_AFTER
from tests.factories import make_document


def _inbox(client, **query) -> str:
    response = client.get(reverse("portal:document_list"), query)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, list_id: str) -> str:
    return page.split(f'id="{list_id}"')[1].split("</ul>")[0]


def _returned(users, orgs, title: str) -> Document:
    submitted = make_document(users, orgs, state="submitted", title=title)
    return document_return(document=submitted, actor=users["doson.head"], reason="Sửa số liệu")


def test_the_editor_sees_their_departments_work_and_not_what_is_published(client, users, orgs):
    mine = [
        make_document(users, orgs, title="Bản nháp của Đồ Sơn"),
        make_document(users, orgs, state="submitted", title="Đã trình lãnh đạo ban"),
        make_document(users, orgs, state="approved", render=False, title="Đã duyệt chờ ban hành"),
        _returned(users, orgs, "Bị trả lại để sửa"),
    ]
    published = make_document(users, orgs, state="published", render=False, title="Đã ban hành")
    elsewhere = make_document(
        users, orgs, issuer="ngoquyen-btg", editor="ngoquyen.editor", title="Nháp Ngô Quyền"
    )
    client.force_login(users["doson.editor"])
    page = _inbox(client)
    listed = _section(page, "all")
    assert all(document.title in listed for document in mine)
    assert published.title not in listed and elsewhere.title not in listed
    assert "Trang 1/1 · 4 văn bản" in page
    assert "Hiện cả văn bản cũ" not in page  # nothing old to show


def test_the_approver_sees_what_waits_for_them_and_not_returned_documents(client, users, orgs):
    returned = _returned(users, orgs, "Bị trả lại cho Đồ Sơn")
    forwarded = make_document(users, orgs, state="forwarded", title="Chờ Thường trực duyệt")
    at_head = make_document(users, orgs, state="submitted", title="Chờ lãnh đạo ban")
    approved = make_document(users, orgs, state="approved", render=False, title="Chờ ban hành")
    client.force_login(users["hp.approver"])
    page = _inbox(client)
    assert forwarded.title in _section(page, "awaiting")
    listed = _section(page, "all")
    assert forwarded.title in listed and approved.title in listed
    # The department acts on these, not the city approver.
    assert returned.title not in listed and at_head.title not in listed


def test_old_returned_documents_and_abandoned_drafts_wait_behind_a_link_with_their_count(
    client, users, orgs
):
    fresh = make_document(users, orgs, title="Bản nháp đang soạn")
    abandoned = make_document(users, orgs, title="Bản nháp bỏ dở")
    returned = _returned(users, orgs, "Trả lại từ lâu")
    approved = make_document(users, orgs, state="approved", render=False, title="Duyệt từ lâu")
    long_ago = timezone.now() - STALE_AFTER - timedelta(days=1)
    old = [abandoned.pk, returned.pk, approved.pk]
    Document.objects.filter(pk__in=old).update(updated_at=long_ago)
    client.force_login(users["doson.editor"])
    page = _inbox(client)
    listed = _section(page, "all")
    assert fresh.title in listed and approved.title in listed  # approved: never hidden
    assert abandoned.title not in listed and returned.title not in listed
    assert "Hiện cả văn bản cũ bị trả lại và bản nháp bỏ dở (2)" in page
    assert 'href="?cu=1"' in page
    everything = _inbox(client, cu="1")
    listed = _section(everything, "all")
    assert all(d.title in listed for d in (fresh, abandoned, returned, approved))
    assert "Trang 1/1 · 4 văn bản" in everything
    assert "Ẩn văn bản bị trả lại và bản nháp không sửa quá 60 ngày" in everything
