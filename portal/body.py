"""One parse of a stored body: outline, text, paragraphs, footnotes, tables and text runs.

A stored body is sanitised HTML (``portal.sanitize``). It is read once by the standard
library's HTML tokenizer, which says where each tag and each run of text starts in the
stored string: what is added for display (heading anchors, citation links) replaces those
spans and leaves every other byte as it was stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html.parser import HTMLParser

from portal.allowlist import HEADINGS
from portal.references import Reference, find_references

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Tags that end a line of the plain text: a citation never runs from one block into the next.
_LINE_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "br", "tr", "td", "th"}
    | {"table", "thead", "tbody", "blockquote", "figure", "figcaption"}
)
# Blocks whose text is one paragraph of a revision diff (the outermost one when nested).
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "th", "td", "figcaption", "blockquote"}
)
# Inside a table cell, the text after these is apart from the text before them.
_CELL_BREAKS = frozenset({"p", "br", "div", "li"})
_APPENDIX_HEADINGS = frozenset({"h1", "h2", "h3"})
_CACHE_SIZE = 32


@dataclass(frozen=True)
class OutlineEntry:
    """One heading of a body, as listed in the outline beside it."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Heading:
    """An h2–h5 heading as stored: 2 for h2, its text, its stored id ("" when none)."""

    level: int
    text: str  # without the footnotes it calls
    text_with_notes: str  # the footnote texts run on, as the data export has them
    id: str
    # Text, an image or a table follows it before the next heading of its level or higher
    # (a sub-heading's text counts for the section above it).
    has_content: bool = True


@dataclass(frozen=True)
class TextRun:
    """Text between two tags: where it is in the stored body, and what it reads."""

    start: int
    end: int
    text: str
    in_link: bool


@dataclass(frozen=True)
class Cell:
    text: str  # without footnotes; paragraphs and line breaks read as a space
    header: bool
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    head_rows: int  # the first rows, those of the <thead>
    in_appendix: bool  # after the appendix heading ("PHỤ LỤC")

    @property
    def texts(self) -> list[list[str]]:
        """The cell texts, row by row."""
        return [[cell.text for cell in row] for row in self.rows]

    @property
    def columns(self) -> int:
        """The widest row, counting a cell spanning n columns as n."""
        return max((sum(cell.colspan for cell in row) for row in self.rows), default=0)


@dataclass(frozen=True)
class ParsedBody:
    """Everything read from one stored body (see ``parse_body``)."""

    html: str
    headings: tuple[Heading, ...]
    outline: tuple[OutlineEntry, ...]  # every heading with a unique anchor
    anchored_html: str  # the body with the outline's anchors as heading ids
    text: str  # blocks on their own lines, inline tags and footnotes apart by a space
    paragraphs: tuple[str, ...]  # each block's text, footnotes as " [note]"
    footnotes: tuple[str, ...]
    tables: tuple[Table, ...]
    text_runs: tuple[TextRun, ...]

    @cached_property
    def references(self) -> tuple[Reference, ...]:
        """The documents the body cites, in order, found in ``text``."""
        return tuple(find_references(self.text))

    def with_runs_replaced(self, replacements: Mapping[int, str]) -> str:
        """The stored body with the text runs at these indexes replaced by the given HTML."""
        pieces, position = [], 0
        for index in sorted(replacements):
            run = self.text_runs[index]
            pieces += [self.html[position : run.start], replacements[index]]
            position = run.end
        pieces.append(self.html[position:])
        return "".join(pieces)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_body(body_html: str) -> ParsedBody:
    """Read a stored body once; the result is shared by every caller with the same body."""
    reader = _Reader(body_html)
    root = reader.read()
    filled = _filled_headings(root)
    headings = tuple(
        Heading(
            level=int(element.tag[1]),
            text=_text(element, notes="drop"),
            text_with_notes=_text(element, notes="keep"),
            id=element.get("id") or "",
            has_content=element in filled,
        )
        for element in _elements(root)
        if element.tag in HEADINGS
    )
    outline, anchored_html = _anchor_headings(body_html, root)
    return ParsedBody(
        html=body_html,
        headings=headings,
        outline=outline,
        anchored_html=anchored_html,
        text="".join(reader.line_text),
        paragraphs=tuple(_paragraphs(root)),
        footnotes=tuple(_text(note, notes="keep") for note in _footnotes(root)),
        tables=tuple(_tables(root)),
        text_runs=tuple(reader.runs),
    )


