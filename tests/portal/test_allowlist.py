"""The sanitiser and the editor's configuration come from one declaration."""

import os
import subprocess
import sys
from pathlib import Path

import nh3
import pytest
from django.conf import settings

from portal.allowlist import (
    ALLOW_LIST,
    TOOLBAR,
    Editor,
    Markup,
    editor_config,
    html_support_rules,
    sanitizer_rules,
)
from portal.sanitize import sanitize_html

ROOT = Path(__file__).resolve().parents[2]


def _ghs_allowed(config: dict) -> set[tuple[str, str, str]]:
    """(element, "attribute" or "class", name) for every General HTML Support rule."""
    allowed = set()
    for rule in config["htmlSupport"]["allow"]:
        allowed |= {(rule["name"], "attribute", a) for a in rule.get("attributes", {})}
        allowed |= {(rule["name"], "class", c) for c in rule.get("classes", [])}
    return allowed


def _sample(element: str, kind: str, name: str) -> tuple[str, str]:
    """A body with the element carrying the attribute or class, and that markup."""
    markup = f'class="{name}"' if kind == "class" else f'{name}="2"'
    html = f"<{element} {markup}>x</{element}>"
    if element in ("td", "th"):
        html = f"<table><tbody><tr>{html}</tr></tbody></table>"
    return html, markup


def test_the_editor_configuration_is_generated_from_the_allow_list():
    assert {"default": {"language": "vi", **editor_config()}} == settings.CKEDITOR_5_CONFIGS


def test_whatever_the_editor_keeps_through_html_support_the_sanitiser_keeps():
    allowed = _ghs_allowed(settings.CKEDITOR_5_CONFIGS["default"])
    assert ("span", "class", "footnote") in allowed and ("h3", "attribute", "id") in allowed
    for element, kind, name in allowed:
        html, markup = _sample(element, kind, name)
        assert markup in sanitize_html(html), html


def test_whatever_the_sanitiser_keeps_the_editor_keeps_unless_declared_dropped():
    editor = _ghs_allowed(settings.CKEDITOR_5_CONFIGS["default"])
    declared = set()
    for markup in ALLOW_LIST:
        for kind, names in (("attribute", markup.attributes), ("class", markup.classes)):
            for name in names:
                if markup.element == "img" or (markup.element, name) == ("a", "href"):
                    continue  # an image source and a link need values of their own
                html, kept = _sample(markup.element, kind, name)
                assert kept in sanitize_html(html), html
                if markup.editor is Editor.HTML_SUPPORT:
                    declared.add((markup.element, kind, name))
    assert declared == editor
    assert [m for m in ALLOW_LIST if m.editor is Editor.DROPPED] == [
        Markup("a", attributes=("title",), editor=Editor.DROPPED)
    ]


def test_an_element_added_to_the_allow_list_reaches_both():
    extended = (*ALLOW_LIST, Markup("mark", classes=("hl",), editor=Editor.HTML_SUPPORT))
    rules = sanitizer_rules(extended)
    html = '<mark class="hl">x</mark>'
    kept = nh3.clean(html, tags=rules.tags, attributes=rules.attributes,
                     allowed_classes=rules.classes, url_schemes=rules.url_schemes)  # fmt: skip
    assert kept == html
    assert "mark" not in sanitize_html(html)
    assert {"name": "mark", "classes": ["hl"]} in html_support_rules(extended)
    assert {"name": "mark", "classes": ["hl"]} not in html_support_rules()


def test_headings_and_buttons_follow_the_allow_list():
    without = tuple(m for m in ALLOW_LIST if m.element not in ("h5", "blockquote"))
    config = editor_config(without)
    assert [o.get("view") for o in config["heading"]["options"]] == [None, "h2", "h3", "h4"]
    assert "blockQuote" not in config["toolbar"] and "blockQuote" in editor_config()["toolbar"]
    assert not any(rule["name"] == "h5" for rule in config["htmlSupport"]["allow"])
    tags = sanitizer_rules().tags
    for button, elements in TOOLBAR:
        assert set(elements) <= tags, button


@pytest.mark.parametrize(
    "code",
    [
        "import portal.settings",
        "import sys, portal.allowlist; assert not [m for m in sys.modules if 'django' in m]",
    ],
)
def test_settings_import_the_allow_list_without_loading_apps(code):
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
