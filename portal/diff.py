"""What changed between two revisions' bodies, word by word, for Vietnamese.

Text is compared in Unicode NFC, so a body converted from NFD to NFC reads unchanged. A
token is a whole syllable (Vietnamese writes each syllable apart), a number with its
separators ("116.442,134") or one punctuation mark; tokens compare case-sensitively with
their diacritics. The bodies are compared block by block first (headings, paragraphs, list
items, table rows); only the blocks that changed are compared word by word, a footnote
apart from the text that calls it and a table row cell by cell. A block deleted in one
place and inserted, the same or nearly, in another is reported as moved.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby

from portal.body import _Element, _Reader, _text  # the one reader of stored bodies

EQUAL, CHANGED, INSERTED, DELETED, MOVED = "equal", "changed", "inserted", "deleted", "moved"
# A deleted and an inserted block this similar (or more) are one block moved.
MOVED_RATIO = 0.9
# A deleted and an inserted block at the same place this similar (or more) are one block
# changed; below it they are shown as one removed and one added.
CHANGED_RATIO = 0.5
# Runs of unchanged blocks longer than this are folded, keeping this many on each side.
CONTEXT = 1

_TOKEN = re.compile(r"(\d+(?:[.,/]\d+)*|\w+|[^\w\s])(\s*)")
_TEXT_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "blockquote", "dt", "dd"}
)
_CELL_BREAKS = frozenset({"p", "br", "div", "li"})


@dataclass(frozen=True)
class Block:
    """One block of a body: its tag, text without footnotes, footnotes, and cells (rows)."""

    tag: str
    text: str
    notes: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    table: int = -1  # which table of the body a row belongs to
    # Where its start tag is in the (NFC) body it was read from: for marking it in print.
    start: int = field(default=-1, compare=False, repr=False)
    end: int = field(default=-1, compare=False, repr=False)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every token of the block, cells and footnotes included (for similarity)."""
        return tuple(t for t, _ in tokens(" ".join((self.text, *self.cells, *self.notes))))

    @property
    def key(self) -> str:
        return "\x1e".join((self.tag, self.text, "\x1f".join(self.cells), *self.notes))


@dataclass(frozen=True)
class Op:
    """A run of tokens: kept, inserted or deleted; ``tail`` is the space after it."""

    tag: str  # "equal", "insert", "delete"
    text: str
    tail: str = ""


@dataclass
class DiffBlock:
    kind: str
    old: Block | None
    new: Block | None
    words: list[Op] = field(default_factory=list)
    notes: list[list[Op]] = field(default_factory=list)
    cells: list[list[Op]] = field(default_factory=list)
    move: int = 0  # the number shared by the two places of a moved block

    @property
    def block(self) -> Block:
        return self.new or self.old  # type: ignore[return-value]

    @property
    def is_row(self) -> bool:
        return self.block.tag == "tr"

    @property
    def moved_away(self) -> bool:
        """The place a moved block left (shown as a pointer to where it went)."""
        return self.kind == MOVED and self.new is None


@dataclass
class Group:
    """Consecutive blocks shown together: a table's rows, or unchanged blocks folded."""

    kind: str  # "block", "table", "folded"
    blocks: list[DiffBlock]


@dataclass
class BodyDiff:
    blocks: list[DiffBlock]

    @property
    def counts(self) -> dict[str, int]:
        counts = {CHANGED: 0, INSERTED: 0, DELETED: 0, MOVED: 0}
        for block in self.blocks:
            if block.kind != EQUAL and not block.moved_away:
                counts[block.kind] += 1
        return counts

    @property
    def unchanged(self) -> bool:
        return all(block.kind == EQUAL for block in self.blocks)

    @property
    def groups(self) -> list[Group]:
        """The blocks as shown: a table's rows together, long unchanged runs folded."""
        groups: list[Group] = []
        for _, run in groupby(self.blocks, key=lambda b: b.kind == EQUAL):
            run = list(run)
            if run[0].kind == EQUAL and len(run) > 2 * CONTEXT + 1:
                head, folded, tail = run[:CONTEXT], run[CONTEXT:-CONTEXT], run[-CONTEXT:]
                groups += [*_shown(head), Group("folded", folded), *_shown(tail)]
            else:
                groups += _shown(run)
        return groups