# --- the tree ----------------------------------------------------------------------------


@dataclass(eq=False)
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    start: int  # where its start tag begins in the body
    end: int  # where its start tag ends
    children: list[_Element | _Text] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    @property
    def is_footnote(self) -> bool:
        return self.tag == "span" and "footnote" in self.classes


@dataclass(eq=False)
class _Text:
    text: str


class _Reader(HTMLParser):
    """Builds the element tree, the text runs with their spans, and the plain text."""

    def __init__(self, body_html: str) -> None:
        super().__init__(convert_charrefs=True)
        self._html = body_html
        self._line_starts = [0]
        position = body_html.find("\n")
        while position >= 0:
            self._line_starts.append(position + 1)
            position = body_html.find("\n", position + 1)
        self._root = _Element("", [], 0, 0)
        self._open = [self._root]
        self._run: tuple[int, list[str], bool] | None = None  # start, pieces, in a link
        self._links = 0
        self.runs: list[TextRun] = []
        self.line_text: list[str] = []

    def read(self) -> _Element:
        self.feed(self._html)
        self.close()
        self._end_run(len(self._html))
        return self._root

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _end_run(self, end: int) -> None:
        if self._run is not None:
            start, pieces, in_link = self._run
            self.runs.append(TextRun(start, end, "".join(pieces), in_link))
            self._run = None

    def _tag(self, tag: str, *, closing: bool = False) -> None:
        self._end_run(self._offset())
        if tag in _LINE_TAGS:
            self.line_text.append("\n")
        elif tag == "span":
            self.line_text.append(" ")
        if tag == "a":
            self._links = max(0, self._links - 1) if closing else self._links + 1

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Element:
        start = self._offset()
        element = _Element(tag, attrs, start, start + len(self.get_starttag_text() or ""))
        self._open[-1].children.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag)
        element = self._element(tag, attrs)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag)
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, closing=True)
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                break

    def handle_data(self, data: str) -> None:
        if self._run is None:
            self._run = (self._offset(), [], self._links > 0)
        self._run[1].append(data)
        self._open[-1].children.append(_Text(data))
        self.line_text.append(data)

    def handle_comment(self, data: str) -> None:
        self._end_run(self._offset())

    handle_decl = handle_pi = unknown_decl = handle_comment


def _elements(element: _Element) -> Iterator[_Element]:
    """The elements under ``element``, in document order."""
    for child in element.children:
        if isinstance(child, _Element):
            yield child
            yield from _elements(child)


def _text(element: _Element, *, notes: str, breaks: frozenset[str] = frozenset()) -> str:
    """The text of an element, spaces collapsed; footnotes dropped, kept, or in brackets."""
    pieces: list[str] = []

    def collect(node: _Element) -> None:
        for child in node.children:
            if isinstance(child, _Text):
                pieces.append(child.text)
            elif child.is_footnote and notes == "drop":
                continue
            elif child.is_footnote and notes == "bracket":
                pieces.extend((" [", _text(child, notes="keep"), "]"))
            else:
                collect(child)
                if child.tag in breaks:
                    pieces.append(" ")

    collect(element)
    return " ".join("".join(pieces).split())


# --- what is read from the tree --------------------------------------------------------------


def _attribute(name: str, value: str | None) -> str:
    if value is None:
        return f" {name}"
    escaped = value.replace("&", "&amp;").replace("\xa0", "&nbsp;").replace('"', "&quot;")
    return f' {name}="{escaped}"'


