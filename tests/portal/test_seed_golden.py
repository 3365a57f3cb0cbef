"""The four demo seeds print the same text as when their golden copies were taken.

The PDFs are rendered through the portal's own path (demo import, publication, renderer
registry) and read back with `pdftotext -layout`: a change of layout, header, numbering,
footnote placement or page breaks changes the text and fails here. When the print changes
on purpose, regenerate the golden files from the new PDFs and review their diff.
"""

import subprocess
from pathlib import Path

import pytest

from portal.models import Document
from portal.rendering.registry import render_files
from portal.services.demo import demo_load

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def seed_documents(db):
    demo_load()  # the four seeds as issued, then this month's ward bulletins: the seeds only
    return list(Document.objects.filter(events__action="publish_imported").order_by("pk"))


def test_the_seed_pdfs_print_their_golden_text(seed_documents, tmp_path):
    assert [d.kind for d in seed_documents] == ["bulletin", "bulletin", "guidance", "report"]
    for document in seed_documents:
        revision = document.approved_revision or document.current_revision
        pdf = render_files(document, revision, formats=("pdf",))["pdf"]
        path = tmp_path / "seed.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
        golden = GOLDEN / f"seed-{document.kind}-{seed_documents.index(document) + 1}.txt"
        assert text == golden.read_text(encoding="utf-8"), golden.name
