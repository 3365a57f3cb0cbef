"""Lists that grow are paged: the count shown, the next page holding the next items, filters
kept in the pager's links, a bad page number answered with a page, and the same number of
queries for a few rows as for many."""

import copy
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Document, WorkflowEvent
from portal.pagination import PER_PAGE
from tests.factories import make_document


def _copies(document: Document, count: int, *, start: int = 0, **fields) -> list[Document]:
    """``count`` copies of the document titled "Bản sao 000"…, each a minute older than the
    one before, stored in one insert (no number: numbers are unique)."""
    copies = []
    for i in range(start, start + count):
        twin = copy.copy(document)
        twin.pk = twin.id = None
        twin.number, twin.title = "", f"Bản sao {i:03d}"
        if document.published_at:
            twin.published_at = document.published_at - timedelta(minutes=i + 1)
        for name, value in fields.items():
            setattr(twin, name, value)
        copies.append(twin)
    return Document.objects.bulk_create(copies)


def _page(client, name: str, **query) -> str:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, name: str, **query) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, name, **query)
    return len(queries)


@pytest.fixture
def published(users, orgs):
    return make_document(users, orgs, state="published", render=False)


def test_the_library_is_paged_with_its_count_and_keeps_its_filters(client, users, published):
    _copies(published, PER_PAGE + 10)
    client.force_login(users["vanhuong.secretary"])
    first = _page(client, "portal:library", kind="bulletin")
    assert f"Trang 1/2 · {PER_PAGE + 11} văn bản" in first
    assert published.title in first and "Bản sao 028" in first and "Bản sao 029" not in first
    assert "kind=bulletin&amp;trang=2" in first  # the filter survives paging
    second = _page(client, "portal:library", kind="bulletin", trang="2")
    assert "Trang 2/2" in second and "Bản sao 029" in second and "Bản sao 039" in second
    assert "Bản sao 028" not in second and "kind=bulletin&amp;trang=1" in second


def test_a_page_number_that_is_not_one_gives_the_first_or_the_last_page(client, users, published):
    _copies(published, PER_PAGE + 10)
    client.force_login(users["vanhuong.secretary"])
    assert "Trang 1/2" in _page(client, "portal:library", trang="abc")
    assert "Trang 1/2" in _page(client, "portal:library", trang="-3")
    assert "Trang 1/2" in _page(client, "portal:library", trang="0")
    assert "Trang 2/2" in _page(client, "portal:library", trang="999")


def test_the_library_runs_as_many_queries_for_many_documents_as_for_few(client, users, published):
    client.force_login(users["vanhuong.secretary"])
    _copies(published, 3)
    _page(client, "portal:library")  # the session and caches warmed
    few = _queries(client, "portal:library")
    _copies(published, 3 * PER_PAGE, start=3)
    assert _queries(client, "portal:library") == few


@pytest.fixture
def drafts(users, orgs):
    draft = make_document(users, orgs, title="Bản nháp gốc")
    return draft, _copies(draft, PER_PAGE + 10)


def test_the_inbox_pages_unpublished_documents_and_hides_stale_ones_behind_a_filter(
    client, users, drafts
):
    draft, copies = drafts
    stale = [d.pk for d in copies[:5]]
    Document.objects.filter(pk__in=stale).update(updated_at=timezone.now() - timedelta(days=90))
    client.force_login(users["doson.editor"])
    first = _page(client, "portal:document_list")
    assert f"Trang 1/2 · {PER_PAGE + 6} văn bản" in first
    assert "Bản sao 000" not in first  # untouched for 90 days
    with_stale = _page(client, "portal:document_list", cu="1")
    assert f"Trang 1/2 · {PER_PAGE + 11} văn bản" in with_stale
    assert "cu=1&amp;trang=2" in with_stale
    second = _page(client, "portal:document_list", cu="1", trang="2")
    assert "Trang 2/2" in second and "Bản sao 000" in second  # the oldest come last


def test_the_inbox_runs_as_many_queries_for_many_drafts_as_for_few(client, users, orgs):
    draft = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    _copies(draft, 3)
    _page(client, "portal:document_list")
    few = _queries(client, "portal:document_list")
    _copies(draft, 3 * PER_PAGE, start=3)
    assert _queries(client, "portal:document_list") == few


def test_what_waits_for_the_user_is_listed_in_full(client, users, orgs):
    submitted = make_document(users, orgs, state="submitted", title="Chờ duyệt gốc")
    copies = _copies(submitted, PER_PAGE + 5)
    client.force_login(users["doson.head"])
    page = _page(client, "portal:document_list")
    awaiting = page.split('id="awaiting"')[1].split("</ul>")[0]
    assert all(d.title in awaiting for d in copies) and submitted.title in awaiting


def test_the_stuck_documents_are_paged(client, users, orgs, django_user_model):
    submitted = make_document(users, orgs, state="submitted")
    copies = _copies(submitted, PER_PAGE + 5)
    long_ago = timezone.now() - timedelta(days=30)
    WorkflowEvent.objects.filter(document=submitted).update(created_at=long_ago)
    event = WorkflowEvent.objects.filter(document=submitted).last()
    twins = []
    for document in copies:
        twin = copy.copy(event)
        twin.pk = twin.id = None
        twin.document = document
        twins.append(twin)
    WorkflowEvent.objects.bulk_create(twins)
    WorkflowEvent.objects.filter(document__in=copies).update(created_at=long_ago)
    admin = django_user_model.objects.create_superuser("quantri", "quantri@example.org", "x")
    client.force_login(admin)
    first = _page(client, "portal:documents_stuck", ngay="7")
    assert f"Trang 1/2 · {PER_PAGE + 6} văn bản" in first and "ngay=7&amp;trang=2" in first
    assert "Trang 2/2" in _page(client, "portal:documents_stuck", ngay="7", trang="2")
