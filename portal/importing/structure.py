"""The structurer: a reader's blocks become a Party document (bulletin, guidance, report).

No database and no files: the caller sanitises ``body_html`` afterwards. The structurer
never raises and never drops text: whatever it cannot place goes into the body as an
``unplaced`` paragraph and/or into ``report`` with its place in the source.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from portal.importing.blocks import (
    MAX_TABLE_COLUMNS,
    SUPERSCRIPT_DIGITS,
    TYPE_NAMES,
    SourceDocument,
)

_TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_SUP = f"[{SUPERSCRIPT_DIGITS}]"
_MARKER_RE = re.compile(f"⁽({_SUP}+)⁾|({_SUP}+)")
_DEF_RE = re.compile(f"^\\s*(?:⁽({_SUP}+)⁾|({_SUP}+))\\s*(.*)$", re.S)
_TYPED_NOTE_RE = re.compile(r"^\s*([0-9]{1,3})\s+(\S.*)$", re.S)
_HEADER_SYMBOL_RE = re.compile(r"^\s*Số\b[^/]{0,30}/\s*([^\s/]{1,30})\s*$", re.I)
_HEADER_NOT_ISSUER = frozenset({"ĐẢNGCỘNGSẢNVIỆTNAM", *(n.replace(" ", "") for n in TYPE_NAMES)})
_UNIT_BEFORE_RE = re.compile(r"(?<![^\W\d_])[kcdm]?m$")

_SEPARATOR_RE = re.compile(r"^\s*[-–—_*=]{3,}\s*$")
_TABLE_SEPARATOR_RE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)*\s*:?-{3,}:?\s*\|?\s*$")
_ROMAN_RE = re.compile(r"^\s*([IVXLC]{1,7})(\.?)\s+(\S.*)$")
_ROMAN_VALID_RE = re.compile(r"^(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$|^C{1,3}$")
_NUMBER_RE = re.compile(r"^\s*([0-9]{1,2}(?:\.[0-9]{1,2}){0,3})(\.?)\s+(\S.*)$")
_ITEM_NUM_RE = re.compile(r"^\s*\(([0-9]{1,3})\)\.?\s*(.*)$", re.S)
_LETTER_RE = re.compile(r"^\s*([a-zđ])\)\s+(\S.*)$")
_DASH_RE = re.compile(r"^\s*[-–—]\s+\S")
_PLUS_RE = re.compile(r"^\s*\+\s+\S")
_STAR_RE = re.compile(r"^\s*[*•]\s+(\S.*)$")
_APPENDIX_RE = re.compile(r"^\s*PHỤ\s+LỤC(?:\s+(?:[IVXLC]{1,5}|[0-9]{1,2}))?\s*:?\s*$", re.I)
_RECIPIENTS_RE = re.compile(r"^\s*(?:\*\*)?N[ơo]i\s+nh[ậa]n(?:\*\*)?\s*:\s*(.*)$", re.I)
_RECIPIENT_RE = re.compile(r"^\s*[-–•+]\s*(\S.*)$")
_AUTHORITY_RE = re.compile(r"^\s*(?:K/T|KT\.|T/M|TM\.|TM/|Q\.|Q/|T/L|TL\.|TUQ\.?)\s*\S")
_PLACEHOLDER_RE = re.compile(r"^\(\s*(?:đã\s+ký|ký|chữ\s+ký)[^()]{0,40}\)$", re.I)
_NAME_RE = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:\s+[^\W\d_][^\W\d_'’.-]*){1,5}$")
_PERIOD_RE = re.compile(r"THÁNG\s+([0-9]{1,2})\s*(?:NĂM|/|-)\s*([0-9]{4})", re.I)
_PERIOD_YEARS = range(1900, 2101)  # a year outside is a typo, not a period
_BOLD_RE = re.compile(r"\*\*(?=[^\s*])([^*]{1,2000}?)(?<=[^\s*])\*\*")
_ITALIC_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]{1,2000}?)(?<=[^\s*])\*(?![\w*])")
_HTML_TAG_RE = re.compile(r"&lt;(/?)(i|em|b|strong)&gt;", re.I)
_MARKDOWN_RE = re.compile(r"\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_EMPHASIS_TAG_RE = re.compile(r"</?(?:i|em|b|strong)>", re.I)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_STEPS = (
    *(("C", 100), ("XC", 90), ("L", 50), ("XL", 40), ("X", 10)),
    *(("IX", 9), ("V", 5), ("IV", 4), ("I", 1)),
)
# Letters of item lists: Vietnamese order (no f, j, w, z) or Latin order are both accepted.
_VIETNAMESE_LETTERS = "abcdđeghiklmnopqrstuvxy"
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"

_TERMINAL = set(".!?…)]”\"'»%:")
_STRONG_OPEN_END = set(",;(-–")
_FRAGMENT_KINDS = frozenset({"p", "dash", "plus", "star", "num", "itemnum", "letter", "def"})
_UPPER_MERGE_KINDS = frozenset({"p", "dash", "plus", "num", "itemnum", "letter"})
_CONTINUATION_WINDOW = 12
_MAX_SINGLE_HEADING = 350
_UNNUMBERED_HEADING_MAX = 150

_KIND_LABELS = {
    "p": "đoạn văn",
    "dash": "mục gạch đầu dòng",
    "plus": "mục dấu cộng",
    "star": "mục dấu sao",
    "num": "mục đánh số",
    "itemnum": "mục đánh số",
    "letter": "mục chữ cái",
    "def": "nội dung chú thích",
}


@dataclass
class OutlineItem:
    """One heading of the document, as listed in a table of contents."""

    level: int
    number: str
    text: str
    anchor: str


@dataclass
class ImportResult:
    """Everything the structurer recovered from one document."""

    type_name: str = ""
    title: str = ""
    body_html: str = ""
    outline: list[OutlineItem] = field(default_factory=list)
    footnote_count: int = 0
    recipients: list[str] = field(default_factory=list)
    authority_line: str = ""
    signer_title: str = ""
    signer_name: str = ""
    period_month: int | None = None
    period_year: int | None = None
    report: list[str] = field(default_factory=list)
    # The file's own header lines (issuer, number, place and date), left out of the body.
    header: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    """One logical unit of the body (a line, a table, a footnote definition…)."""

    kind: str
    text: str
    line: int
    blank_before: bool = False
    number: str = ""
    level: int = 0
    fn: int = 0
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header: bool = False
    index: int = 0
    last_index: int = 0


def structure_document(
    source: SourceDocument, kind: str, *, type_name: str | None = None, monthly: bool = False
) -> ImportResult:
    """The document a reader's blocks make; never raises.

    ``type_name`` is the printed type name the kind expects ("BẢN TIN"); without it the kind
    is reported as not supported and the type line is not compared with it. ``monthly``: the
    kind is issued per month, and its month and year are read from the title or a heading.
    """
    try:
        return _Structurer(source, str(kind), type_name=type_name, monthly=monthly).run()
    except Exception as exc:  # noqa: BLE001 - the import must never raise
        return fallback(source.lines(), exc, source.notes)


def fallback(lines: list[str], exc: Exception, notes: Sequence[str] = ()) -> ImportResult:
    """Put every line in its own paragraph when the structured import failed."""
    try:
        lines = "\n".join(lines).splitlines()
    except Exception:  # noqa: BLE001
        lines = []
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip())
    note = f"Lỗi nội bộ khi nhập ({type(exc).__name__}); mỗi dòng được giữ nguyên thành một đoạn"
    return ImportResult(body_html=body, report=[*notes, note])


def other_issuer_note(
    header: Sequence[str], *, parent_line: str, print_name: str, symbol: str
) -> str | None:
    """A report note when the file's own header names another issuer than the importing one.

    The header's organisation lines (capitals, other than the national motto) are compared
    with the issuer's printed lines, and the symbol after "Số …-HD/" with the issuer's.
    """
    expected = [_header_key(line) for line in (parent_line, print_name) if line.strip()]
    found = [line for line in header if _is_organisation_line(line)]
    symbols = [m.group(1) for line in header for m in [_HEADER_SYMBOL_RE.search(line)] if m]
    other_lines = [line for line in found if _header_key(line) not in expected]
    other_symbol = bool(symbols and symbol.strip()) and (
        _header_key(symbols[0]) != _header_key(symbol)
    )
    if not (other_lines or other_symbol):
        return None
    said = list(found)
    if symbols:
        said.append(f"ký hiệu {symbols[0]}")
    ours = [line for line in (parent_line, print_name) if line.strip()]
    if symbol.strip():
        ours.append(f"ký hiệu {symbol}")
    return (
        f"Phần đầu của tệp ghi đơn vị ban hành khác đơn vị đang nhập: tệp ghi "
        f"«{' / '.join(said)}», đơn vị đang nhập là «{' / '.join(ours)}». Hãy kiểm tra đã "
        "chọn đúng đơn vị ban hành chưa."
    )


def _header_key(line: str) -> str:
    """A header line compared without case, spaces or emphasis."""
    return "".join(_closing_plain(line).split()).upper()


def _is_organisation_line(line: str) -> bool:
    """True for a header line naming an organisation ("QUẬN ỦY ĐỒ SƠN", "BAN TUYÊN GIÁO")."""
    text = _closing_plain(line)
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters):
        return False
    if any(ch.isdigit() for ch in text) or _header_key(text) in _HEADER_NOT_ISSUER:
        return False
    return not text.upper().startswith("SỐ")


def _sup(number: int) -> str:
    """Superscript form of a footnote number, for notes."""
    return str(number).translate(_TO_SUPER)


def _quote(text: str, limit: int = 60) -> str:
    """Short quotation of a line for a note."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _is_open(text: str) -> bool:
    """True when a paragraph stops mid-sentence (no closing punctuation)."""
    stripped = text.rstrip()
    if not stripped:
        return False
    last = stripped[-1]
    return last not in _TERMINAL and (last.isalnum() or last in _STRONG_OPEN_END)


