"""generate_archive builds a consistent archive into an empty database, and only there."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery
from django.test import Client
from django.urls import reverse

from portal.demo.archive import SHARED_PDF
from portal.kinds import kind_record
from portal.models import (
    Citation,
    Document,
    Membership,
    Organisation,
    Receipt,
    RegisterEntry,
    RenderedFile,
    Revision,
    SearchEntry,
    WorkflowEvent,
)
from portal.selectors import published_for_reader
from portal.services.register import format_number
from portal.services.search import search_entry_sync


def test_the_small_archive_is_built_consistent_and_readable(db):
    """One build (a few seconds) for every check of what it holds."""
    out = StringIO()
    call_command("generate_archive", "--size", "S", stdout=out)
    _has_its_tree_and_reports_its_totals(out.getvalue())
    _every_history_ends_in_its_documents_status()
    _numbers_are_unique_per_issuer_kind_and_term()
    _a_secretary_finds_and_downloads_a_published_document()
    _derived_columns_are_what_saving_would_store()
    _the_planner_has_statistics_of_the_loaded_tables()


def _has_its_tree_and_reports_its_totals(archive: str) -> None:
    cells = Organisation.objects.filter(kind=Organisation.Kind.CELL)
    committees = Organisation.objects.filter(kind=Organisation.Kind.COMMITTEE)
    assert cells.count() == 100
    assert committees.filter(parent=None).count() == 1
    assert committees.exclude(parent=None).count() == 5
    # One secretary per cell, and what each phase printed is what the database holds.
    assert Membership.objects.filter(role=Membership.Role.READER).count() == 100
    last_line = archive.strip().splitlines()[-1]
    assert last_line.startswith("Kho văn bản mẫu cỡ S đã tạo")
    for number, what in [
        (Organisation.objects.count(), "tổ chức"),
        (get_user_model().objects.count(), "người dùng"),
        (Document.objects.count(), "văn bản,"),
        (Revision.objects.count(), "phiên bản"),
        (WorkflowEvent.objects.count(), "sự kiện"),
        (Citation.objects.count(), "trích dẫn,"),
        (Receipt.objects.count(), "xác nhận đã nhận"),
    ]:
        assert f" {number:,} {what}" in last_line, what
    # Seeded: the same archive on every database and every run.
    assert (Document.objects.count(), Citation.objects.count(), Receipt.objects.count()) == (
        1125,
        7835,
        22499,
    )
    # Every kind and every status, ten years of them.
    assert set(Document.objects.values_list("kind", flat=True)) == {
        "bulletin",
        "guidance",
        "report",
    }
    assert set(Document.objects.values_list("status", flat=True)) == set(Document.Status.values)
    years = Document.objects.values_list("created_at__year", flat=True).distinct()
    assert len(set(years)) == 10
    assert Document.objects.filter(kind="report", report__indicators__isnull=False).exists()


def _every_history_ends_in_its_documents_status() -> None:
    last = WorkflowEvent.objects.filter(document=OuterRef("pk")).order_by("-created_at", "-pk")
    documents = Document.objects.annotate(last_status=Subquery(last.values("to_status")[:1]))
    assert documents.count() > 1000
    assert list(documents.exclude(last_status=F("status")).values("pk")) == []


def _numbers_are_unique_per_issuer_kind_and_term() -> None:
    entries = RegisterEntry.objects.select_related("document", "issuer")
    assert entries.count() == Document.objects.exclude(number="").count()
    repeated = (
        RegisterEntry.objects.values("issuer", "kind", "term_start", "sequence")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(repeated) == []
    for entry in entries:
        document = entry.document
        assert document.term_start == entry.term_start
        assert document.number == format_number(
            sequence=entry.sequence, kind=entry.kind, issuer=entry.issuer
        )
    # Only approved and published (some since recalled) documents are numbered, each with
    # the shared PDF.
    numbered = set(Document.objects.exclude(number="").values_list("status", flat=True))
    assert numbered == {
        Document.Status.APPROVED,
        Document.Status.PUBLISHED,
        Document.Status.RECALLED,
    }
    files = RenderedFile.objects.filter(format="pdf")
    assert files.count() == entries.count()
    assert files.values("file").distinct().count() == 1


def _a_secretary_finds_and_downloads_a_published_document() -> None:
    document = (
        Document.objects.filter(status=Document.Status.PUBLISHED, audience__parent__isnull=False)
        .order_by("pk")
        .first()
    )
    cell = Organisation.objects.filter(
        kind=Organisation.Kind.CELL, path__startswith=document.audience.path
    ).first()
    secretary = Membership.objects.get(organisation=cell, role=Membership.Role.READER).user
    assert published_for_reader(secretary).filter(pk=document.pk).exists()

    client = Client()
    client.force_login(secretary)
    response = client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert response.status_code == 302
    served = client.get(response["Location"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == SHARED_PDF
    assert Receipt.objects.filter(document=document, organisation=cell).count() == 1


def test_a_database_with_data_is_refused(orgs):
    with pytest.raises(CommandError, match="chỉ tạo kho văn bản mẫu trong cơ sở dữ liệu trống"):
        call_command("generate_archive", "--size", "S", stdout=StringIO())
    assert not Document.objects.exists()


def _derived_columns_are_what_saving_would_store() -> None:
    """Bulk inserts call no save(): the generator stores the number keys and periods itself,
    the same as saving each document and its kind row would."""
    stored = {
        d.pk: (d.number_key, d.period_first, d.period_last) for d in Document.objects.order_by("pk")
    }
    sample = list(Document.objects.order_by("?")[:60])
    assert {d.kind for d in sample} >= {"bulletin", "guidance"}
    for document in sample:
        document.save()
        record = kind_record(document)
        record.save()
        document.refresh_from_db()
        saved = (document.number_key, document.period_first, document.period_last)
        assert saved == stored[document.pk], document
    # Every document has the search entry that syncing it makes.
    assert SearchEntry.objects.count() == len(stored)
    for document in sample[:20]:
        entry = SearchEntry.objects.filter(document=document).values().get()
        search_entry_sync(document=document)
        assert SearchEntry.objects.filter(document=document).values().get() == entry


def _the_planner_has_statistics_of_the_loaded_tables() -> None:
    """ANALYZE after the bulk load: without it PostgreSQL plans for empty tables (rows=13 for
    16,726 published documents) until autovacuum runs, if it runs at all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'portal_document' "
                "AND last_analyze IS NOT NULL"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'portal_document'")
        assert cursor.fetchone()[0] >= 1
