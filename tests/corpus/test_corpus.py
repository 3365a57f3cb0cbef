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

# file → {check: the part of the importer it waits for}, marked strict xfail; empty: every
# check of every file holds.
NOT_YET: dict[str, dict[str, str]] = {}


def _params() -> list:
    params = []
    for spec in generate.corpus_index():
        for name in checks_for(damaged=spec.damaged, notes=spec.notes, tables=spec.tables):
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