def _ends_sentence(text: str) -> bool:
    """True when a line ends like a sentence rather than a heading."""
    stripped = text.rstrip().rstrip("*").rstrip()
    return bool(stripped) and stripped[-1] in ".;…!?"


def _plain(text: str) -> str:
    """Heading text without emphasis markers (markdown or <i>/<b>) or footnote markers."""
    text = _MARKDOWN_RE.sub("", _EMPHASIS_TAG_RE.sub("", text))
    return " ".join(_MARKER_RE.sub("", text).split())


def _iter_calls(text: str) -> Iterator[tuple[re.Match[str], int]]:
    """Footnote calls: superscript markers right after a non-space character."""
    for match in _MARKER_RE.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1].isspace():
            continue
        if match.group(2) and _UNIT_BEFORE_RE.search(text[max(0, start - 4) : start]):
            continue
        digits = match.group(1) or match.group(2)
        yield match, int(digits.translate(_TO_ASCII))


def _convert_tags(escaped: str) -> str:
    """Turn balanced escaped <i>/<b> pairs from the input into <em>/<strong>."""
    tokens = list(_HTML_TAG_RE.finditer(escaped))
    if not tokens:
        return escaped
    replace: dict[int, str] = {}
    stack: list[tuple[str, re.Match[str]]] = []
    for token in tokens:
        name = "em" if token.group(2).lower() in ("i", "em") else "strong"
        if not token.group(1):
            stack.append((name, token))
        elif stack and stack[-1][0] == name:
            _, opener = stack.pop()
            replace[opener.start()] = f"<{name}>"
            replace[token.start()] = f"</{name}>"
    out, pos = [], 0
    for token in tokens:
        if token.start() in replace:
            out.append(escaped[pos : token.start()])
            out.append(replace[token.start()])
            pos = token.end()
    out.append(escaped[pos:])
    return "".join(out)


def _inline(text: str) -> str:
    """Escape text and apply **bold**, *italic* and <i>…</i> emphasis."""
    escaped = html.escape(text)
    escaped = _BOLD_RE.sub(r"<strong>\1</strong>", escaped)
    escaped = _ITALIC_RE.sub(r"<em>\1</em>", escaped)
    return _convert_tags(escaped)


def _sentinel(text: str) -> str:
    """A private-use character absent from text, used for placeholders."""
    for code in range(0xE000, 0xF8FF):
        if chr(code) not in text:
            return chr(code)
    return "\x00"


def _roman_value(numeral: str) -> int:
    """Value of a valid Roman numeral."""
    total = 0
    for index, char in enumerate(numeral):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _to_roman(value: int) -> str:
    """Roman numeral of a small positive number."""
    out = ""
    for numeral, amount in _ROMAN_STEPS:
        while value >= amount:
            out += numeral
            value -= amount
    return out