def _shown(blocks: list[DiffBlock]) -> list[Group]:
    """Blocks one by one, except the rows of one table, which stay one table."""
    groups: list[Group] = []
    for table, run in groupby(blocks, key=lambda b: b.block.table if b.is_row else None):
        if table is None:
            groups += [Group("block", [block]) for block in run]
        else:
            groups.append(Group("table", list(run)))
    return groups


# --- reading a body into blocks ------------------------------------------------------------


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _notes(element: _Element) -> tuple[str, ...]:
    notes: list[str] = []

    def collect(node: _Element) -> None:
        for child in node.children:
            if isinstance(child, _Element):
                if child.is_footnote:
                    notes.append(_nfc(_text(child, notes="keep")))
                else:
                    collect(child)

    collect(element)
    return tuple(notes)


def body_blocks(body_html: str) -> list[Block]:
    """The blocks of a stored body in order, text in NFC; empty blocks left out."""
    root = _Reader(_nfc(body_html or "")).read()
    blocks: list[Block] = []
    tables = 0

    def walk(node: _Element, table: int) -> None:
        nonlocal tables
        for child in node.children:
            if not isinstance(child, _Element) or child.is_footnote:
                continue
            if child.tag == "table":
                tables += 1
                walk(child, tables)
            elif child.tag == "tr":
                cells = tuple(
                    _text(cell, notes="drop", breaks=_CELL_BREAKS)
                    for cell in child.children
                    if isinstance(cell, _Element) and cell.tag in ("td", "th")
                )
                notes = _notes(child)
                if any(cells) or notes:
                    blocks.append(Block("tr", "", notes, cells, table, child.start, child.end))
            elif child.tag in _TEXT_BLOCKS:
                text = _text(child, notes="drop")
                block = Block(child.tag, text, _notes(child), start=child.start, end=child.end)
                if block.text or block.notes:
                    blocks.append(block)
            else:
                walk(child, table)

    walk(root, -1)
    return blocks


# --- word level ----------------------------------------------------------------------------


def tokens(text: str) -> list[tuple[str, str]]:
    """The tokens of a text with the space after each: syllables, numbers, punctuation."""
    return [(m.group(1), m.group(2)) for m in _TOKEN.finditer(text)]


def _run(tag: str, run: list[tuple[str, str]]) -> Op:
    text = "".join(word + space for word, space in run[:-1]) + run[-1][0]
    return Op(tag, text, run[-1][1])


