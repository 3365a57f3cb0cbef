"""Every list page runs the same number of queries for a small archive as for a larger one:
two generated archives (portal.demo.archive), each persona on each page it uses.

Each archive is built once for the module into the empty test database, measured, and
flushed; the tests then compare the figures."""

from dataclasses import dataclass
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.demo.archive import SIZES, Size, archive_generate
from portal.models import Document, WorkflowEvent
from portal.rules import ACTIONS
from portal.selectors import documents_visible_to
from portal.services.references import citations_visible_to
from tests.factories import forward_to_last_step, login_two_step, make_document
from tests.portal.test_pagination import _copies

# The test database is set up for the tests that ask for it; the archives are built before.
pytestmark = pytest.mark.django_db

ARCHIVES = {
    "small": Size(cities=1, districts=3, cells=30),
    "larger": Size(cities=1, districts=6, cells=90),
}
PERSONAS = {
    "approver": "tp1.approver",  # a city approver, signed in with the authenticator's code
    "head": "q1-btg.head",  # the head of a district's propaganda department
    "editor": "q1-btg.editor1",  # an editor of that department
    "secretary": "q1-p1-cb1.secretary",  # a cell secretary of that district
    "admin": "quantri",  # a system administrator (the stuck documents)
}
STAFF = ("approver", "head", "editor")
# page → the personas who use it, and what in the page shows that it lists rows
PAGES = {
    "inbox": (STAFF, 'class="doc-row'),
    "inbox with old": (STAFF, 'class="doc-row'),
    "library": ((*STAFF, "secretary"), 'class="doc-row'),
    "search": ((*STAFF, "secretary"), 'class="doc-row search-hit'),
    "stuck": (("admin",), 'class="doc-row'),
    "bulk approve": (("approver",), 'class="doc-row'),
    "propaganda": (STAFF, 'class="doc-row cited-row'),
    "cited document": (STAFF, 'class="pager-count"'),
    "reader landing": (("secretary",), 'class="doc-row'),
    "document detail": ((*STAFF, "secretary"), "<h1"),
}
CASES = [(page, persona) for page, (personas, _marker) in PAGES.items() for persona in personas]


@dataclass(frozen=True)
class Measured:
    queries: int
    status: int
    shows_rows: bool


def _newest_published(user) -> Document:
    published = documents_visible_to(user).filter(status=Document.Status.PUBLISHED)
    return published.order_by("-published_at", "-pk").first()


def _most_cited(user) -> int:
    counts = citations_visible_to(user).values("cited_id").annotate(n=Count("pk"))
    return counts.order_by("-n", "cited_id").values_list("cited_id", flat=True).first()


def _approvable(user) -> list[int]:
    submitted = documents_visible_to(user).filter(status=Document.Status.SUBMITTED)
    ready = [d.pk for d in submitted.order_by("pk") if ACTIONS["approve"].test(user, d)]
    assert len(ready) >= 2, "the archive has documents waiting for the city approver"
    return ready[:2]


def _request(client: Client, page: str, user):
    """The page's request for the persona, with the archive's own documents."""
    get = {
        "inbox": lambda: client.get(reverse("portal:document_list")),
        "inbox with old": lambda: client.get(reverse("portal:document_list"), {"cu": "1"}),
        "library": lambda: client.get(reverse("portal:library")),
        "search": lambda: client.get(reverse("portal:search"), {"q": "tuyen truyen"}),
        "stuck": lambda: client.get(reverse("portal:documents_stuck")),
        "propaganda": lambda: client.get(reverse("portal:propaganda")),
        "reader landing": lambda: client.get(reverse("portal:home")),
        "cited document": lambda: client.get(
            reverse("portal:cited_detail", args=[_most_cited(user)])
        ),
        "document detail": lambda: client.get(
            reverse("portal:document_detail", args=[_newest_published(user).pk])
        ),
        "bulk approve": lambda: client.post(
            reverse("portal:documents_approve"), {"documents": _approvable(user)}
        ),
    }
    return get[page]()


def _measure(page: str, persona: str) -> Measured:
    user = get_user_model().objects.get(username=PERSONAS[persona])
    client = Client()
    if persona == "approver":
        login_two_step(client, user)
    else:
        client.force_login(user)
    _request(client, page, user)  # the session and the caches warmed
    with CaptureQueriesContext(connection) as queries:
        response = _request(client, page, user)
    marker = PAGES[page][1]
    return Measured(len(queries), response.status_code, marker in response.content.decode())


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """{archive: {(page, persona): Measured, "documents": count}}, each archive built into
    the empty test database and rolled back after its measures."""
    folder = tmp_path_factory.mktemp("archive")
    figures = {}
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media", PRIVATE_ROOT=folder / "private"),
    ):
        for name, size in ARCHIVES.items():
            with transaction.atomic(), patch.dict(SIZES, {name: size}):
                archive_generate(size=name)
                get_user_model().objects.create_superuser("quantri", "quantri@example.org", "x")
                # The archive's submissions wait for the heads: six go on to the approver.
                waiting = Document.objects.filter(status=Document.Status.SUBMITTED)
                for document in waiting.order_by("pk")[:6]:
                    forward_to_last_step(document)
                # The archive's dates are fixed: whatever today is, the submissions have
                # waited for a month, so the stuck page has rows.
                WorkflowEvent.objects.filter(document__in=waiting).update(
                    created_at=timezone.now() - timedelta(days=30)
                )
                figures[name] = {case: _measure(*case) for case in CASES}
                figures[name]["documents"] = Document.objects.count()
                transaction.set_rollback(True)
    return figures


@pytest.mark.parametrize(("page", "persona"), CASES)
def test_the_page_runs_as_many_queries_for_a_larger_archive(measured, page, persona):
    small, larger = measured["small"][page, persona], measured["larger"][page, persona]
    assert small.status == larger.status == 200
    assert small.shows_rows and larger.shows_rows
    assert small.queries == larger.queries, (small.queries, larger.queries)


def test_the_larger_archive_holds_more_documents(measured):
    """The comparison means something: the second archive is about twice the first."""
    assert measured["larger"]["documents"] > 1.5 * measured["small"]["documents"]


def _stuck_queries(client, documents: list[Document]) -> int:
    """The stuck page's queries once every document has waited a month."""
    WorkflowEvent.objects.filter(document__in=documents).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    url = reverse("portal:documents_stuck")
    client.get(url)  # the session warmed
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert f"· {len(documents)} văn bản" in page and 'class="doc-row' in page
    return len(queries)


def test_the_stuck_page_runs_as_many_queries_for_100_rows_as_for_one(
    client, users, orgs, django_user_model
):
    submitted = make_document(users, orgs, state="submitted")
    client.force_login(django_user_model.objects.create_superuser("quantri", "q@example.org", "x"))
    one = _stuck_queries(client, [submitted])
    copies = _copies(submitted, 99)
    history = list(submitted.events.all())
    WorkflowEvent.objects.bulk_create(
        WorkflowEvent(
            document=copy,
            actor=e.actor,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            step=e.step,
        )  # fmt: skip
        for copy in copies
        for e in history
    )
    assert _stuck_queries(client, [submitted, *copies]) == one