def _letter_follows(previous: str, letter: str) -> bool:
    """True when a list letter comes right after another (Vietnamese or Latin order)."""
    return any(
        previous in alphabet
        and letter in alphabet
        and alphabet.index(letter) == alphabet.index(previous) + 1
        for alphabet in (_VIETNAMESE_LETTERS, _LATIN_LETTERS)
    )


def _gap(previous: str, letter: str) -> str:
    """' (thiếu b), c))' for the letters skipped between two list letters, in Vietnamese order."""
    alphabet = _VIETNAMESE_LETTERS
    if previous not in alphabet or letter not in alphabet:
        return ""
    missing = alphabet[alphabet.index(previous) + 1 : alphabet.index(letter)]
    return f" (thiếu {', '.join(f'{m})' for m in missing)})" if missing else ""


def _letter_rank(letter: str) -> int:
    """Position of a list letter in the Vietnamese order (Latin-only letters in between)."""
    return _LATIN_LETTERS.index(letter) * 2 if letter != "đ" else 7


def _is_numeric_cell(cell: str) -> bool:
    """True for Vietnamese-formatted numbers, ranges and the '-' placeholder."""
    value = cell.strip()
    if value in {"-", "–", "—", ""}:
        return value != ""
    number = r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})*(?:,[0-9]+)?%?|[+-]?[0-9]+(?:,[0-9]+)?%?"
    return re.fullmatch(f"(?:{number})(?:\\s*[-–]\\s*(?:{number}))?", value) is not None


def _table_cells(line: str) -> list[str] | None:
    """Cells of a line read as a table row, or None when it has more than 50 columns."""
    if line.count("|") > MAX_TABLE_COLUMNS + 1:
        return None
    cells = _split_row(line)
    return cells if len(cells) <= MAX_TABLE_COLUMNS else None


def _split_row(line: str) -> list[str]:
    """Cells of a markdown pipe-table row."""
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


def _closing_plain(text: str) -> str:
    """A closing line as its reader sees it: no emphasis markup, spaces collapsed."""
    return " ".join(_MARKDOWN_RE.sub("", _EMPHASIS_TAG_RE.sub("", text)).split())


def _columns(line: str) -> list[str]:
    """The tab-separated columns of a line, plain; the left one kept even when empty."""
    left, *right = (_closing_plain(part) for part in line.split("\t"))
    return [left, *(part for part in right if part)]