def word_ops(old: str, new: str) -> list[Op]:
    """The word-level difference of two texts: runs kept, deleted and inserted."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":  # the old text's space where the new one ends before a deletion
            ops.append(Op("equal", _run("equal", b[j1:j2]).text, b[j2 - 1][1] or a[i2 - 1][1]))
            continue
        if i2 > i1:
            ops.append(_run("delete", a[i1:i2]))
        if j2 > j1:
            ops.append(_run("insert", b[j1:j2]))
    return ops


def _list_ops(old: tuple[str, ...], new: tuple[str, ...]) -> list[list[Op]]:
    """Texts compared place by place (footnotes, cells); one missing reads as all new or gone."""
    ops = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is None:
            ops.append([Op("insert", after)] if after else [])
        elif after is None:
            ops.append([Op("delete", before)] if before else [])
        else:
            ops.append(word_ops(before, after) if before != after else [Op("equal", after)])
    return ops


def _similarity(old: Block, new: Block) -> float:
    if old.tag != new.tag and "tr" in (old.tag, new.tag):
        return 0.0
    a, b = old.words, new.words
    if 2 * min(len(a), len(b)) < CHANGED_RATIO * (len(a) + len(b)):
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= CHANGED_RATIO else 0.0


def _compared(kind: str, old: Block, new: Block, move: int = 0) -> DiffBlock:
    result = DiffBlock(kind, old, new, move=move)
    result.words = word_ops(old.text, new.text) if old.text != new.text else _kept(new.text)
    result.notes = _list_ops(old.notes, new.notes)
    result.cells = _list_ops(old.cells, new.cells)
    return result


def _kept(text: str) -> list[Op]:
    return [Op("equal", text)] if text else []


def _alone(kind: str, block: Block, *, old: bool, move: int = 0) -> DiffBlock:
    tag = {INSERTED: "insert", DELETED: "delete"}.get(kind, "equal")
    result = DiffBlock(kind, block if old else None, None if old else block, move=move)
    result.words = [Op(tag, block.text)] if block.text else []
    result.notes = [[Op(tag, note)] for note in block.notes]
    result.cells = [[Op(tag, cell)] if cell else [] for cell in block.cells]
    return result


# --- block level ---------------------------------------------------------------------------


def _moves(old: list[Block], new: list[Block], gone: dict, came: dict) -> dict[int, int]:
    """Pairs (old index → new index) of blocks deleted in one place, inserted in another.

    ``gone`` and ``came`` give the changed region of each deleted and inserted block: a
    block deleted and inserted within one region changed there, it did not move."""
    pairs: dict[int, int] = {}
    by_key: dict[str, list[int]] = {}
    for j in came:
        by_key.setdefault(new[j].key, []).append(j)
    taken: set[int] = set()
    for i in gone:
        candidates = [
            j for j in by_key.get(old[i].key, []) if j not in taken and came[j] != gone[i]
        ]
        if candidates:
            pairs[i] = candidates[0]
            taken.add(candidates[0])
    for i in gone:
        if i in pairs or not (old[i].text or old[i].cells):
            continue
        best, best_ratio = None, MOVED_RATIO
        for j in came:
            if j in taken or came[j] == gone[i]:
                continue
            if (ratio := _similarity(old[i], new[j])) >= best_ratio:
                best, best_ratio = j, ratio
        if best is not None:
            pairs[i] = best
            taken.add(best)
    return pairs


def _region(old: list[Block], new: list[Block], olds: list[int], news: list[int]) -> list:
    """One region of the block-level diff, its remaining blocks paired where similar."""
    out: list[tuple[str, int | None, int | None]] = []
    start = 0
    for i in olds:
        match = next(
            (
                k
                for k in range(start, len(news))
                if _similarity(old[i], new[news[k]]) >= CHANGED_RATIO
            ),
            None,
        )
        if match is None:
            out.append((DELETED, i, None))
            continue
        out += [(INSERTED, None, news[k]) for k in range(start, match)]
        out.append((CHANGED, i, news[match]))
        start = match + 1
    out += [(INSERTED, None, news[k]) for k in range(start, len(news))]
    return out


def diff_bodies(old_html: str, new_html: str) -> BodyDiff:
    """Compare two stored bodies (see the module's docstring)."""
    old, new = body_blocks(old_html), body_blocks(new_html)
    matcher = difflib.SequenceMatcher(
        None, [b.key for b in old], [b.key for b in new], autojunk=False
    )
    opcodes = matcher.get_opcodes()
    changes = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    gone = {i: region for region, (i1, i2, _, _) in enumerate(changes) for i in range(i1, i2)}
    came = {j: region for region, (_, _, j1, j2) in enumerate(changes) for j in range(j1, j2)}
    moves = _moves(old, new, gone, came)
    numbers = {i: n for n, i in enumerate(sorted(moves), start=1)}
    arrived = {j: i for i, j in moves.items()}
    blocks: list[DiffBlock] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            blocks += [
                _equal(old[i], new[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        blocks += [
            _alone(MOVED, old[i], old=True, move=numbers[i]) for i in range(i1, i2) if i in moves
        ]
        olds = [i for i in range(i1, i2) if i not in moves]
        news = [j for j in range(j1, j2) if j not in arrived]
        waiting = [j for j in range(j1, j2) if j in arrived]
        for kind, i, j in _region(old, new, olds, news):
            while waiting and j is not None and waiting[0] < j:
                blocks.append(_arrival(old, new, arrived, waiting.pop(0), numbers))
            if kind == CHANGED:
                blocks.append(_compared(CHANGED, old[i], new[j]))
            elif kind == DELETED:
                blocks.append(_alone(DELETED, old[i], old=True))
            else:
                blocks.append(_alone(INSERTED, new[j], old=False))
        blocks += [_arrival(old, new, arrived, j, numbers) for j in waiting]
    return BodyDiff(blocks)


def _equal(old: Block, new: Block) -> DiffBlock:
    result = _alone(EQUAL, new, old=False)
    result.old = old
    return result


def _arrival(old: list[Block], new: list[Block], arrived: dict, j: int, numbers: dict):
    """A moved block at its new place, compared with what it was at the old one."""
    i = arrived[j]
    return _compared(MOVED, old[i], new[j], move=numbers[i])


# --- marks for print -----------------------------------------------------------------------

# The classes a marked body's blocks carry (styled in the print stylesheet).
MARK_CHANGED, MARK_CUT = "rev-mark", "rev-cut"
_CLASS = re.compile(r'(\sclass\s*=\s*")([^"]*)(")', re.IGNORECASE)


def _with_class(tag: str, name: str) -> str:
    """A start tag with one more class."""
    if _CLASS.search(tag):
        return _CLASS.sub(lambda m: f"{m.group(1)}{m.group(2)} {name}{m.group(3)}", tag, count=1)
    closing = len(tag) - 2 if tag.endswith("/>") else len(tag) - 1
    return f'{tag[:closing]} class="{name}"{tag[closing:]}'


def marked_body(old_html: str, new_html: str) -> tuple[str, int]:
    """The new body (in NFC) with every block that changed, came or moved since the old one
    classed ``rev-mark``, and the block after a deletion ``rev-cut``; and how many blocks
    were marked. Only start tags change: the text prints exactly as without marks."""
    new_html = _nfc(new_html or "")
    marks: dict[int, tuple[int, str]] = {}
    cut = False
    for block in diff_bodies(old_html, new_html).blocks:
        if block.new is None:
            cut = cut or block.kind == DELETED
            continue
        if block.kind in (CHANGED, INSERTED, MOVED):
            marks[block.new.start] = (block.new.end, MARK_CHANGED)
        elif cut:
            marks[block.new.start] = (block.new.end, MARK_CUT)
        cut = False
    pieces, position = [], 0
    for start in sorted(marks):
        end, name = marks[start]
        pieces += [new_html[position:start], _with_class(new_html[start:end], name)]
        position = end
    pieces.append(new_html[position:])
    changed = sum(1 for _, name in marks.values() if name == MARK_CHANGED)
    return "".join(pieces), changed


# --- a kind's own rows (a report's indicator table), row by row ----------------------------


@dataclass
class RowDiff:
    kind: str  # changed, inserted, deleted
    key: str
    cells: list[list[Op]]


@dataclass
class RowsDiff:
    columns: list[str]
    rows: list[RowDiff]  # the rows that differ, in the new table's order
    unchanged: int  # how many rows are the same in both
    after_cut: set[str] = field(default_factory=set)  # new rows right after removed ones

    @property
    def marks(self) -> dict[str, str]:
        """The margin mark of each new row that has one: changed or added, else right
        after a removed row."""
        marks = dict.fromkeys(self.after_cut, MARK_CUT)
        marks.update((row.key, MARK_CHANGED) for row in self.rows if row.kind != DELETED)
        return marks

    @property
    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for row in self.rows if row.kind == kind) for kind in _ROW_KINDS}


_ROW_KINDS = (CHANGED, INSERTED, DELETED)


def diff_rows(old: dict | None, new: dict | None) -> RowsDiff | None:
    """Two revisions' kept rows compared row by row: a row is the same row in both when its
    key is (a report's indicator by number and name), whatever its place; its cells compare
    word by word. None when either revision kept no rows."""
    if not old or not new:
        return None
    before = {key: [_nfc(cell) for cell in cells] for key, cells in old.get("rows", [])}
    after = [(key, [_nfc(cell) for cell in cells]) for key, cells in new.get("rows", [])]
    keys_after = {key for key, _ in after}
    rows: list[RowDiff] = []
    unchanged = 0
    after_cut: set[str] = set()
    old_order = [key for key, _ in old.get("rows", [])]
    gone = [key for key in old_order if key not in keys_after]
    for key, cells in after:
        # Rows removed just before this one's old place are shown there.
        if key in before:
            place = old_order.index(key)
            while gone and old_order.index(gone[0]) < place:
                rows.append(_row_alone(DELETED, gone.pop(0), before))
                after_cut.add(key)
        if key not in before:
            rows.append(RowDiff(INSERTED, key, [[Op("insert", c)] if c else [] for c in cells]))
        elif before[key] == cells:
            unchanged += 1
        else:
            rows.append(RowDiff(CHANGED, key, _list_ops(tuple(before[key]), tuple(cells))))
    rows += [_row_alone(DELETED, key, before) for key in gone]
    columns = list(new.get("columns") or old.get("columns") or [])
    return RowsDiff(columns, rows, unchanged, after_cut)


def _row_alone(kind: str, key: str, cells_of: dict) -> RowDiff:
    return RowDiff(kind, key, [[Op("delete", c)] if c else [] for c in cells_of[key]])
