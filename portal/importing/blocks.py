"""The intermediate structure of an import: what a reader found in a file, before structuring.

Readers write a :class:`SourceDocument`; the structurer reads it. A block's text is written in
the one inline notation both readers share:

- ``**bold**`` and ``*italic*`` (or ``<b>…</b>`` and ``<i>…</i>`` where markers would not
  parse);
- ``⁽¹⁾`` right after a word for a footnote call, and a block starting with ``⁽¹⁾`` for the
  footnote's text;
- ``| a | b |`` for a table row, ``|---|---|`` under a header row (merged cells: the
  block's ``spans``);
- a list's visible number or mark (``II.``, ``1.1.``, ``a)``, ``(3)``, ``-``, ``+``) at the
  start.

A blank block separates paragraphs, as an empty line does in a plain-text file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# The printed type names a document's first line may carry.
TYPE_NAMES = frozenset({"BẢN TIN", "HƯỚNG DẪN", "BÁO CÁO"})
# A wider "row" is a paragraph: a line of 2 MB of '|' would otherwise build a million cells.
MAX_TABLE_COLUMNS = 50
# A merged cell spans at most this many rows (and MAX_TABLE_COLUMNS columns).
MAX_SPAN_ROWS = 50


NOT_READABLE = gettext_noop(
    "Tệp không phải văn bản thuần (UTF-8) cũng không phải tệp Word .docx đọc được. "
    "Hãy lưu tệp dưới dạng .docx hoặc .txt (UTF-8) rồi thử lại."
)


class ImportRefused(ValueError):
    """An upload that is neither UTF-8 text nor a readable .docx.

    The message is Vietnamese source text marked for translation: show ``gettext(str(exc))``.
    """


class Unreadable(Exception):
    """A file a reader could not read at all; ``notes`` is the whole import report."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(*notes)
        self.notes = notes


@dataclass
class Block:
    """One paragraph of the source (or a blank separator), in the shared inline notation."""

    text: str
    place: str = ""  # where a report note points ("Đoạn 4"); "" for "Dòng <number>"
    # A table row's merged cells, one (colspan, rowspan) per cell, (0, 0) for a cell that a
    # span covers (written empty in the row); [] when nothing is merged.
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SourceDocument:
    """Everything a reader found: the blocks in reading order and its own report notes."""

    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Plain-text exports cut paragraphs at page breaks and footnotes at dash lines; a .docx
    # keeps its paragraphs whole, so nothing is joined.
    layout_repairs: bool = True
    # The lines above the type name (issuer, number, place and date), left out of the body.
    header: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The text of every block, blank ones included."""
        return [block.text for block in self.blocks]

    def place(self, number: int) -> str:
        """Where block ``number`` (from 1) is, as a report note names it."""
        if 1 <= number <= len(self.blocks) and self.blocks[number - 1].place:
            return self.blocks[number - 1].place
        return f"Dòng {number}"


def split_lines(text: str) -> list[str]:
    """The lines of a text, whatever its line endings."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
