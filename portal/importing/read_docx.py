"""Reader of Word (.docx) documents: mammoth's HTML becomes blocks in the shared notation.

mammoth (≥ 1.11) turns the .docx into HTML; this module writes that HTML as blocks (a
paragraph per block, ``**bold**``, ``*italic*``, ``⁽¹⁾`` footnote calls with ``⁽¹⁾ text``
definitions after their paragraph, pipe tables), so both readers feed the structurer the same
way. Automatic Word numbering keeps its visible numbers: they are written into the paragraphs
before mammoth reads them.

Nothing outside the uploaded bytes is ever read: images are dropped without being opened,
external file access stays off (mammoth refuses linked images by itself since 1.11), parts
with a DTD are refused, and the archive's declared sizes are capped (zip bombs).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import lxml.html
import mammoth
from django.utils.translation import gettext_noop
from lxml import etree

from portal.importing.blocks import (
    MAX_SPAN_ROWS,
    MAX_TABLE_COLUMNS,
    NOT_READABLE,
    SUPERSCRIPT_DIGITS,
    TYPE_NAMES,
    Block,
    ImportRefused,
    SourceDocument,
    Unreadable,
    split_lines,
)

DOCX_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 5000

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)

_DAMAGED = gettext_noop(
    "Tệp Word bị hỏng: không đọc được phần nội dung (word/document.xml). Hãy mở tệp trong "
    "Word, lưu lại dưới dạng .docx rồi thử lại."
)
_NOTHING_IMPORTED = "Không có nội dung nào được nhập."
_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_NOTE_HREF_RE = re.compile(r"^#(?:[\w-]*?)((?:foot|end)note-[^\s]+)$")
_NOTE_ID_RE = re.compile(r"^(?:[\w-]*?)((?:foot|end)note-[^\s]+)$")
_PREFIX_RE = re.compile(
    r"^\s*(?:[IVXLC]{1,7}\.?|[0-9]{1,2}(?:\.[0-9]{1,2}){0,3}\.?|\([0-9]{1,3}\)\.?|[a-zđ]\)"
    r"|[-–—+•])\s+"
)
_RECIPIENTS_RE = re.compile(r"^\s*N[ơo]i\s+nh[ậa]n\s*:", re.I)
_DOCTYPE_MARKS = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BULLET_DASHES = frozenset({"-", "–", "—", "−", "‒"})
# Paragraphs before the type name ("BÁO CÁO") that are read as the header block.
_HEADER_WINDOW = 12
# Word list numbers: a hostile w:start of 10^12 would spin _roman or build gigabyte labels.
_MAX_LIST_START = 10000
_MAX_NUMBER_CHARS = 16  # one number of a label ("MMMMMMMMMM", "ppp…")
_MAX_LEVEL_TEXT = 64  # the w:lvlText pattern ("%1.%2.")


def is_docx(data: bytes) -> bool:
    """True when the bytes start as a zip archive, as every .docx does."""
    return data.startswith(DOCX_MAGIC)


def check_docx(data: bytes) -> None:
    """Raise ImportRefused unless the bytes are a .docx this reader can open."""
    _check_parts(_check_archive(data))


def read_docx(data: bytes) -> SourceDocument:
    """The blocks of one .docx; raises Unreadable, with the report, when nothing is readable."""
    try:
        archive = _check_archive(bytes(data))
    except ImportRefused as exc:
        raise Unreadable([f"{exc} {_NOTHING_IMPORTED}"]) from exc
    except Exception as exc:  # noqa: BLE001 - bad input must never raise anything else
        raise Unreadable([f"{NOT_READABLE} {_NOTHING_IMPORTED}"]) from exc
    try:
        return _convert(archive, data)
    except ImportRefused as exc:
        raise Unreadable([f"{exc} {_NOTHING_IMPORTED}"]) from exc
    except Exception as exc:  # noqa: BLE001 - fall back to the raw text of the paragraphs
        return _raw_source(archive, exc)


def _check_archive(data: bytes) -> zipfile.ZipFile:
    """Open a .docx archive, refusing what is not one, encrypted entries and zip bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ImportRefused(NOT_READABLE) from exc
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ImportRefused(NOT_READABLE)
    if len(entries) > MAX_ARCHIVE_ENTRIES or (
        sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES
    ):
        raise ImportRefused(gettext_noop("Tệp Word quá lớn khi giải nén; không nhập được."))
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ImportRefused(gettext_noop("Tệp Word có mật khẩu; hãy bỏ mật khẩu rồi thử lại."))
    return archive


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Refuse a .docx with a DTD in a part or a body that is not readable XML.

    Without this a damaged file would become an empty draft: the importer never raises.
    """
    _refuse_doctype(archive)
    try:
        etree.fromstring(archive.read("word/document.xml"), _XML_PARSER)
    except Exception as exc:  # noqa: BLE001 - bad XML, bad CRC, unknown compression…
        raise ImportRefused(_DAMAGED) from exc


def _refuse_doctype(archive: zipfile.ZipFile) -> None:
    """Raise ImportRefused when an XML part declares a DTD (entities are never expanded)."""
    for entry in archive.infolist():
        content = _xml_part(archive, entry)
        if any(mark in content for mark in _DOCTYPE_MARKS):
            raise ImportRefused(
                gettext_noop("Tệp Word có khai báo DTD không hợp lệ; không nhập được.")
            )


def _xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """The bytes of an XML part; b"" for other parts and for a damaged part (read later)."""
    if not entry.filename.endswith((".xml", ".rels")):
        return b""
    try:
        return archive.read(entry)
    except Exception:  # noqa: BLE001 - a damaged part other than the body is left out
        return b""


def _source(
    text: str,
    places: dict[int, str],
    notes: list[str],
    spans: dict[int, list[tuple[int, int]]] | None = None,
) -> SourceDocument:
    """Blocks of the written text, each with the Word place a report note names."""
    spans = spans or {}
    blocks = [
        Block(line, places.get(number, ""), spans.get(number, []))
        for number, line in enumerate(split_lines(text), start=1)
    ]
    return SourceDocument(blocks, notes, layout_repairs=False)


def _raw_source(archive: zipfile.ZipFile, exc: Exception) -> SourceDocument:
    """The bare paragraph texts, when the structured conversion failed."""
    note = (
        f"Không đọc được cấu trúc tệp Word ({type(exc).__name__}); "
        "nội dung được nhập từ chữ của từng đoạn, không giữ định dạng"
    )
    try:
        lines = _part_paragraphs(archive, "word/document.xml")
    except Exception as error:  # noqa: BLE001
        raise Unreadable([note, NOT_READABLE]) from error
    return _source("\n\n".join(lines), {}, [note])


def _convert(archive: zipfile.ZipFile, data: bytes) -> SourceDocument:
    """Number the paragraphs, run mammoth without any outside access, write the blocks."""
    _refuse_doctype(archive)
    numbered = _prepared(archive, data)
    images: list[str] = []

    def drop_image(image) -> list:
        """Images are never opened nor kept: only their description is reported."""
        images.append(" ".join((image.alt_text or "").split()))
        return []

    converted = mammoth.convert_to_html(
        io.BytesIO(numbered),
        convert_image=drop_image,
        external_file_access=False,
        include_embedded_style_map=False,
    )
    writer = _LineWriter(converted.value, _note_parts(archive))
    notes = writer.notes + _left_out(archive)
    if images:
        described = [alt for alt in images if alt]
        note = f"{len(images)} hình ảnh trong tệp Word không được nhập (chỉ nhập chữ)"
        notes.append(note + (f"; mô tả: {' / '.join(described)}" if described else ""))
    source = _source(writer.text, writer.places, notes, writer.spans)
    source.header = writer.header
    return source


def _part_paragraphs(archive: zipfile.ZipFile, name: str) -> list[str]:
    root = etree.fromstring(archive.read(name), _XML_PARSER)
    texts = ("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p"))
    return [_collapse(text) for text in texts if text.strip()]


def _left_out(archive: zipfile.ZipFile) -> list[str]:
    """Notes for what the body leaves out: page headers and footers, comments, revisions."""
    notes = []
    names = sorted(archive.namelist())
    margins: list[str] = []
    for name in names:
        if re.fullmatch(r"word/(header|footer)[0-9]*\.xml", name):
            margins += [t for t in _part_paragraphs(archive, name) if not t.isdigit()]
    if margins:
        unique = list(dict.fromkeys(margins))
        notes.append("Đầu trang/chân trang không đưa vào nội dung: " + " / ".join(unique))
    if "word/comments.xml" in names:
        comments = _part_paragraphs(archive, "word/comments.xml")
        if comments:
            notes.append(
                "Nhận xét (comment) trong tệp Word không được nhập: " + " / ".join(comments)
            )
    document = archive.read("word/document.xml")
    if b"<w:ins " in document or b"<w:del " in document:
        notes.append(
            "Tệp Word còn thay đổi chưa chấp nhận (track changes): nội dung được nhập như khi "
            "chấp nhận mọi thay đổi"
        )
    return notes


def _note_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Plain text of every footnote and endnote, by mammoth's key ('footnote-3')."""
    notes: dict[str, str] = {}
    names = set(archive.namelist())
    for kind in ("footnote", "endnote"):
        name = f"word/{kind}s.xml"
        if name not in names:
            continue
        root = etree.fromstring(archive.read(name), _XML_PARSER)
        for note in root.iter(f"{_W}{kind}"):
            if _attr(note, "type") not in (None, "normal"):
                continue
            texts = ("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in note.iter(f"{_W}p"))
            notes[f"{kind}-{_attr(note, 'id')}"] = _collapse(" ".join(texts))
    return notes


# -- visible numbers of Word lists -------------------------------------------------------------


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False


@dataclass
class _Numbering:
    """numbering.xml and the list styles of styles.xml, read for visible numbers."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    style_levels: dict[str, tuple[str, int]] = field(default_factory=dict)
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        """The level definition of a list, or None when the list is not defined."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        return self.abstract.get(num[0], {}).get(ilvl)

    def style_numbering(self, style_id: str | None) -> tuple[str, int] | None:
        """(numId, ilvl) a paragraph style gives, following basedOn (at most 20 steps)."""
        for _ in range(20):
            if style_id is None or style_id not in self.styles:
                return None
            num_id, ilvl, based_on = self.styles[style_id]
            if num_id is not None:
                if ilvl is None:
                    ilvl = self.style_levels.get(style_id, (num_id, 0))[1]
                return num_id, ilvl
            style_id = based_on
        return None


def _attr(element, name: str) -> str | None:
    return None if element is None else element.get(f"{_W}{name}")


def _child_val(element, name: str) -> str | None:
    return _attr(None if element is None else element.find(f"{_W}{name}"), "val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _list_start(value: str | None) -> int:
    """A list level's start number, held to 1‥10000 (Word itself stops at 32767)."""
    return min(max(_int(value, 1), 1), _MAX_LIST_START)


def _read_numbering(archive: zipfile.ZipFile) -> _Numbering:
    numbering = _Numbering()
    names = set(archive.namelist())
    if "word/numbering.xml" in names:
        root = etree.fromstring(archive.read("word/numbering.xml"), _XML_PARSER)
        for abstract in root.iter(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                ilvl = _int(_attr(lvl, "ilvl"), 0)
                levels[ilvl] = _Level(
                    fmt=_child_val(lvl, "numFmt") or "decimal",
                    text=_child_val(lvl, "lvlText") or "",
                    start=_list_start(_child_val(lvl, "start")),
                    legal=lvl.find(f"{_W}isLgl") is not None,
                )
                style = _child_val(lvl, "pStyle")
                if style:
                    numbering.style_levels[style] = (_attr(abstract, "abstractNumId"), ilvl)
            numbering.abstract[_attr(abstract, "abstractNumId") or ""] = levels
        for num in root.iter(f"{_W}num"):
            overrides = {
                _int(_attr(o, "ilvl"), 0): _list_start(_child_val(o, "startOverride"))
                for o in num.iter(f"{_W}lvlOverride")
                if o.find(f"{_W}startOverride") is not None
            }
            numbering.nums[_attr(num, "numId") or ""] = (
                _child_val(num, "abstractNumId") or "",
                overrides,
            )
    if "word/styles.xml" in names:
        root = etree.fromstring(archive.read("word/styles.xml"), _XML_PARSER)
        for style in root.iter(f"{_W}style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            num_id = _child_val(num_pr, "numId")
            ilvl = _child_val(num_pr, "ilvl")
            numbering.styles[_attr(style, "styleId") or ""] = (
                num_id,
                None if ilvl is None else _int(ilvl, 0),
                _child_val(style, "basedOn"),
            )
    return numbering


def _letters(value: int) -> str:
    """a, b, …, z, aa, bb, … as Word writes lowerLetter numbers (at most 16 letters)."""
    value = max(value, 1)
    return chr(ord("a") + (value - 1) % 26) * min((value - 1) // 26 + 1, _MAX_NUMBER_CHARS)


def _roman(value: int) -> str:
    steps = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"))
    steps += ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for amount, numeral in steps:
        count, value = divmod(value, amount)
        out += numeral * min(count, _MAX_NUMBER_CHARS)
    return out[:_MAX_NUMBER_CHARS] or "0"


def _format_number(value: int, fmt: str) -> str:
    """One number of a list label; the counters grow past the capped start one per item."""
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _prepared(archive: zipfile.ZipFile, data: bytes) -> bytes:
    """The .docx as mammoth should read it: list numbers as text, raised digits superscript."""
    root = etree.fromstring(archive.read("word/document.xml"), _XML_PARSER)
    numbered = _with_visible_numbers(root, _read_numbering(archive))
    raised = _raised_as_superscript(root)
    fields = _simple_fields_as_text(root)
    boxes = _text_boxes_as_paragraphs(root)
    if not (numbered or raised or fields or boxes):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in archive.infolist():
            if entry.filename == "word/document.xml":
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            else:
                content = archive.read(entry)
            # A fresh ZipInfo: writestr() would rewrite offsets and CRC of the source's own.
            target.writestr(zipfile.ZipInfo(entry.filename, entry.date_time), content)
    return out.getvalue()


def _with_visible_numbers(root, numbering: _Numbering) -> bool:
    """Start each automatically numbered paragraph with its number as text; True if any."""
    if not numbering.nums:
        return False
    counters: dict[str, list[int | None]] = {}
    changed = False
    for paragraph in root.iter(f"{_W}p"):
        label = _label(paragraph, numbering, counters)
        if label is None:
            continue
        run = etree.Element(f"{_W}r")
        text = etree.SubElement(run, f"{_W}t")
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        text.text = label + " "
        ppr = paragraph.find(f"{_W}pPr")
        if ppr is not None:
            ppr.addnext(run)
        else:
            paragraph.insert(0, run)
        changed = True
    return changed


def _raised_as_superscript(root) -> bool:
    """Mark runs raised above the line (w:position > 0) as superscript; True if any.

    LibreOffice writes an HTML ``<sup>`` (and Word users type a footnote call) this way;
    mammoth reads only w:vertAlign, and the call would become a digit glued to its word.
    """
    changed = False
    for position in root.iter(f"{_W}position"):
        rpr = position.getparent()
        if _int(_attr(position, "val"), 0) <= 0 or _tag_name(rpr) != "rPr":
            continue
        if rpr.find(f"{_W}vertAlign") is None:
            align = etree.SubElement(rpr, f"{_W}vertAlign")
            align.set(f"{_W}val", "superscript")
            changed = True
    return changed


def _simple_fields_as_text(root) -> bool:
    """Replace each simple field (w:fldSimple: PAGE, DATE…) by its shown text; True if any.

    mammoth leaves these fields out, and the page number or date a reader sees with them.
    """
    fields = list(root.iter(f"{_W}fldSimple"))
    for field_element in fields:
        parent = field_element.getparent()
        index = parent.index(field_element)
        for offset, child in enumerate(list(field_element)):
            parent.insert(index + offset, child)
        parent.remove(field_element)
    return bool(fields)


def _text_boxes_as_paragraphs(root) -> bool:
    """Put the paragraphs of each text box before the paragraph it floats on; True if any.

    mammoth skips a DrawingML text box (w:txbxContent in wps:txbx), and offices draw the
    header's issuer lines in one. A box written twice (mc:AlternateContent: DrawingML and its
    VML fallback) is read once.
    """
    done: set = set()  # the holders moved (lxml keeps these proxies while they are held)
    for content in list(root.iter(f"{_W}txbxContent")):
        if any(_tag_name(up) == "txbxContent" for up in content.iterancestors()):
            continue  # a box in a box moves with the outer one
        holder = next(
            (up for up in content.iterancestors() if _tag_name(up) == "AlternateContent"),
            None,
        )
        if holder is None:  # an element's truth is its having children: compare with None
            holder = next((up for up in content.iterancestors() if up.tag == f"{_W}r"), None)
        paragraph = next((up for up in content.iterancestors() if up.tag == f"{_W}p"), None)
        if holder is None or paragraph is None or holder in done:
            continue
        done.add(holder)
        for child in list(content):
            if child.tag in (f"{_W}p", f"{_W}tbl"):
                paragraph.addprevious(child)
        holder.getparent().remove(holder)
    return bool(done)


def _tag_name(element) -> str:
    return etree.QName(element).localname if element is not None else ""


def _label(paragraph, numbering: _Numbering, counters: dict[str, list[int | None]]) -> str | None:
    """The visible number of a paragraph in a Word list (advancing its counters), or None."""
    ppr = paragraph.find(f"{_W}pPr")
    num_pr = None if ppr is None else ppr.find(f"{_W}numPr")
    num_id = _child_val(num_pr, "numId")
    ilvl = _int(_child_val(num_pr, "ilvl"), 0)
    if num_id is None:
        from_style = numbering.style_numbering(_child_val(ppr, "pStyle"))
        if from_style is None:
            return None
        num_id, ilvl = from_style
    ilvl = min(max(ilvl, 0), 8)
    level = numbering.level(num_id, ilvl)
    if num_id == "0" or level is None:
        return None
    overrides = numbering.nums[num_id][1]
    values = counters.setdefault(num_id, [None] * 9)
    for upper in range(ilvl):
        if values[upper] is None:
            upper_level = numbering.level(num_id, upper) or _Level()
            values[upper] = overrides.get(upper, upper_level.start)
    current = values[ilvl]
    values[ilvl] = overrides.get(ilvl, level.start) if current is None else current + 1
    for deeper in range(ilvl + 1, 9):
        values[deeper] = None
    if level.fmt == "bullet":
        mark = level.text.strip()
        return mark if mark in _BULLET_DASHES or mark == "+" else ("-" if ilvl == 0 else "+")

    def number(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        source = numbering.level(num_id, index) or _Level()
        fmt = "decimal" if level.legal else source.fmt
        return _format_number(values[index] or source.start, fmt)

    label = re.sub(r"%([1-9])", number, level.text[:_MAX_LEVEL_TEXT]).strip()
    return label or None


# -- mammoth's HTML to the shared notation ----------------------------------------------------


@dataclass
class _Seg:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class _Cell:
    text: str
    plain: str  # without bold: header cells are bold by themselves
    header: bool
    bold: bool = False
    span: tuple[int, int] = (1, 1)  # (colspan, rowspan); (0, 0) for a cell a span covers


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _broken_lines(block) -> list[str]:
    """The lines of a paragraph of a header or closing cell, cut at its line breaks."""
    for br in block.iter("br"):  # the table is read once: marking its breaks is harmless
        br.tail = "\n" + (br.tail or "")
    lines = (_collapse(line) for line in block.text_content().split("\n"))
    return [line for line in lines if line]


def _unmarked(text: str) -> str:
    """A line without its emphasis markers (``**``, ``*``, ``<b>``, ``<i>``)."""
    return re.sub(r"</?[bi]>|\*", " ", text)


def _collapse_line(text: str) -> str:
    """Spaces collapsed, a tab kept: it separates the columns of a header or closing line."""
    return "\t".join(" ".join(part.split()) for part in text.split("\t")).strip(" ")


class _LineWriter:
    """Walks mammoth's HTML once and writes the lines of the shared notation."""

    def __init__(self, html: str, note_parts: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.places: dict[int, str] = {}
        self.spans: dict[int, list[tuple[int, int]]] = {}  # line → its table row's spans
        self.notes: list[str] = []
        self.note_numbers: dict[str, int] = {}
        self.pending: list[int] = []
        self.paragraphs = 0
        self.tables = 0
        self.header: list[str] = []  # the file's own header lines (issuer, number, date)
        root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
        self.note_texts: dict[str, object] = {**note_parts, **self.take_notes(root)}
        self.walk(root)
        self.flush_definitions()
        for key in self.note_texts:
            if key not in self.note_numbers:
                self.define(self.number_of(key))
        self.find_header()
        self.text = "\n".join(self.lines) + "\n"

    # -- footnotes --

    def take_notes(self, root) -> dict[str, object]:
        """Footnote and endnote bodies (mammoth lists them at the end), removed from the tree."""
        notes: dict[str, object] = {}
        for ol in list(root.iter("ol")):
            items = [li for li in ol if _tag(li) == "li"]
            keys = [_NOTE_ID_RE.match(li.get("id") or "") for li in items]
            if not items or not all(keys):
                continue
            for li, key in zip(items, keys, strict=True):
                for back in li.iter("a"):
                    if (back.get("href") or "").startswith("#") and "-ref-" in back.get("href"):
                        back.drop_tree()
                notes[key.group(1)] = li
            ol.drop_tree()
        return notes

    def number_of(self, key: str) -> int:
        if key not in self.note_numbers:
            self.note_numbers[key] = len(self.note_numbers) + 1
        return self.note_numbers[key]

    def define(self, number: int) -> None:
        """Write the definition line of a footnote ('⁽¹⁾ text')."""
        key = next(k for k, n in self.note_numbers.items() if n == number)
        element = self.note_texts.get(key)
        if element is None:
            return
        # A plain string is a note mammoth left out because nothing calls it.
        parts = [element] if isinstance(element, str) else self.note_parts(element)
        text = " ".join(part for part in parts if part)
        marker = f"⁽{str(number).translate(_TO_SUPER)}⁾"
        self.add(f"{marker} {text}".rstrip(), f"Chú thích {number}")

    def note_parts(self, element) -> list[str]:
        parts = [self.render(self.segments(child)) for child in element if _tag(child)]
        if element.text and element.text.strip():
            parts.insert(0, element.text.strip())
        return parts

    def flush_definitions(self) -> None:
        for number in self.pending:
            self.define(number)
        self.pending = []

    # -- blocks --

    def add(self, line: str, place: str, *, blank: bool = True) -> None:
        if blank and self.lines:
            self.lines.append("")
        self.lines.append(line)
        self.places[len(self.lines)] = place

    def walk(self, element) -> None:
        if element.text and element.text.strip():
            self.paragraph_line([_Seg(element.text)])
        for child in element:
            self.block(child)
            if child.tail and child.tail.strip():
                self.paragraph_line([_Seg(child.tail)])

    def block(self, child) -> None:
        tag = _tag(child)
        if tag == "table":
            self.table(child)
        elif tag in ("ol", "ul"):
            self.list_items(child)
        elif tag == "p" or tag in _HEADING_TAGS:
            self.paragraph(child, heading=tag in _HEADING_TAGS)
        elif tag == "li":
            self.list_items([child])
        elif tag:
            self.walk(child)

    def list_items(self, items) -> None:
        """Each list item is a paragraph (its number is already text), then its sub-lists."""
        for item in items:
            if _tag(item) != "li":
                self.block(item)
                continue
            inline: list = [_Seg(item.text)] if item.text else []
            nested = []
            for sub in item:
                if _tag(sub) in ("ol", "ul", "table", "p", "li", *_HEADING_TAGS):
                    nested.append(sub)
                elif _tag(sub):
                    inline.extend(self.segments(sub))
                if sub.tail:
                    inline.append(_Seg(sub.tail))
            self.paragraph_line(inline)
            for sub in nested:
                self.block(sub)

    def paragraph(self, element, *, heading: bool) -> None:
        segs = self.segments(element)
        if heading:
            segs = [_Seg(s.text, False, s.italic) if isinstance(s, _Seg) else s for s in segs]
        self.paragraph_line(segs)

    def paragraph_line(self, segs: list) -> None:
        line = self.render(segs)
        if not line.strip():
            return
        if line.startswith("|"):  # would read as a table row
            line = "¦" + line[1:]
        self.paragraphs += 1
        self.add(line, f"Đoạn {self.paragraphs}")
        self.flush_definitions()

    def table(self, element) -> None:
        rows = self.grid(element)
        if not rows:
            return
        cells = [re.sub(r"</?[bi]>|\*", "", cell.plain) for row in rows for cell in row]
        if any("ĐẢNG CỘNG SẢN VIỆT NAM" in c.upper() or _RECIPIENTS_RE.match(c) for c in cells):
            self.layout_table(element)
            return
        self.tables += 1
        width = max(len(row) for row in rows)
        if width > MAX_TABLE_COLUMNS:
            self.wide_table(rows, width)
            return
        first_row = rows[0]
        header = any(cell.header for cell in first_row) or (
            any(cell.text for cell in first_row) and all(c.bold for c in first_row if c.text)
        )
        for index, row in enumerate(rows, start=1):
            if index == 1 and header:
                cells = [cell.plain for cell in row]
            else:
                cells = [cell.text for cell in row]
            cells = [cell.replace("|", "¦") for cell in cells] + [""] * (width - len(row))
            place = f"Bảng {self.tables}, hàng {index}"
            self.add("| " + " | ".join(cells) + " |", place, blank=index == 1)
            if any(cell.span != (1, 1) for cell in row):
                self.spans[len(self.lines)] = [cell.span for cell in row]
            if index == 1 and header:
                self.add("|" + "---|" * width, place, blank=False)
        self.flush_definitions()

    def wide_table(self, rows: list[list[_Cell]], width: int) -> None:
        """A table too wide for the importer's pipe rows: each cell's text is a paragraph."""
        self.notes.append(
            f"Bảng có {width} cột (quá {MAX_TABLE_COLUMNS}): chữ của từng ô được nhập thành "
            "đoạn văn"
        )
        for index, row in enumerate(rows, start=1):
            for cell in row:
                if cell.text:
                    self.add(cell.text.replace("|", "¦"), f"Bảng {self.tables}, hàng {index}")
        self.flush_definitions()

    def grid(self, element) -> list[list[_Cell]]:
        """Rows of cells; a merged cell keeps its spans, the cells it covers are empty."""
        rows: list[list[_Cell]] = []
        spans: dict[tuple[int, int], bool] = {}
        trs = [tr for tr in element.iter("tr") if self.owner_table(tr) is element]
        for r, tr in enumerate(trs):
            header = tr.getparent() is not None and _tag(tr.getparent()) == "thead"
            empty = _Cell("", "", header, span=(0, 0))
            row: list[_Cell] = []
            for cell in tr:
                if _tag(cell) not in ("td", "th"):
                    continue
                while spans.pop((r, len(row)), False):
                    row.append(empty)
                segs = self.segments(cell)
                plain = [_Seg(s.text, False, s.italic) if isinstance(s, _Seg) else s for s in segs]
                texts = [s for s in segs if isinstance(s, _Seg) and s.text.strip()]
                row.append(
                    _Cell(
                        self.render(segs),
                        self.render(plain),
                        header or _tag(cell) == "th",
                        bool(texts) and all(s.bold for s in texts),
                    )
                )
                colspan = min(max(_int(cell.get("colspan"), 1), 1), MAX_TABLE_COLUMNS)
                rowspan = min(max(_int(cell.get("rowspan"), 1), 1), MAX_SPAN_ROWS)
                row[-1].span = (colspan, rowspan)
                start = len(row) - 1
                row.extend(empty for _ in range(colspan - 1))
                for dr in range(1, rowspan):
                    for dc in range(colspan):
                        spans[(r + dr, start + dc)] = True
            while spans.pop((r, len(row)), False):
                row.append(empty)
            rows.append(row)
        return rows

    @staticmethod
    def owner_table(tr):
        parent = tr.getparent()
        while parent is not None and _tag(parent) != "table":
            parent = parent.getparent()
        return parent

    def layout_table(self, element) -> None:
        """A header or signature table: each cell's paragraphs as plain lines, column by column."""
        trs = [tr for tr in element.iter("tr") if self.owner_table(tr) is element]
        columns: dict[int, list[str]] = {}
        for tr in trs:
            for index, cell in enumerate(c for c in tr if _tag(c) in ("td", "th")):
                for block in cell.iter("p", "li", *_HEADING_TAGS):
                    columns.setdefault(index, []).extend(_broken_lines(block))
        for index in sorted(columns):
            for text in columns[index]:
                self.paragraphs += 1
                self.add(text, f"Đoạn {self.paragraphs}")

    def find_header(self) -> None:
        """Move the lines above the type name (issuer, number, date) into a report note."""
        body = [(i, line) for i, line in enumerate(self.lines) if line.strip()]
        for position, (index, line) in enumerate(body[:_HEADER_WINDOW]):
            if " ".join(line.replace("*", " ").split()).upper() not in TYPE_NAMES:
                continue
            if position == 0:
                self.plain_title()
                return
            self.header = [
                part
                for _, text in body[:position]
                for part in (_collapse(p) for p in _unmarked(text).split("\t"))
                if part
            ]
            self.notes.append(
                "Phần đầu văn bản không đưa vào nội dung (đơn vị, số và ngày do cổng ghi): "
                + " / ".join(self.header)
            )
            kept = self.lines[index:]
            shift = index
            self.lines = kept
            self.places = {n - shift: p for n, p in self.places.items() if n > shift}
            self.spans = {n - shift: s for n, s in self.spans.items() if n > shift}
            self.plain_title()
            return
        if body and " ".join(body[0][1].replace("*", " ").split()).upper() in TYPE_NAMES:
            self.plain_title()

    def plain_title(self) -> None:
        """The type name and the summary line under it are stored as plain strings."""
        seen = 0
        for index, line in enumerate(self.lines):
            if not line.strip() or set(line.strip()) <= set("-–—_*="):
                continue
            self.lines[index] = _collapse(_unmarked(line))
            seen += 1
            if seen == 2:
                return

    # -- inline --

    def segments(self, element, bold: bool = False, italic: bool = False) -> list:
        """Text pieces of an element with their emphasis; footnote calls as ints."""
        out: list = []
        tag = _tag(element)
        if tag in ("strong", "b"):
            bold = True
        elif tag in ("em", "i"):
            italic = True
        if tag == "sup":
            call = self.call_in(element)
            if call is not None:
                return [call]
            text = element.text_content()
            if text.strip().isdigit():
                return [_Seg(text.strip().translate(_TO_SUPER), bold, italic)]
        if tag == "br":
            return [_Seg(" ", bold, italic)]
        if element.text:
            out.append(_Seg(element.text, bold, italic))
        for child in element:
            if _tag(child):
                if _tag(child) in ("p", *_HEADING_TAGS, "li", "tr") and out:
                    out.append(_Seg(" ", bold, italic))
                out.extend(self.segments(child, bold, italic))
            if child.tail:
                out.append(_Seg(child.tail, bold, italic))
        return out

    def call_in(self, sup) -> int | None:
        """The footnote number of a mammoth note reference inside <sup>, if it is one."""
        for anchor in sup.iter("a"):
            match = _NOTE_HREF_RE.match(anchor.get("href") or "")
            if match:
                number = self.number_of(match.group(1))
                self.pending.append(number)
                return number
        return None

    def render(self, segs: list) -> str:
        """The line of a paragraph: markers around emphasis, the list number kept outside."""
        merged: list = []
        for seg in segs:
            if isinstance(seg, _Seg):
                seg = _Seg(seg.text.replace("\n", " ").replace("\r", " "), seg.bold, seg.italic)
                if (
                    merged
                    and isinstance(merged[-1], _Seg)
                    and ((merged[-1].bold, merged[-1].italic) == (seg.bold, seg.italic))
                ):
                    merged[-1] = _Seg(merged[-1].text + seg.text, seg.bold, seg.italic)
                    continue
            merged.append(seg)
        plain = "".join(s.text if isinstance(s, _Seg) else "" for s in merged)
        prefix = _PREFIX_RE.match(plain) if merged and isinstance(merged[0], _Seg) else None
        head = ""
        if prefix and len(merged[0].text) >= prefix.end():
            head = prefix.group(0).strip() + " "
            first = merged[0]
            merged[0] = _Seg(first.text[prefix.end() :], first.bold, first.italic)
        out = [head]
        for index, seg in enumerate(merged):
            if isinstance(seg, int):
                while out and out[-1].endswith(" "):
                    out[-1] = out[-1].rstrip(" ")
                out.append(f"⁽{str(seg).translate(_TO_SUPER)}⁾")
                continue
            following = merged[index + 1] if index + 1 < len(merged) else None
            after = following.text[:1] if isinstance(following, _Seg) else ""
            before = next((piece[-1] for piece in reversed(out) if piece), "")
            out.append(_emphasise(seg, before, after))
        return _collapse_line("".join(out))


def _emphasise(seg: _Seg, before: str, after: str) -> str:
    """Text with **bold** / *italic* markers, or <b>/<i> where markers would not parse."""
    text = seg.text
    core = text.strip()
    if not core or not (seg.bold or seg.italic):
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    outside_before = lead[-1:] if lead else before
    outside_after = trail[:1] if trail else after
    markdown = len(core) < 1900 and not any(ch in core for ch in "*<>")
    if seg.italic:
        free = not any(ch.isalnum() or ch in "_*" for ch in outside_before + outside_after)
        core = f"*{core}*" if markdown and free and not seg.bold else f"<i>{core}</i>"
    if seg.bold:
        core = f"**{core}**" if markdown else f"<b>{core}</b>"
    return lead + core + trail
