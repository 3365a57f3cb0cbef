"""The corpus test: every generated file imported as the upload form does, each property apart.

The corpus is written once per test session and imported once per module, inside a
transaction rolled back at the end; each check below only reads those measures. Run with
``-s`` to see the results table; it is also written to test-output/corpus.md.

A check the importer does not pass yet is marked ``xfail(strict=True)`` with the part of the
issue it waits for: when that part lands the check passes, the strict mark fails, and the
mark must go.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from portal.services.demo import demo_tree_load
from tests.corpus import generate
from tests.corpus.measure import Measure, check, checks_for, measure, table

# The module's fixture imports inside its own transaction; the mark sets the test database up.
pytestmark = pytest.mark.django_db

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "corpus.md"

# What the importer does not do yet, each named after the part of the issue that adds it.
LEGACY_STYLE = (
    "TCVN3 text whose font comes from the paragraph style, or whose 'ư' LibreOffice wrote as "
    "a soft hyphen, is not converted to Unicode yet"
)
CLOSING = "a closing typed as paragraphs, tabs or a text box is not read into its fields"
RAISED = "superscript or raised calls with the notes typed at the end are not footnotes yet"
APPENDIX = "a PHỤ LỤC after the closing loses its heading, caption and table"
SPANS = "merged table cells are flattened instead of kept as spans"
FIELD = "a DATE field's shown result is dropped"  # found by the corpus, not named in the issue
BREAKS = "line breaks inside a closing's table cell run its lines together"  # found likewise
SIGNER = ("signer", "recipients")
UNREAD = ("words_in_draft", "words_accounted", *SIGNER, "footnotes")


def _also(*reasons: str) -> str:
    return "; ".join(reasons)


# file → {check: the part of the issue it waits for}
NOT_YET: dict[str, dict[str, str]] = {
    "archive-report.doc": dict.fromkeys(("words_in_draft", "spans"), APPENDIX),
    "archive-tcvn3-doc.doc": dict.fromkeys(UNREAD, LEGACY_STYLE),
    "archive-bulletin.rtf": dict.fromkeys(SIGNER, CLOSING),
    "archive-plan.rtf": {"spans": SPANS},
    "wd-tcvn3-bulletin.docx": dict.fromkeys(SIGNER, CLOSING),
    "wd-vni-report.docx": dict.fromkeys(("words_in_draft", "spans"), APPENDIX),
    "lo-tcvn3.docx": dict.fromkeys(UNREAD, LEGACY_STYLE),
    "wd-nfd-report.docx": dict.fromkeys(("words_in_draft", "spans"), APPENDIX),
    "wd-guidance-signer-bold.docx": dict.fromkeys(SIGNER, CLOSING),
    "wd-guidance-signer-italic.docx": dict.fromkeys(SIGNER, CLOSING),
    "wd-guidance-signer-underlined.docx": dict.fromkeys(SIGNER, CLOSING)
    | dict.fromkeys(("words_accounted", "footnotes"), RAISED),
    "wd-bulletin-tabs-raised.docx": dict.fromkeys(SIGNER, CLOSING)
    | dict.fromkeys(("words_accounted", "footnotes"), RAISED),
    "wd-report-appendix-tabs.docx": dict.fromkeys(SIGNER, CLOSING)
    | dict.fromkeys(("words_accounted", "footnotes"), RAISED)
    | {"spans": APPENDIX},
    "lo-guidance-endnotes.docx": dict.fromkeys(SIGNER, CLOSING),
    "lo-superscript-calls.docx": dict.fromkeys(SIGNER, CLOSING),
    "lo-textboxes.docx": dict.fromkeys(SIGNER, CLOSING),
    "lo-plan-spans.docx": dict.fromkeys(SIGNER, CLOSING) | {"spans": SPANS},
    "wd-report-appendix.docx": dict.fromkeys(("words_in_draft", "spans"), APPENDIX),
    "lo-report-landscape-appendix.docx": dict.fromkeys(("words_in_draft", "spans"), APPENDIX),
    "lo-auto-numbering-report.docx": dict.fromkeys(("words_in_draft", "spans"), APPENDIX),
    "wd-plan-spans.docx": {"spans": SPANS},
    "wd-fields.docx": {"words_accounted": FIELD},
    "wd-everything.docx": {
        "words_in_draft": _also(APPENDIX, FIELD, RAISED),
        "words_accounted": _also(FIELD, RAISED),
        "footnotes": RAISED,
        "spans": _also(SPANS, APPENDIX),
    },
    "lo-everything.docx": {
        "words_in_draft": _also(APPENDIX, FIELD),
        "words_accounted": FIELD,
        "spans": _also(SPANS, APPENDIX),
    },
    "web-bulletin.docx": dict.fromkeys(SIGNER, BREAKS)
    | dict.fromkeys(("words_accounted", "footnotes"), RAISED),
    "web-plan.docx": dict.fromkeys(SIGNER, BREAKS)
    | dict.fromkeys(("words_in_draft", "words_accounted", "footnotes"), RAISED)
    | {"spans": SPANS},
    "web-report-appendix.docx": dict.fromkeys(SIGNER, BREAKS)
    | {
        "words_in_draft": _also(APPENDIX, RAISED, BREAKS),
        "words_accounted": _also(RAISED, BREAKS),
        "no_markup": APPENDIX,
        "footnotes": RAISED,
        "spans": APPENDIX,
    },
}


def _params() -> list:
    params = []
    for spec in generate.corpus_index():
        for name in checks_for(
            spec.name, damaged=spec.damaged, notes=spec.notes, tables=spec.tables
        ):
            marks = []
            reason = NOT_YET.get(spec.name, {}).get(name)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(spec.name, name, id=f"{spec.name}-{name}", marks=marks))
    return params


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """The corpus files, written once per session."""
    return generate.generate(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def measures(corpus, django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Measure]:
    """Every file imported by an editor of Đồ Sơn; nothing of it stays in the database."""
    media = tmp_path_factory.mktemp("corpus-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media / "media", PRIVATE_ROOT=media / "private"),
        transaction.atomic(),
    ):
        organisations, users = demo_tree_load()
        issuer, actor = organisations["doson-btg"], users["doson.editor"]
        results = {file.name: measure(file, issuer=issuer, actor=actor) for file in corpus}
        transaction.set_rollback(True)
    return results


def test_corpus_table(corpus, measures):
    """At least 40 files; the results table printed and written to test-output/corpus.md."""
    assert len(corpus) >= 40
    assert [file.name for file in corpus] == [spec.name for spec in generate.corpus_index()]
    text = table(list(measures.values()))
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print("\n" + text)


@pytest.mark.parametrize(("file_name", "check_name"), _params())
def test_corpus_file(measures, file_name, check_name):
    check(measures[file_name], check_name)