def _untabbed(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Body lines with their tabs as spaces (a tab only separates columns of the closing)."""
    return [(no, line.replace("\t", " ")) for no, line in numbered]


def _signer_kind(line: str) -> str | None:
    """What a signature line is: 'authority', 'title', 'name', 'placeholder', or None."""
    letters = [ch for ch in line if ch.isalpha()]
    if not letters or len(line) > 80 or _APPENDIX_RE.match(line):
        return None
    if _AUTHORITY_RE.match(line):
        return "authority"
    if _PLACEHOLDER_RE.match(line):
        return "placeholder"
    roman = _ROMAN_RE.match(line)
    if roman and roman.group(2) and _ROMAN_VALID_RE.match(roman.group(1)):
        return None  # "III. TỔ CHỨC THỰC HIỆN" is a heading
    upper = all(ch.isupper() for ch in letters)
    if upper and line[0].isalpha() and not any(ch.isdigit() for ch in line):
        return "title" if not line.endswith(":") else None
    if len(line) <= 50 and _NAME_RE.match(line) and all(w[0].isupper() for w in line.split()):
        return "name"
    return None


class _Structurer:
    """One structuring run: parse, restructure, render."""

    def __init__(
        self, source: SourceDocument, kind: str, *, type_name: str | None, monthly: bool = False
    ) -> None:
        """Keep the input and prepare the result."""
        self.source = source
        self.lines = source.lines()
        self.kind = kind
        self.type_name = type_name
        self.monthly = monthly  # a kind issued per month: its month is read from the text
        self.layout_repairs = source.layout_repairs
        self.roman = 0  # value of the last Roman heading
        self.items: list[int] = []  # last '(n)' item number under the current heading
        self.list_numbers: list[int] = []  # last numbered paragraph under the current heading
        self.letter = ""  # last 'a)' letter under the current heading or numbered item
        self.parent_level = 1  # level of the last numbered heading, for 'a)' headings
        self.result = ImportResult()
        self.notes: list[tuple[int, str]] = []
        self.seq: list[int] = []
        self.heading_count = 0
        self.expect_appendix_title = False
        self.calls: dict[int, int] = {}  # footnote number → line of its first call
        self.defined: set[int] = set()  # footnote numbers with a definition so far
        self.last_call = 0  # line of the last footnote call
        self.note_area = False  # past a separator line or a note: typed notes may follow
        self.after_note = False  # the line before was a footnote's text

    def note(self, line: int, message: str) -> None:
        """Record a report note for a line (0 = whole document), named by its source place."""
        self.notes.append((line, f"{self.source.place(line)}: {message}" if line else message))

    def run(self) -> ImportResult:
        """Do the whole import."""
        start = self.parse_top()
        body_lines = self.split_closing(start)
        blocks = self.classify_all(body_lines)
        blocks = self.structure_footnotes(blocks)
        self.find_unnumbered_headings(blocks)
        blocks = self.merge_continuations(blocks)
        self.render(blocks)
        self.finish_period()
        self.notes.sort(key=lambda item: item[0])
        self.result.header = list(self.source.header)
        self.result.report = [*self.source.notes, *(message for _, message in self.notes)]
        return self.result

    # -- top block -------------------------------------------------------------------------

    def parse_top(self) -> int:
        """Read the type name and title lines; return the index where the body starts."""
        idx = self.skip_blank(0)
        known = self.type_name is not None
        if not known:
            self.note(0, f"Loại văn bản '{_quote(self.kind, 30)}' không được hỗ trợ")
        if idx < len(self.lines) and self.is_type_line(self.lines[idx]):
            # Kept as written: the words of the input are never rewritten away.
            self.result.type_name = " ".join(self.lines[idx].replace("*", " ").split())
            if known and self.result.type_name.upper() != self.type_name:
                self.note(idx + 1, f"tên loại '{self.result.type_name}' khác loại đã chọn")
            idx = self.skip_blank(idx + 1)
            while idx < len(self.lines) and _SEPARATOR_RE.match(self.lines[idx]):
                idx = self.skip_blank(idx + 1)
            if idx < len(self.lines) and self.is_title_line(self.lines[idx]):
                self.result.title = _closing_plain(self.lines[idx])
                idx += 1
            else:
                self.note(idx + 1, "không tìm thấy dòng tiêu đề (trích yếu) dưới tên loại")
        else:
            self.note(1, "không tìm thấy tên loại văn bản (BẢN TIN/HƯỚNG DẪN/BÁO CÁO) ở đầu")
        return idx

    def skip_blank(self, idx: int) -> int:
        """Index of the next non-blank line."""
        while idx < len(self.lines) and not self.lines[idx].strip():
            idx += 1
        return idx

    def is_type_line(self, line: str) -> bool:
        """True for a line that is only a document type name (the kind's own included)."""
        name = " ".join(line.replace("*", " ").split()).upper()
        return name in TYPE_NAMES or (bool(self.type_name) and name == self.type_name)

    @staticmethod
    def is_title_line(line: str) -> bool:
        """True when a line can serve as the title under the type name."""
        stripped = line.strip()
        if not stripped or stripped.startswith("|") or _SEPARATOR_RE.match(stripped):
            return False
        if _RECIPIENTS_RE.match(stripped) or _APPENDIX_RE.match(stripped):
            return False
        roman = _ROMAN_RE.match(stripped)
        if roman and roman.group(2) and _ROMAN_VALID_RE.match(roman.group(1)):
            return False
        number = _NUMBER_RE.match(stripped)
        return not (number and number.group(2))

    # -- closing block ---------------------------------------------------------------------

    def split_closing(self, start: int) -> list[tuple[int, str]]:
        """Parse the closing (recipients, authority line, signer); return the body lines.

        The closing is found as offices type it: "Nơi nhận:" with the signature after it (a
        table read column by column, or tab-separated paragraphs), or the signature typed as
        paragraphs above "Nơi nhận:". Tab-separated body lines become spaces.
        """
        numbered = [(i + 1, self.lines[i]) for i in range(start, len(self.lines))]
        pos = next(
            (i for i, (_, line) in enumerate(numbered) if _RECIPIENTS_RE.match(_columns(line)[0])),
            None,
        )
        if pos is None:
            end = next(
                (i for i, (_, t) in enumerate(numbered) if _APPENDIX_RE.match(_closing_plain(t))),
                len(numbered),
            )
            first = self.signature_above(numbered, end, strict=True)
            if first is None:
                return _untabbed(numbered)
            self.parse_signature(numbered[first:end])
            return _untabbed(numbered[:first] + numbered[end:])
        first = self.signature_above(numbered, pos, strict=False)
        if first is not None:
            self.parse_signature(numbered[first:pos])
        end = self.parse_closing(numbered, pos)
        begin = pos if first is None else first
        return _untabbed(numbered[:begin] + numbered[end:])

    def signature_above(
        self, numbered: list[tuple[int, str]], end: int, *, strict: bool
    ) -> int | None:
        """Where a signature typed as paragraphs right above ``end`` starts, if there is one.

        ``strict`` (no "Nơi nhận" to anchor it): an authority line, or a title and a name.
        """
        first, kinds = None, []
        idx = end - 1
        while idx >= 0 and len(kinds) < 6:
            line = _closing_plain(numbered[idx][1])
            if not line:
                idx -= 1
                continue
            kind = _signer_kind(line)
            if kind is None:
                break
            first, kinds = idx, [kind, *kinds]
            idx -= 1
        if first is None or "authority" in kinds:
            return first
        if "title" in kinds and ("name" in kinds or not strict) and kinds[0] == "title":
            return first
        return None

    def parse_signature(self, lines: list[tuple[int, str]]) -> None:
        """Place signature lines typed above "Nơi nhận:" (or with no recipients at all)."""
        for no, line in lines:
            for part in _columns(line):
                if part:
                    self.take_signer_line(no, part)

    def parse_closing(self, numbered: list[tuple[int, str]], pos: int) -> int:
        """Fill recipients and signer fields; return the index after the closing block.

        Each line is split at its tabs: the left column holds the recipients, the right one
        the signature; a line without a tab goes where its text belongs.
        """
        res = self.result
        first_line, first = numbered[pos]
        left, *right = _columns(first)
        heading = _RECIPIENTS_RE.match(left)
        self.note(first_line, f"phần '{_quote(left)}' được tách thành danh sách nơi nhận")
        if heading.group(1).strip():
            res.recipients.append(_RECIPIENT_RE.sub(r"\1", heading.group(1).strip()))
        signature = [(first_line, part) for part in right if part]
        idx = pos + 1
        while idx < len(numbered):
            no, line = numbered[idx]
            if not line.strip():
                idx += 1
                continue
            if _APPENDIX_RE.match(_closing_plain(line)):
                break
            after_bracket = self.take_bracket(numbered, idx)
            if after_bracket is not None:
                idx = after_bracket
                continue
            columns = _columns(line)
            if len(columns) > 1:
                if columns[0]:
                    self.take_recipient(no, columns[0])
                signature += [(no, part) for part in columns[1:] if part]
            elif not self.take_recipient(no, columns[0], typed=False):
                signature.append((no, columns[0]))
            if signature and not self.fits_signature(signature[-1][1]):
                signature.pop()
                break
            idx += 1
        for no, part in signature:
            self.take_signer_line(no, part)
        if res.recipients or res.signer_name or res.signer_title:
            if not res.signer_name:
                self.note(first_line, "không tìm thấy tên người ký sau phần nơi nhận")
            if not res.signer_title:
                self.note(first_line, "không tìm thấy chức vụ người ký sau phần nơi nhận")
        return idx

    def take_recipient(self, no: int, text: str, *, typed: bool = True) -> bool:
        """Add a recipient from the left column; ``typed=False``: only a '- …' line."""
        match = _RECIPIENT_RE.match(text)
        if match and text[0] in "-–•+":
            self.result.recipients.append(match.group(1).strip())
            return True
        if typed:
            self.result.recipients.append(text)
            return True
        return False

    def fits_signature(self, line: str) -> bool:
        """False for a line too long for a signature: the body starts again there."""
        return (
            _signer_kind(line) is not None
            or len(line) <= 30
            or (len(line) <= 60 and not _is_open(line))
        )

    def take_bracket(self, numbered: list[tuple[int, str]], idx: int) -> int | None:
        """Report a '<…>' note (possibly over several lines); return the next index."""
        no, line = numbered[idx]
        stripped = line.strip()
        if not stripped.startswith("<") or re.match(r"</?[A-Za-z]", stripped):
            return None
        parts, end = [stripped], idx
        while ">" not in parts[-1] and end + 1 < len(numbered) and end - idx < 3:
            nxt = numbered[end + 1][1].strip()
            if not nxt:
                break
            parts.append(nxt)
            end += 1
        self.note(no, f"ghi chú '{' '.join(parts)}' trong phần nơi nhận không đặt được")
        return end + 1

    def take_signer_line(self, no: int, stripped: str) -> None:
        """Place one signature line (authority, title, name), or name it in the report."""
        res = self.result
        kind = _signer_kind(stripped)
        if kind == "authority" and not res.authority_line:
            res.authority_line = stripped
        elif kind == "title" and not res.signer_title and not res.signer_name:
            res.signer_title = stripped
        elif kind in ("name", "title") and not res.signer_name and _NAME_RE.match(stripped):
            res.signer_name = stripped
        else:
            self.note(no, f"dòng '{_quote(stripped)}' trong phần ký không đặt được")

    # -- classification --------------------------------------------------------------------

    def classify_all(self, numbered: list[tuple[int, str]]) -> list[_Unit]:
        """Turn body lines into blocks (tables grouped, separators dropped)."""
        blocks: list[_Unit] = []
        blank = False
        table: _Unit | None = None
        for no, line in numbered:
            for _, number in _iter_calls(line):
                self.calls.setdefault(number, no)
                self.last_call = no
        for no, line in numbered:
            if not line.strip():
                blank, table = True, None
                continue
            cells = _table_cells(line) if line.lstrip().startswith("|") else None
            if cells is not None:
                if table is None:
                    table = _Unit("table", "", no, blank_before=blank)
                    blocks.append(table)
                table.rows.append((no, cells))
                blank = False
                continue
            if line.lstrip().startswith("|"):
                self.note(no, f"dòng có hơn {MAX_TABLE_COLUMNS} cột nên được giữ thành đoạn văn")
            table = None
            if _SEPARATOR_RE.match(line):
                blank = False
                self.note_area = self.note_area or bool(blocks)
                continue
            blocks.append(self.classify(line.strip(), no, blank))
            blank = False
        for block in blocks:
            if block.kind == "table":
                self.finish_table(block)
        return blocks

    def classify(self, text: str, no: int, blank: bool) -> _Unit:
        """Classify one non-blank body line."""
        expect_title, self.expect_appendix_title = self.expect_appendix_title, False
        unit = self.classify_line(text, no, blank, expect_title)
        self.after_note = unit.kind == "def"
        return unit

    def classify_line(self, text: str, no: int, blank: bool, expect_title: bool) -> _Unit:
        """Classify one non-blank body line (see ``classify``)."""
        if _APPENDIX_RE.match(_closing_plain(text)):
            self.expect_appendix_title = True
            self.roman, self.seq = 0, []
            self.items, self.list_numbers, self.letter = [], [], ""
            return _Unit("appendix", _closing_plain(text), no, blank)
        if _DEF_RE.match(text):
            match = _DEF_RE.match(text)
            number = int((match.group(1) or match.group(2)).translate(_TO_ASCII))
            self.defined.add(number)
            self.note_area = True
            return _Unit("def", match.group(3), no, blank, fn=number)
        typed = _TYPED_NOTE_RE.match(text)
        if typed and self.is_typed_note(int(typed.group(1)), no):
            number = int(typed.group(1))
            self.defined.add(number)
            self.note_area = True
            self.note(
                no,
                f"'{_quote(text, 30)}' được hiểu là nội dung chú thích {_sup(number)}"
                " (ghi bằng số thường)",
            )
            return _Unit("def", typed.group(2), no, blank, fn=number)
        block = self.classify_heading(text, no, blank)
        if block is not None:
            if block.kind == "heading":
                self.items, self.list_numbers, self.letter = [], [], ""
            else:
                self.check_number(self.list_numbers, [int(block.number)], no)
                self.letter = ""
            return block
        item = _ITEM_NUM_RE.match(text)
        if item:
            self.check_number(self.items, [int(item.group(1))], no, "({})")
            self.letter = ""
            return _Unit("itemnum", text, no, blank, number=item.group(1))
        letter = _LETTER_RE.match(text)
        if letter:
            return self.letter_block(text, no, blank, letter.group(1), letter.group(2))
        if _DASH_RE.match(text):
            return _Unit("dash", text, no, blank)
        if _PLUS_RE.match(text):
            return _Unit("plus", text, no, blank)
        star = _STAR_RE.match(text)
        if star:
            return _Unit("star", star.group(1), no, blank)
        return _Unit("appendix_title" if expect_title else "p", text, no, blank)

    def is_typed_note(self, number: int, no: int) -> bool:
        """True when 'N text' at line ``no`` is the note of an undefined call ⁽ᴺ⁾ above it.

        Notes typed at the end of the text: after a separator line, after another note, or
        after the last call of the text.
        """
        if number in self.defined:
            return False
        call = self.calls.get(number)
        if call is None:  # a note without a call, among other typed notes
            return self.after_note
        return call < no and (self.note_area or no > self.last_call)

    def classify_heading(self, text: str, no: int, blank: bool) -> _Unit | None:
        """Recognise 'I.' and '1.', '1.1.' … headings and numbered paragraphs."""
        roman = _ROMAN_RE.match(text)
        if roman and _ROMAN_VALID_RE.match(roman.group(1)) and roman.group(1):
            body = roman.group(3)
            letters = [ch for ch in _plain(body) if ch.isalpha()]
            is_upper = bool(letters) and all(ch.isupper() for ch in letters)
            if roman.group(2) or (is_upper and not _ends_sentence(body) and len(body) <= 200):
                if not roman.group(2):
                    self.note(no, f"đề mục '{_quote(text)}' thiếu dấu chấm sau số La Mã")
                self.check_roman(roman.group(1), no)
                self.seq, self.parent_level = [], 1
                return _Unit("heading", body, no, blank, number=roman.group(1), level=1)
        match = _NUMBER_RE.match(text)
        if not match:
            return None
        number, dot, body = match.groups()
        parts = [int(p) for p in number.split(".")]
        return self.numbered_block(text, no, blank, parts, bool(dot), body)

    def numbered_block(
        self, text: str, no: int, blank: bool, parts: list[int], dot: bool, body: str
    ) -> _Unit | None:
        """Decide between a numbered heading, a numbered paragraph or plain text."""
        number = ".".join(str(p) for p in parts)
        level = min(len(parts) + 1, 4)
        sentence = _ends_sentence(body)
        if not dot:
            in_sequence = self.in_sequence(parts)
            starts_upper = body[0].isupper() or body[0] == "*"
            if not (in_sequence and starts_upper and not sentence and len(text) <= 350):
                return None
            self.note(no, f"đề mục '{_quote(text)}' thiếu dấu chấm sau số")
        elif len(parts) == 1 and (sentence or len(text) > _MAX_SINGLE_HEADING):
            return _Unit("num", text, no, blank, number=number)
        elif len(parts) > 1 and sentence and len(text) > 150:
            self.note(no, f"đề mục '{_quote(text)}' kết thúc bằng dấu chấm, có thể lẫn đoạn văn")
        self.check_number(self.seq, parts, no)
        self.seq, self.parent_level = parts, level
        return _Unit("heading", body, no, blank, number=number, level=level)

    def letter_block(self, text: str, no: int, blank: bool, letter: str, body: str) -> _Unit:
        """'a) …': a heading one level under the last numbered one when short, else an item."""
        previous, self.letter = self.letter, letter
        if previous and not _letter_follows(previous, letter):
            if letter == previous:
                self.note(no, f"số thứ tự '{letter})' bị lặp lại")
            elif _letter_rank(letter) < _letter_rank(previous):
                self.note(no, f"số thứ tự '{letter})' đứng sau '{previous})' (đánh số lùi)")
            else:
                self.note(
                    no,
                    f"số thứ tự '{letter})' không liền sau '{previous})'{_gap(previous, letter)}",
                )
        elif not previous and letter != "a":
            self.note(no, f"danh sách chữ cái bắt đầu bằng '{letter})' thay vì 'a)'")
        heading = len(body) <= 200 and not _ends_sentence(body) and _plain(body)[:1].isupper()
        if not heading:
            return _Unit("letter", text, no, blank, number=letter)
        level = min(self.parent_level + 1, 4)
        return _Unit("heading", body, no, blank, number=letter, level=level)

    def check_roman(self, numeral: str, no: int) -> None:
        """Report a Roman heading number that skips or repeats the previous one."""
        value, previous = _roman_value(numeral), self.roman
        self.roman = value
        if not previous or value == previous + 1:
            return
        last = _to_roman(previous)
        if value == previous:
            self.note(no, f"số thứ tự '{numeral}' bị lặp lại")
        elif value < previous:
            self.note(no, f"số thứ tự '{numeral}' đứng sau '{last}' (đánh số lùi)")
        else:
            missing = ", ".join(_to_roman(v) for v in range(previous + 1, value))
            self.note(no, f"số thứ tự '{numeral}' không liền sau '{last}' (thiếu {missing})")

    def check_number(self, state: list[int], parts: list[int], no: int, form: str = "{}") -> None:
        """Report a number that skips, repeats or goes back within its list, then record it.

        A number ending in 1 starts a list (or a new sub-list): reported only right after a 1.
        """
        depth = len(parts)
        shown = form.format(".".join(map(str, parts)))
        same_parent = state[: depth - 1] == parts[:-1]
        previous = state[depth - 1] if same_parent and len(state) >= depth else 0
        last = form.format(".".join(map(str, [*parts[:-1], previous])))
        previous_state, state[:] = list(state), parts
        restart = parts[-1] == 1 and previous != 1
        if restart or parts[-1] == previous + 1 or (not previous and same_parent):
            return
        if not same_parent:
            before = form.format(".".join(map(str, previous_state)))
            self.note(no, f"số thứ tự '{shown}' không nối tiếp mục đứng trước '{before}'")
        elif parts[-1] == previous:
            self.note(no, f"số thứ tự '{shown}' bị lặp lại")
        elif parts[-1] < previous:
            self.note(no, f"số thứ tự '{shown}' đứng sau '{last}' (đánh số lùi)")
        else:
            gap = [
                form.format(".".join(map(str, [*parts[:-1], n])))
                for n in range(previous + 1, parts[-1])
            ]
            missing = ", ".join(gap) if len(gap) <= 4 else f"{gap[0]} … {gap[-1]}"
            self.note(no, f"số thứ tự '{shown}' không liền sau '{last}' (thiếu {missing})")

    def in_sequence(self, parts: list[int]) -> bool:
        """True when a number is the expected next heading number."""
        depth = len(parts)
        if self.seq[: depth - 1] != parts[:-1]:
            return False
        previous = self.seq[depth - 1] if len(self.seq) >= depth else 0
        return parts[-1] == previous + 1

    def finish_table(self, table: _Unit) -> None:
        """Drop the |---| separator and decide whether the first row is a header."""
        rows = table.rows
        sep = [i for i, (_, cells) in enumerate(rows) if _TABLE_SEPARATOR_RE.match("|".join(cells))]
        sep = [i for i in sep if not any(any(ch.isalnum() for ch in c) for c in rows[i][1])]
        table.header = bool(sep) and sep[0] == 1
        if not table.header:
            self.note(table.line, "bảng không có dòng tiêu đề chuẩn (|---|); mọi dòng là dữ liệu")
        table.rows = [row for i, row in enumerate(rows) if i not in sep]
        widths = {len(cells) for _, cells in table.rows}
        if len(widths) > 1:
            self.note(table.line, "các dòng của bảng có số cột khác nhau")

    # -- footnotes -------------------------------------------------------------------------

    def structure_footnotes(self, blocks: list[_Unit]) -> list[_Unit]:
        """Attach dash lists to list-style definitions; read '(5)' definitions after others."""
        called = {
            n for b in blocks if b.kind != "def" for t in self.texts(b) for _, n in _iter_calls(t)
        }
        defined = {b.fn for b in blocks if b.kind == "def"}
        out: list[_Unit] = []
        for block in blocks:
            prev = out[-1] if out else None
            if prev is None or prev.kind != "def":
                out.append(block)
            elif not (self.layout_repairs and self.absorb_list_item(prev, block)):
                self.read_plain_definition(block, called, defined)
                out.append(block)
        return out

    def absorb_list_item(self, definition: _Unit, block: _Unit) -> bool:
        """Append a '- …' line to a definition that itself starts as a dash list."""
        if block.kind != "dash" or definition.text.lstrip()[:1] not in ("-", "–"):
            return False
        definition.text += " " + block.text
        quoted = _quote(block.text, 40)
        self.note(block.line, f"dòng '{quoted}' được nối vào chú thích {_sup(definition.fn)}")
        return True

    def read_plain_definition(self, block: _Unit, called: set[int], defined: set[int]) -> None:
        """Read '(5) …' after a definition as definition 5 when ⁽⁵⁾ is called but undefined."""
        if block.kind != "itemnum":
            return
        number = int(block.number)
        if number not in called or number in defined:
            return
        block.kind, block.fn = "def", number
        block.text = _ITEM_NUM_RE.match(block.text).group(2)
        defined.add(number)
        message = f"'({number})' được hiểu là nội dung chú thích {_sup(number)}"
        self.note(block.line, message + " (ghi bằng số thường)")

    @staticmethod
    def texts(block: _Unit) -> list[str]:
        """The texts of a block that may contain footnote calls, in reading order."""
        if block.kind == "table":
            return [cell for _, cells in block.rows for cell in cells]
        return [block.text]

    # -- headings without numbers ----------------------------------------------------------

    def find_unnumbered_headings(self, blocks: list[_Unit]) -> None:
        """A short line between a level-1 heading and a '1.1.' heading is a level-2 heading."""
        for i in range(1, len(blocks) - 1):
            prev, block, nxt = blocks[i - 1], blocks[i], blocks[i + 1]
            if block.kind != "p" or prev.kind != "heading" or prev.level != 1:
                continue
            if nxt.kind != "heading" or nxt.level < 3:
                continue
            if len(block.text) > _UNNUMBERED_HEADING_MAX or _ends_sentence(block.text):
                continue
            if not block.text[:1].isupper():
                continue
            block.kind, block.level, block.number = "heading", 2, ""
            self.note(
                block.line,
                f"đề mục '{_quote(block.text)}' không có số thứ tự (xếp là đề mục cấp 2)",
            )

    # -- page-break continuations ----------------------------------------------------------

    def merge_continuations(self, blocks: list[_Unit]) -> list[_Unit]:
        """Join paragraphs that continue an earlier paragraph cut by a page break."""
        out: list[_Unit] = []
        owner: list[_Unit] = []
        recent: list[_Unit] = []
        if not self.layout_repairs:
            return blocks
        for idx, block in enumerate(blocks):
            block.index = block.last_index = idx
            recent = [
                b for b in recent if idx - b.last_index <= _CONTINUATION_WINDOW and _is_open(b.text)
            ]
            target = self.continuation_target(block, idx, blocks, owner, recent)
            if target is not None:
                label = _KIND_LABELS.get(target.kind, "đoạn")
                self.note(
                    block.line,
                    f"đoạn '{_quote(block.text, 40)}' được nối vào {label} ở dòng {target.line}"
                    " (ngắt trang)",
                )
                target.text += " " + block.text
                target.last_index = idx
                owner.append(target)
                continue
            self.flag_possible_continuation(block, idx, owner)
            out.append(block)
            owner.append(block)
            if block.kind in _FRAGMENT_KINDS and _is_open(block.text):
                recent.append(block)
        return out

    def continuation_target(
        self,
        block: _Unit,
        idx: int,
        blocks: list[_Unit],
        owner: list[_Unit],
        recent: list[_Unit],
    ) -> _Unit | None:
        """The open paragraph that a lowercase-initial paragraph continues, if any."""
        if block.kind != "p" or not block.text or not recent:
            return None
        if not (block.text[0].islower() or block.text[0].isdigit()):
            return None
        prev = owner[idx - 1] if idx else None
        following = blocks[idx + 1] if idx + 1 < len(blocks) else None
        if prev is not None and prev.kind == "def":
            target = self.body_before_notes(idx, owner)
            if target is not None and any(target is b for b in recent):
                return target
            body = [b for b in recent if b.kind != "def"]
            return body[0] if body else None
        if following is not None and following.kind == "def":
            notes = [b for b in recent if b.kind == "def"]
            if notes:
                return notes[0]
        strong = [b for b in recent if b.text.rstrip()[-1] in _STRONG_OPEN_END]
        if strong:
            return strong[0]
        if prev is not None and any(prev is b for b in recent):
            return prev
        return recent[0]

    @staticmethod
    def body_before_notes(idx: int, owner: list[_Unit]) -> _Unit | None:
        """The body paragraph just before the footnote area that ends at idx - 1."""
        j = idx - 1
        while j >= 0:
            noteish = owner[j].kind == "def"
            sandwiched = (
                0 < j < idx - 1 and owner[j - 1].kind == "def" and owner[j + 1].kind == "def"
            )
            if not (noteish or sandwiched):
                break
            j -= 1
        if j < 0 or idx - j > _CONTINUATION_WINDOW:
            return None
        return owner[j]

    def flag_possible_continuation(self, block: _Unit, idx: int, owner: list[_Unit]) -> None:
        """Note (without merging) a capitalised paragraph that may continue the previous one."""
        if block.kind != "p" or not block.blank_before or idx == 0 or not block.text[:1].isupper():
            return
        prev = owner[idx - 1]
        adjacent = prev.kind in _UPPER_MERGE_KINDS and prev.last_index == idx - 1
        if adjacent and len(prev.text) >= 200 and _is_open(prev.text) and prev.text[-1].isalpha():
            self.note(
                block.line,
                f"đoạn '{_quote(block.text, 40)}' có thể là phần tiếp của đoạn ở dòng"
                f" {prev.line} (ngắt trang?); để nguyên thành đoạn riêng",
            )

    # -- rendering -------------------------------------------------------------------------

    def render(self, blocks: list[_Unit]) -> None:
        """Render blocks to HTML, placing footnotes at their calls."""
        used: set[int] = set()
        queues = self.definition_queues(blocks)
        for block in blocks:
            if block.kind != "def":
                for text in self.texts(block):
                    for _, number in _iter_calls(text):
                        queue = queues.get(number)
                        if queue:
                            used.add(id(queue.popleft()))
        queues = self.definition_queues(blocks)
        self.queues = queues
        parts = [self.render_block(block, used) for block in blocks]
        self.result.body_html = "\n".join(part for part in parts if part)

    @staticmethod
    def definition_queues(blocks: list[_Unit]) -> dict[int, deque[_Unit]]:
        """Footnote definitions by number, in document order."""
        queues: dict[int, deque[_Unit]] = {}
        for block in blocks:
            if block.kind == "def":
                queues.setdefault(block.fn, deque()).append(block)
        return queues

    def render_block(self, block: _Unit, used: set[int]) -> str:
        """HTML for one block."""
        kind = block.kind
        if kind == "heading":
            return self.render_heading(block)
        if kind == "appendix":
            anchor = self.add_outline(1, "", block.text)
            return f'<h2 class="appendix" id="{anchor}">{html.escape(block.text)}</h2>'
        if kind == "def":
            if id(block) in used:
                return ""
            self.note(block.line, f"nội dung chú thích {_sup(block.fn)} không có lời gọi tương ứng")
            return f'<p class="unplaced">{_sup(block.fn)} {self.with_calls(block)}</p>'
        if kind == "table":
            return self.render_table(block)
        css = {
            "dash": "item-dash",
            "star": "item-dash",
            "plus": "item-plus",
            "num": "item-num",
            "itemnum": "item-num",
            "letter": "item-num",
            "appendix_title": "appendix-title",
        }.get(kind)
        attr = f' class="{css}"' if css else ""
        return f"<p{attr}>{self.with_calls(block)}</p>"

    def render_heading(self, block: _Unit) -> str:
        """HTML for a heading, with its number normalised and an anchor."""
        tag = f"h{block.level + 1}"
        anchor = self.add_outline(block.level, block.number, _plain(block.text))
        separator = ")" if block.number.isalpha() and block.number.islower() else "."
        prefix = f"{html.escape(block.number)}{separator} " if block.number else ""
        return f'<{tag} id="{anchor}">{prefix}{self.with_calls(block)}</{tag}>'

    def add_outline(self, level: int, number: str, text: str) -> str:
        """Register a heading in the outline; return its anchor."""
        self.heading_count += 1
        anchor = f"h-{self.heading_count}"
        self.result.outline.append(OutlineItem(level, number, text, anchor))
        return anchor

    def render_table(self, block: _Unit) -> str:
        """HTML table with <th> header, numeric cells marked and merged cells spanned."""
        rows = block.rows
        out = ["<table>"]
        if block.header and rows:
            no, cells = rows[0]
            head = "".join(
                f"<th{spans}>{self.with_calls_text(c, no)}</th>"
                for c, spans in self.spanned(no, cells)
            )
            out.append(f"<thead><tr>{head}</tr></thead>")
            rows = rows[1:]
        out.append("<tbody>")
        for no, cells in rows:
            tds = []
            for cell, spans in self.spanned(no, cells):
                css = ' class="num"' if _is_numeric_cell(cell) else ""
                tds.append(f"<td{css}{spans}>{self.with_calls_text(cell, no)}</td>")
            out.append(f"<tr>{''.join(tds)}</tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def spanned(self, no: int, cells: list[str]) -> Iterator[tuple[str, str]]:
        """The cells of row ``no`` that are not covered by a merge, with their span attributes.

        A covered cell is empty by the reader's notation; one that holds text is kept.
        """
        spans = self.source.blocks[no - 1].spans if 0 < no <= len(self.source.blocks) else []
        for index, cell in enumerate(cells):
            colspan, rowspan = spans[index] if index < len(spans) else (1, 1)
            if (colspan, rowspan) == (0, 0) and not cell:
                continue
            attrs = f' colspan="{colspan}"' if colspan > 1 else ""
            attrs += f' rowspan="{rowspan}"' if rowspan > 1 else ""
            yield cell, attrs

    def with_calls(self, block: _Unit) -> str:
        """Inline HTML of a block's text with footnotes placed."""
        if block.kind == "def":
            return _inline(block.text)
        return self.with_calls_text(block.text, block.line)

    def with_calls_text(self, text: str, line: int) -> str:
        """Inline HTML of text; footnote calls become spans (or <sup> when undefined)."""
        calls = list(_iter_calls(text))
        if not calls:
            return _inline(text)
        mark = _sentinel(text)
        pieces, pos, rendered = [], 0, []
        for match, number in calls:
            pieces.append(text[pos : match.start()])
            pieces.append(f"{mark}{len(rendered)}{mark}")
            rendered.append(self.place_footnote(number, line))
            pos = match.end()
        pieces.append(text[pos:])
        out = _inline("".join(pieces))
        return re.sub(f"{mark}([0-9]+){mark}", lambda m: rendered[int(m.group(1))], out)

    def place_footnote(self, number: int, line: int) -> str:
        """Span with the definition for a call, or <sup> and a note when it has none."""
        queue = self.queues.get(number)
        if not queue:
            self.note(line, f"chú thích {_sup(number)} được gọi nhưng không có nội dung")
            return f"<sup>{number}</sup>"
        definition = queue.popleft()
        self.result.footnote_count += 1
        return f'<span class="footnote">{_inline(definition.text)}</span>'

    # -- period ----------------------------------------------------------------------------

    def finish_period(self) -> None:
        """Bulletin month/year from the title, else from a heading such as 'THÁNG 02/2024'."""
        if not self.monthly:
            return
        match = _PERIOD_RE.search(self.result.title)
        if not match:
            for item in self.result.outline:
                match = _PERIOD_RE.search(item.text)
                if match:
                    self.note(0, f"Kỳ bản tin lấy từ đề mục '{_quote(item.text)}'")
                    break
        if not match:
            self.note(0, "Không xác định được tháng/năm của bản tin")
        elif 1 <= int(match.group(1)) <= 12 and int(match.group(2)) in _PERIOD_YEARS:
            self.result.period_month = int(match.group(1))
            self.result.period_year = int(match.group(2))
        else:
            self.note(
                0,
                f"Kỳ bản tin '{_quote(match.group(0), 30)}' không hợp lệ (tháng 1–12, năm "
                f"{_PERIOD_YEARS[0]}–{_PERIOD_YEARS[-1]}) nên không được dùng",
            )
