"""The register: numbers per issuer, kind and Party term, unique under concurrency."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection, transaction

from portal.models import Document, RegisterEntry
from portal.services.register import register_issue_number, term_start_for
from portal.services.workflow import document_approve
from tests.factories import make_document


def test_terms_are_five_years():
    assert term_start_for(date(2023, 4, 1)) == 2020
    assert term_start_for(date(2025, 1, 1)) == 2025
    assert term_start_for(date(2029, 12, 31)) == 2025


def test_numbers_count_per_issuer_and_kind(users, orgs):
    first = make_document(users, orgs, state="approved", title="a")
    second = make_document(users, orgs, state="approved", title="b")
    report = make_document(users, orgs, kind="report", state="approved", title="c")
    assert [first.number, second.number, report.number] == [
        "1-BT/BTGQU",
        "2-BT/BTGQU",
        "1-BC/BTGQU",
    ]


def test_a_new_term_starts_at_one(users, orgs):
    document = make_document(users, orgs, title="x")
    with transaction.atomic():
        assert register_issue_number(document=document, day=date(2031, 1, 2)) == "1-BT/BTGQU"
    assert RegisterEntry.objects.get(document=document).term_start == 2030


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_get_different_numbers(tree, users, orgs):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL; CI runs this on PostgreSQL")
    documents = [make_document(users, orgs, state="forwarded", title=f"d{i}") for i in range(4)]
    barrier = threading.Barrier(len(documents))
    errors: list[BaseException] = []

    def approve(document: Document) -> None:
        try:
            barrier.wait()
            document_approve(document=document, actor=users["hp.approver"])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Document.objects.values_list("number", flat=True))
    assert numbers == ["1-BT/BTGQU", "2-BT/BTGQU", "3-BT/BTGQU", "4-BT/BTGQU"]
