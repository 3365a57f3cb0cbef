"""Migrations depend on Django and the standard library only, never on live application code."""

import ast
import importlib
import sys
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from guidance.indicators import read_indicator_table
from portal.models import Document
from portal.references import scope_id
from portal.sanitize import sanitize_html
from tests.portal.import_helpers import import_text

APPS = ("portal", "bulletins", "guidance")
PROJECT_PACKAGES = frozenset(APPS)
# Modules named by field declarations (a storage callable, the choices callable): Django
# serialises the reference, so the migration must import it.
FIELD_REFERENCES = frozenset({"portal.storage", "portal.kinds"})
# Third-party libraries a frozen copy may use: the HTML parser the indicator reader was
# written against, so that the copy parses exactly as the rule did.
LIBRARIES = frozenset({"lxml"})
BASE_DIR = Path(settings.BASE_DIR)
MIGRATIONS = sorted(
    path
    for app in APPS
    for path in (BASE_DIR / app / "migrations").glob("*.py")
    if path.name != "__init__.py"
)
SEEDS = BASE_DIR / "portal" / "demo" / "seeds"


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module an import statement names, relative ones as "." plus their name."""
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.append("." * node.level + (node.module or ""))
    return modules


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top in PROJECT_PACKAGES or not top:
        return module in FIELD_REFERENCES
    return top == "django" or top in sys.stdlib_module_names or top in LIBRARIES


def test_migrations_are_found():
    assert {path.parent.parent.name for path in MIGRATIONS} == set(APPS)


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_migration_imports_no_application_code(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for module in imported_modules(tree):
        assert allowed(module), (
            f"{path.relative_to(BASE_DIR)} imports {module!r}: a migration may import only "
            "django, the standard library, "
            f"{', '.join(sorted(LIBRARIES | FIELD_REFERENCES))}; copy the rule it applies "
            "into the migration instead"
        )


# The tests below are tripwires, not a promise that the frozen copies follow the live code
# forever. When the live rule changes on purpose, do not touch the migration: change the test
# to compare the frozen copy with the behaviour recorded here (the live results of today).


ISSUER_CODES = (
    "TW", "CP", "QH15", "TTg", "NĐ-CP", "TU", "BTGTU", "UBND", "HĐND", "QU", "HU", "TXU",
    "ĐU", "ÐU", "DU", "qu", "btgtu", unicodedata.normalize("NFD", "ĐU"), "",
)  # fmt: skip
ANCESTORS = ([], [1], [1, 5], [1, 5, 9])


@pytest.mark.parametrize("issuer_code", ISSUER_CODES)
def test_frozen_scope_id_agrees_with_live(issuer_code: str):
    module = importlib.import_module("portal.migrations.0006_cited_document_scope")
    frozen = module._scope_id
    for ancestors in ANCESTORS:
        assert frozen(issuer_code, list(ancestors)) == scope_id(issuer_code, list(ancestors))


def seed_body(path: Path) -> str:
    kind = path.name.split("-")[0]
    return sanitize_html(import_text(path.read_text(encoding="utf-8"), kind).body_html)


SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.name)
def test_frozen_indicator_reader_agrees_with_live(path: Path):
    module = importlib.import_module("guidance.migrations.0003_indicator_table_cells")
    frozen = module._read_indicator_table
    body = seed_body(path)
    live = read_indicator_table(body)
    rows = frozen(body)
    if live is None:
        assert rows is None
        return
    assert [(row.cells, row.parent) for row in rows] == [
        (row.cells, row.parent) for row in live.rows
    ]


def test_report_seed_has_an_indicator_table():
    """The comparison above is not vacuous: the report seed's appendix is read into rows."""
    table = read_indicator_table(seed_body(SEEDS / "report-2023-q1-haiphong.txt"))
    assert table is not None
    assert len(table.rows) > 3


@pytest.mark.django_db
def test_documents_newest_published_first_have_an_index():
    """The library and the monthly issues are read by publication date, newest first."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Document._meta.db_table)
    index = constraints["portal_doc_published_idx"]
    assert index["index"] and index["columns"] == ["published_at", "id"]