def _anchor_headings(body_html: str, root: _Element) -> tuple[tuple[OutlineEntry, ...], str]:
    """The outline with an anchor for every heading, and the body with them as ids.

    A heading keeps its id unless an earlier heading has the same; the others get the
    first free ``h-N``. Only the start tags of those headings change.
    """
    used = {value for element in _elements(root) for key, value in element.attrs if key == "id"}
    outline: list[OutlineEntry] = []
    pieces, position, counter = [], 0, 0
    for element in _elements(root):
        if element.tag not in HEADINGS:
            continue
        name = element.get("id") or ""
        if not name or any(entry.anchor == name for entry in outline):
            counter += 1
            while f"h-{counter}" in used:
                counter += 1
            name = f"h-{counter}"
            used.add(name)
            kept = "".join(_attribute(k, v) for k, v in element.attrs if k != "id")
            pieces += [body_html[position : element.start], f'<{element.tag}{kept} id="{name}">']
            position = element.end
        outline.append(OutlineEntry(int(element.tag[1]), _text(element, notes="drop"), name))
    pieces.append(body_html[position:])
    return tuple(outline), "".join(pieces)


def _filled_headings(root: _Element) -> set[_Element]:
    """The headings followed by text or an image before the next heading of their level or
    higher; the text of a sub-section fills every section it is under."""
    open_sections: list[_Element] = []
    filled: set[_Element] = set()

    def walk(node: _Element) -> None:
        for child in node.children:
            if isinstance(child, _Text):
                if child.text.strip():  # "&nbsp;" alone, as an empty editor line, is not text
                    filled.update(open_sections)
            elif child.tag in HEADINGS:
                while open_sections and int(open_sections[-1].tag[1]) >= int(child.tag[1]):
                    open_sections.pop()
                open_sections.append(child)
            elif child.tag == "img":
                filled.update(open_sections)
            else:
                walk(child)

    walk(root)
    return filled


def _paragraphs(element: _Element) -> Iterator[str]:
    for child in element.children:
        if not isinstance(child, _Element):
            continue
        if child.tag in _PARAGRAPH_TAGS:
            text = _text(child, notes="bracket")
            if text:
                yield text
        else:
            yield from _paragraphs(child)


def _footnotes(element: _Element) -> Iterator[_Element]:
    for child in element.children:
        if isinstance(child, _Element):
            if child.is_footnote:
                yield child
            else:
                yield from _footnotes(child)


def _span(cell: _Element, name: str) -> int:
    try:
        return max(1, int(cell.get(name) or 1))
    except ValueError:
        return 1


def _rows(element: _Element, in_head: bool = False) -> Iterator[tuple[_Element, bool]]:
    """The rows of a table (not those of a table inside it), and whether each is a head row."""
    for child in element.children:
        if isinstance(child, _Element) and child.tag != "table":
            if child.tag == "tr":
                yield child, in_head
            else:
                yield from _rows(child, in_head or child.tag == "thead")


def _table(table: _Element, in_appendix: bool) -> Table:
    rows, head_rows = [], 0
    for row, in_head in _rows(table):
        head_rows += in_head
        rows.append(
            tuple(
                Cell(
                    text=_text(cell, notes="drop", breaks=_CELL_BREAKS),
                    header=cell.tag == "th",
                    colspan=_span(cell, "colspan"),
                    rowspan=_span(cell, "rowspan"),
                )
                for cell in row.children
                if isinstance(cell, _Element) and cell.tag in ("td", "th")
            )
        )
    return Table(tuple(rows), head_rows, in_appendix)


def _tables(root: _Element) -> Iterator[Table]:
    in_appendix = False
    for top in root.children:
        if not isinstance(top, _Element):
            continue
        if top.tag in _APPENDIX_HEADINGS and "appendix" in top.classes:
            in_appendix = True
        if top.tag == "table":
            yield _table(top, in_appendix)
        for element in _elements(top):
            if element.tag == "table":
                yield _table(element, in_appendix)
