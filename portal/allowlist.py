"""The markup a stored body may hold, declared once.

The sanitiser (``portal.sanitize``) enforces it and the editor's configuration
(``CKEDITOR_5_CONFIGS`` in ``portal.settings``) is generated from it. Pure Python without
Django, so that the settings can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Editor(Enum):
    """How CKEditor 5 keeps a piece of allowed markup through an edit."""

    FEATURE = "feature"  # one of its own features reads and writes it (bold, lists, tables…)
    HTML_SUPPORT = "html-support"  # General HTML Support keeps it: a rule is generated
    DROPPED = "dropped"  # kept in imported bodies; an edit in the editor drops it


@dataclass(frozen=True)
class Markup:
    """An element, with the attributes and classes it may carry."""

    element: str
    attributes: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    editor: Editor = Editor.FEATURE


@dataclass(frozen=True)
class SanitizerRules:
    """The allow-list in the form ``nh3.clean`` takes it."""

    tags: set[str]
    attributes: dict[str, set[str]]
    classes: dict[str, set[str]]
    url_schemes: set[str]


# Headings of the outline ("I.", "1.", "1.1.", "1.1.1.") with their names in the editor.
HEADINGS = {"h2": "Mục I.", "h3": "Mục 1.", "h4": "Mục 1.1.", "h5": "Mục 1.1.1."}
# The importer's paragraph kinds: "- item", "+ item", "(1) item", text it could not place,
# and the title line under an appendix heading.
PARAGRAPH_CLASSES = ("item-dash", "item-plus", "item-num", "unplaced", "appendix-title")
URL_SCHEMES = ("http", "https", "mailto")

_SUPPORT = Editor.HTML_SUPPORT
ALLOW_LIST: tuple[Markup, ...] = (
    Markup("p"),
    Markup("p", classes=PARAGRAPH_CLASSES, editor=_SUPPORT),
    Markup("br"),
    *(Markup(tag) for tag in ("strong", "b", "em", "i", "u", "s", "sup", "sub")),
    Markup("span", classes=("footnote",), editor=_SUPPORT),  # a footnote at its call
    *(Markup(tag) for tag in HEADINGS),
    *(Markup(tag, attributes=("id",), editor=_SUPPORT) for tag in HEADINGS),  # anchors
    Markup("h2", classes=("appendix",), editor=_SUPPORT),  # "PHỤ LỤC"
    *(Markup(tag) for tag in ("ul", "ol", "li", "blockquote")),
    *(Markup(tag) for tag in ("table", "thead", "tbody", "tr")),
    Markup("th", attributes=("colspan", "rowspan")),
    Markup("td", attributes=("colspan", "rowspan")),
    Markup("td", classes=("num",), editor=_SUPPORT),  # a figure, aligned right
    Markup("figure", classes=("image", "table")),
    Markup("figcaption"),
    Markup("a", attributes=("href",)),
    Markup("a", attributes=("title",), editor=Editor.DROPPED),
    Markup("img", attributes=("src", "alt", "width", "height")),
)

# The editor's toolbar: each button with the elements it writes. A button whose markup the
# allow-list does not hold is left out, so the editor never offers what the sanitiser drops.
TOOLBAR: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("heading", tuple(HEADINGS)),
    ("|", ()),
    ("bold", ("strong",)),
    ("italic", ("i",)),
    ("underline", ("u",)),
    ("link", ("a",)),
    ("bulletedList", ("ul", "li")),
    ("numberedList", ("ol", "li")),
    ("blockQuote", ("blockquote",)),
    ("insertTable", ("figure", "table", "tbody", "tr", "td")),
    ("imageUpload", ("figure", "img")),
    ("|", ()),
    ("undo", ()),
    ("redo", ()),
)


def sanitizer_rules(allow_list: tuple[Markup, ...] = ALLOW_LIST) -> SanitizerRules:
    """Tags, attributes per tag, classes per tag and URL schemes for ``nh3.clean``."""
    attributes: dict[str, set[str]] = {}
    classes: dict[str, set[str]] = {}
    for markup in allow_list:
        if markup.attributes:
            attributes.setdefault(markup.element, set()).update(markup.attributes)
        if markup.classes:
            classes.setdefault(markup.element, set()).update(markup.classes)
    return SanitizerRules(
        tags={markup.element for markup in allow_list},
        attributes=attributes,
        classes=classes,
        url_schemes=set(URL_SCHEMES),
    )


def html_support_rules(allow_list: tuple[Markup, ...] = ALLOW_LIST) -> list[dict[str, Any]]:
    """General HTML Support rules for what no editor feature writes.

    Attributes and classes get rules of their own: a rule naming both would only match an
    element that has both.
    """
    rules: list[dict[str, Any]] = []
    for markup in allow_list:
        if markup.editor is not Editor.HTML_SUPPORT:
            continue
        if markup.attributes:
            attributes = dict.fromkeys(markup.attributes, True)
            rules.append({"name": markup.element, "attributes": attributes})
        if markup.classes:
            rules.append({"name": markup.element, "classes": list(markup.classes)})
    return rules


def heading_options(allow_list: tuple[Markup, ...] = ALLOW_LIST) -> list[dict[str, str]]:
    """The editor's paragraph style list: a paragraph, then each allowed heading."""
    allowed = {markup.element for markup in allow_list}
    options = [{"model": "paragraph", "title": "Đoạn văn", "class": "ck-heading_paragraph"}]
    for tag, title in HEADINGS.items():
        if tag in allowed:
            model = f"heading{tag[1:]}"
            css = f"ck-heading_{model}"
            options.append({"model": model, "view": tag, "title": title, "class": css})
    return options


def toolbar(allow_list: tuple[Markup, ...] = ALLOW_LIST) -> list[str]:
    """The toolbar buttons whose markup is allowed."""
    allowed = {markup.element for markup in allow_list}
    return [button for button, elements in TOOLBAR if set(elements) <= allowed]


def editor_config(allow_list: tuple[Markup, ...] = ALLOW_LIST) -> dict[str, Any]:
    """The markup part of the CKEditor 5 configuration: toolbar, headings, HTML support."""
    return {
        "toolbar": toolbar(allow_list),
        "heading": {"options": heading_options(allow_list)},
        "htmlSupport": {"allow": html_support_rules(allow_list)},
    }
