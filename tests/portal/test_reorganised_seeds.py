"""The reorganisation of 1 July 2025 leaves the printed seeds as they were issued: the PDF
text of each of the four 2024 documents is the same before and after it."""

import subprocess

import pytest

from portal.demo.tree import SEEDS
from portal.models import Document, Organisation
from portal.rendering.registry import render_files
from portal.services.demo import SEED_DIR, demo_plan, demo_tree_load
from portal.services.imports import document_import
from portal.services.reorganisation import reorganisation_apply
from portal.services.workflow import document_publish_imported


def _pdf_text(document: Document, tmp_path, name: str) -> str:
    document = Document.objects.select_related("issuer").get(pk=document.pk)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_files(document, document.approved_revision)["pdf"])
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


@pytest.mark.django_db
def test_the_seeds_print_the_same_before_and_after_the_reorganisation(tmp_path):
    orgs, users = demo_tree_load()
    seeds = []
    for filename, kind, issuer, username, issued_on in SEEDS:
        text = (SEED_DIR / filename).read_text(encoding="utf-8")
        document, _ = document_import(text=text, kind=kind, issuer=orgs[issuer],
                                      actor=users[username])  # fmt: skip
        seeds.append(document_publish_imported(document=document, actor=users[username],
                                               reason=filename, issued_on=issued_on))  # fmt: skip
    before = {d.pk: _pdf_text(d, tmp_path, f"before-{d.pk}") for d in seeds}
    reorganisation_apply(plan=demo_plan(), actor=None)
    assert Organisation.objects.get(code="doson").valid_to is not None
    for document in seeds:
        after = _pdf_text(document, tmp_path, f"after-{document.pk}")
        assert after == before[document.pk], document.number
    february = next(d for d in seeds if d.number == "1-BT/BTGQU")
    assert "QUẬN ỦY ĐỒ SƠN" in before[february.pk] and "BAN TUYÊN GIÁO" in before[february.pk]
