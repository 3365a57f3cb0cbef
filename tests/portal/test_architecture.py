"""The structure the README's module map promises, checked on the source itself.

The import contracts (the core never imports a kind; kinds do not import each other;
renderers and importers do not import views) are checked by `lint-imports` in `make test`;
these tests check what an import graph cannot see.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("portal", "bulletins", "guidance")


def _sources() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _calls(tree: ast.AST, attribute: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == attribute
    ]


def _receiver(call: ast.Call) -> str:
    """'WorkflowEvent.objects' for WorkflowEvent.objects.create(…)."""
    return ast.unparse(call.func.value)


def test_sources_are_found():
    names = {path.name for path in _sources()}
    assert {"events.py", "kinds.py", "views.py", "selectors.py"} <= names


def test_events_are_written_and_documents_locked_in_one_module():
    offenders = []
    for path in _sources():
        tree = _tree(path)
        for call in _calls(tree, "create") + _calls(tree, "bulk_create"):
            if _receiver(call).startswith("WorkflowEvent"):
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno} writes an event")
        for call in _calls(tree, "select_for_update"):
            if _receiver(call).startswith("Document"):
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno} locks a document")
    allowed = "portal/services/events.py"
    assert [o for o in offenders if not o.startswith(allowed)] == []


@pytest.mark.parametrize("module", ["views.py", "reference_views.py"])
def test_forms_live_in_forms_modules(module):
    for path in [p for p in _sources() if p.name == module]:
        classes = [n for n in ast.walk(_tree(path)) if isinstance(n, ast.ClassDef)]
        bases = [ast.unparse(base) for cls in classes for base in cls.bases]
        assert not [b for b in bases if "Form" in b or "Field" in b], path


def test_selectors_raise_a_domain_error_not_http404():
    for path in [p for p in _sources() if p.name == "selectors.py"]:
        names = {n.id for n in ast.walk(_tree(path)) if isinstance(n, ast.Name)}
        assert "Http404" not in names, path


def test_template_tags_run_no_queries():
    for path in sorted((ROOT / "portal" / "templatetags").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for needle in (".objects", "documents_visible_to", ".citations", ".filter("):
            assert needle not in source, f"{path.name} uses {needle}"


def test_the_core_never_names_a_kind():
    """No `kind == "report"` in the core: kinds are asked through the registry."""
    offenders = []
    for path in _sources():
        # The settings list the installed kind apps; the demo names what it loads.
        if path.parts[len(ROOT.parts)] != "portal" or path.parent.name == "demo":
            continue
        if path.name == "settings.py":
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and node.value in ("bulletin", "guidance", "report"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert offenders == []
