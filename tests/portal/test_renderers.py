"""The output formats by name, and their files stored in one table keyed by format."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import RenderedFile, WorkflowEvent
from portal.rendering import registry
from portal.rendering.registry import RENDERERS, Renderer, render_files, stored_formats
from portal.services import rendering
from portal.services.rendering import revision_render
from tests.factories import make_document, run_tasks


def test_the_registry_lists_pdf_docx_and_json():
    assert {"pdf", "docx", "json"} <= set(RENDERERS)
    assert stored_formats() == ("pdf", "docx")
    assert RENDERERS["pdf"].content_type == "application/pdf"
    assert RENDERERS["docx"].extension == "docx"
    assert not RENDERERS["json"].stored  # made on request, never frozen with the revision


def test_a_new_format_is_stored_without_a_model_change(users, orgs, monkeypatch):
    text = Renderer(
        name="txt",
        extension="txt",
        content_type="text/plain; charset=utf-8",
        label="bản văn bản",
        render=lambda document, revision: revision.body_html.encode("utf-8"),
        stored=True,
    )
    monkeypatch.setitem(RENDERERS, "txt", text)
    document = make_document(users, orgs, state="approved")
    revision = document.approved_revision
    stored = {row.format: row for row in RenderedFile.objects.filter(revision=revision)}
    assert set(stored) == {"pdf", "docx", "txt"}
    assert stored["txt"].file.read() == revision.body_html.encode("utf-8")
    assert stored["txt"].file.name.endswith(".txt") and len(stored["txt"].etag) == 32


def test_rendering_a_revision_twice_stores_one_row_per_format(users, orgs, monkeypatch):
    document = make_document(users, orgs, state="approved")
    revision_id = document.approved_revision_id
    first = dict(RenderedFile.objects.filter(revision=revision_id).values_list("format", "etag"))
    assert set(first) == {"pdf", "docx"}

    def never(*args, **kwargs):
        raise AssertionError("a revision with its files is not rendered again")

    monkeypatch.setattr(rendering, "render_files", never)
    revision_render(revision_id=revision_id)
    again = dict(RenderedFile.objects.filter(revision=revision_id).values_list("format", "etag"))
    assert again == first
    renders = document.events.filter(action=WorkflowEvent.Action.RENDER)
    assert list(renders.values_list("from_status", "to_status")) == [("", "")]


def test_a_missing_format_is_rendered_alone(users, orgs):
    document = make_document(users, orgs, state="approved")
    revision_id = document.approved_revision_id
    RenderedFile.objects.filter(revision=revision_id, format="docx").delete()
    pdf = RenderedFile.objects.get(revision=revision_id, format="pdf")
    revision_render(revision_id=revision_id)
    rows = RenderedFile.objects.filter(revision=revision_id)
    assert sorted(rows.values_list("format", flat=True)) == ["docx", "pdf"]
    assert rows.get(format="pdf").pk == pdf.pk  # kept, not made again


def test_the_json_renderer_writes_what_the_json_view_serves(users, orgs):
    document = make_document(users, orgs, state="published", render=False)
    data = render_files(document, document.approved_revision, ["json"])["json"]
    assert data.endswith(b"\n")
    client = Client()
    client.force_login(users["vanhuong.secretary"])
    response = client.get(reverse("portal:document_json", args=[document.pk]))
    assert json.loads(data) == json.loads(response.content)


def test_the_download_is_the_stored_file_of_its_format(users, orgs):
    document = make_document(users, orgs, state="published", render=False)
    run_tasks()
    client = Client()
    client.force_login(users["vanhuong.secretary"])
    for fmt in ("pdf", "docx"):
        link = client.get(reverse(f"portal:document_{fmt}", args=[document.pk]))["Location"]
        download = client.get(link)
        stored = RenderedFile.objects.get(revision=document.approved_revision_id, format=fmt)
        assert b"".join(download.streaming_content) == stored.file.read()
        assert download["ETag"] == f'"{stored.etag}"'
        assert download["Content-Type"] == RENDERERS[fmt].content_type


WORD_ONLY = """
import sys

import django

django.setup()
from datetime import date

from portal.rendering import registry
from portal.rendering.data import PrintData
from portal.rendering.docx import render_docx

data = PrintData(
    kind="guidance", parent_line="QUẬN ỦY ĐỒ SƠN", issuer_name="BAN TUYÊN GIÁO",
    number="1-HD/BTGQU", place="Đồ Sơn", issued_on=date(2024, 2, 5), type_name="HƯỚNG DẪN",
    title="Thử", body_html="<p>Nội dung<span class='footnote'>Chú thích</span></p>",
)
assert render_docx(data).startswith(b"PK")
assert "docx" in registry.RENDERERS
print("weasyprint" in sys.modules)
"""


def test_writing_a_word_file_does_not_load_weasyprint():
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WORD_ONLY],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_renderers_do_not_name_a_document_kind():
    names = ("common.py", "documents.py", "docx.py", "pdf.py", "registry.py")
    sources = [Path(registry.__file__).parent / name for name in names]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for kind in ("bulletin", "guidance", "report"):
            assert f'"{kind}"' not in text, (source.name, kind)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_stored_files_into_the_table():
    before, after = ("portal", "0006_cited_document_scope"), ("portal", "0007_rendered_file")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps
        user = old.get_model("auth", "User").objects.create(username="m")
        org = old.get_model("portal", "Organisation").objects.create(code="o", name="O")
        document = old.get_model("portal", "Document").objects.create(
            kind="bulletin", issuer=org, audience=org, title="T", created_by=user
        )
        Revision = old.get_model("portal", "Revision")
        rendered_at = timezone.now().replace(microsecond=0)
        Revision.objects.create(
            document=document,
            number=1,
            author=user,
            pdf="rendered/2024/a.pdf",
            pdf_etag="e1",
            docx="rendered/2024/a.docx",
            docx_etag="e2",
            rendered_at=rendered_at,
        )
        Revision.objects.create(document=document, number=2, author=user)

        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps
        rows = new.get_model("portal", "RenderedFile").objects.order_by("format")
        assert [(r.revision.number, r.format, r.file.name, r.etag) for r in rows] == [
            (1, "docx", "rendered/2024/a.docx", "e2"),
            (1, "pdf", "rendered/2024/a.pdf", "e1"),
        ]
        assert {r.created_at for r in rows} == {rendered_at}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
