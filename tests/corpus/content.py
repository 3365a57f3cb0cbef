"""What the corpus documents say, and what a reader of each sees in Word (the ground truth).

The text comes from the four seeds (real documents of district offices); each corpus
document takes a stretch of a seed, renumbers its headings, adds footnotes, a closing and
sometimes an appendix table, and says how it is to be written (``Layout``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"
NOTE = "⟦{}⟧"  # a footnote call inside a paragraph's text, replaced by each writer
NOTE_RE = re.compile(r"⟦(\d+)⟧")
WORD_RE = re.compile(r"\w+(?:[.,/\-–]\w+)*")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# The sentences around a field, a link, a tracked change and an image in the body.
FIELD_LEAD = "Số liệu trong văn bản tổng hợp đến ngày"
LINK_LEAD = "Toàn văn tài liệu được đăng trên"
TRACKED_LEAD = "Thời gian tổ chức hội nghị:"
IMAGE_LEAD = "Hình ảnh hoạt động tuyên truyền tại cơ sở."
COMMENTED = "Đề nghị các chi bộ gửi báo cáo kết quả về Ban Tuyên giáo đúng thời hạn."


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False


@dataclass
class Table:
    """Rows of cells; a cell covered by a span above or to its left is left out of its row."""

    rows: list[list[Cell]]
    columns: int


@dataclass
class Heading:
    level: int  # 1: "I.", 2: "1.", 3: "1.1.", 4: "a)"
    number: str
    text: str


@dataclass
class Para:
    text: str  # with NOTE calls


@dataclass
class Item:
    mark: str  # "-", "+", "(1)"
    text: str


@dataclass
class Closing:
    recipients: list[str]
    authority: str
    signer_title: str
    signer_name: str


@dataclass
class Layout:
    """How one file is written: by which program, and with which habits of its author."""

    writer: str = "docx"  # "docx" (python-docx), "fodt" or "html" (through LibreOffice)
    header: str = "table"  # "table", "tabs", "textbox", "paras"
    closing: str = "table"  # "table", "tabs", "paras", "textbox"
    signer_format: str = "b"  # how the signer lines are set: "b", "i", "u"
    numbering: str = "typed"  # "typed" or "auto" (the word processor's list numbering)
    notes: str = "footnote"  # "footnote", "endnote", "sup", "raised" (typed at the end)
    extras: frozenset[str] = frozenset()  # date, page, link, tracked, comment, image, nfd,
    #                                       tcvn3, vni
    convert: str = "docx"  # the format LibreOffice saves: docx, doc, rtf, odt


@dataclass
class Doc:
    name: str
    kind: str  # the portal's kind the file is imported as
    parent: str
    issuer: str
    number: str
    place_date: str
    type_name: str
    title: str
    body: list[Heading | Para | Item | Table]
    notes: list[str]
    closing: Closing
    layout: Layout
    appendix: Table | None = None
    appendix_caption: str = ""
    inserted: str = ""  # a tracked insertion's text (shown in Word, so in the ground truth)
    deleted: str = ""  # a tracked deletion's text (struck out, not part of the text)
    comment: str = ""
    link_text: str = ""
    field_text: str = ""  # a DATE field's shown result in the body
    image_caption: str = ""


@dataclass
class Truth:
    """What a reader of the file sees in Word, as the corpus test compares it."""

    words: list[str]
    footnotes: list[str]
    recipients: list[str]
    authority: str
    signer_title: str
    signer_name: str
    tables: list[list[list[tuple[str, int, int]]]]
    damaged: bool = False


@dataclass
class CorpusFile:
    name: str  # file name, with its extension
    kind: str
    features: list[str]
    truth: Truth
    doc: Doc | None = None
    data: bytes = field(default=b"", repr=False)


# --- the seeds ---------------------------------------------------------------------------

_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_LETTERS = "abcdđeghik"


def _seed_blocks(name: str) -> list[tuple[str, str]]:
    """(kind, text) of a seed's body: 'h1', 'h2', 'h3', 'dash', 'plus', 'p'."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    blocks, started = [], False
    for raw in text.splitlines():
        line = raw.strip().translate(str.maketrans("", "", _SUPERSCRIPTS))
        if re.match(r"^N[ơo]i nhận", line):
            break
        if re.match(r"^[IVX]+\.\s", line):
            started = True
            blocks.append(("h1", line.split(".", 1)[1].strip()))
        elif not started or not line or "|" in line or "<" in line or line.startswith("---"):
            continue
        elif m := re.match(r"^\d+\.\d+\.?\s+(.*)$", line):
            blocks.append(("h3", m.group(1)))
        elif (m := re.match(r"^\d+\.?\s+(.*)$", line)) and len(line) < 260:
            blocks.append(("h2", m.group(1)))
        elif m := re.match(r"^-\s+(.*)$", line):
            blocks.append(("dash", m.group(1)))
        elif m := re.match(r"^\+\s+(.*)$", line):
            blocks.append(("plus", m.group(1)))
        elif len(line) > 40 and not re.match(r"^\d", line):
            blocks.append(("p", line))
    return blocks


_SEED_CACHE: dict[str, list[tuple[str, str]]] = {}


def seed_blocks(name: str) -> list[tuple[str, str]]:
    if name not in _SEED_CACHE:
        _SEED_CACHE[name] = _seed_blocks(name)
    return _SEED_CACHE[name]


NOTE_TEXTS = [
    "Kế hoạch số 125-KH/TU ngày 15/01/2023 của Ban Thường vụ Thành ủy về tổ chức các hoạt "
    "động kỷ niệm các ngày lễ lớn năm 2023.",
    "Chỉ thị số 21-CT/TW ngày 20/01/2023 của Ban Bí thư về tiếp tục đổi mới, nâng cao chất "
    "lượng công tác phụ nữ trong tình hình mới.",
    "Hướng dẫn số 127-HD/BTGTU ngày 29/12/2023 của Ban Tuyên giáo Thành ủy.",
    "Nghị quyết số 45-NQ/TW ngày 24/01/2019 của Bộ Chính trị về xây dựng và phát triển thành "
    "phố Hải Phòng đến năm 2030, tầm nhìn đến năm 2045.",
    "Theo số liệu của Cục Thống kê thành phố, tính đến hết ngày 31/3/2023.",
    "Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số "
    "05-CT/TW.",
    "Công văn số 1045-CV/BTGTU ngày 10/3/2024 về tuyên truyền kỷ niệm 70 năm Chiến thắng "
    "Điện Biên Phủ.",
    "Quyết định số 99-QĐ/TW ngày 03/10/2017 của Ban Bí thư ban hành Hướng dẫn khung để các "
    "cấp ủy đảng vận dụng kinh nghiệm của Chủ tịch Hồ Chí Minh.",
]

ISSUERS = [
    ("QUẬN ỦY ĐỒ SƠN", "BAN TUYÊN GIÁO", "BTGQU", "Đồ Sơn"),
    ("QUẬN ỦY NGÔ QUYỀN", "BAN TUYÊN GIÁO", "BTGQU", "Ngô Quyền"),
    ("HUYỆN ỦY THỦY NGUYÊN", "BAN TUYÊN GIÁO", "BTGHU", "Thủy Nguyên"),
    ("QUẬN ỦY HAI BÀ TRƯNG", "BAN TUYÊN GIÁO", "BTGQU", "Hà Nội"),
    ("QUẬN ỦY LÊ CHÂN", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "BTGDVQU", "Lê Chân"),
]
SIGNERS = [
    ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Ngô Hồng Anh"),
    ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Tùng"),
    ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC", "Phạm Thị Thu Hằng"),
    ("T/L BAN THƯỜNG VỤ", "TRƯỞNG BAN TUYÊN GIÁO", "Lê Đức Thịnh"),
    ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Đỗ Thị Ngọc Ánh"),
    ("T/M BAN TUYÊN GIÁO", "TRƯỞNG BAN", "Vũ Quang Hưởng"),
]
RECIPIENTS = [
    ["Ban Tuyên giáo Thành ủy,", "Thường trực Quận ủy,", "Các TCCS Đảng trực thuộc,", "Lưu BTG."],
    [
        "Ban Tuyên giáo Thành ủy (để báo cáo),",
        "Các đồng chí Ủy viên Ban Thường vụ,",
        "UBMTTQ và các tổ chức CT - XH,",
        "Các chi bộ, đảng bộ cơ sở,",
        "Lưu VP.",
    ],
    ["Thường trực Huyện ủy,", "Các phòng, ban, ngành huyện,", "Lưu BTGHU."],
]

APPENDIX_TITLE = "PHỤ LỤC"


def indicator_table(variant: int) -> Table:
    """A report appendix's table of indicators: two header rows, spans both ways."""
    head = [
        [
            Cell("TT", rowspan=2, bold=True),
            Cell("Chỉ tiêu", rowspan=2, bold=True),
            Cell("Đơn vị tính", rowspan=2, bold=True),
            Cell("Kế hoạch năm 2023", rowspan=2, bold=True),
            Cell("Ước thực hiện quý I", colspan=3, bold=True),
        ],
        [Cell("Giá trị", bold=True), Cell("% so cùng kỳ", bold=True), Cell("% so KH", bold=True)],
    ]
    data = [
        ["1", "Tổng sản phẩm trên địa bàn (GRDP)", "%", "12,7 - 13", "-", "10,21", "-"],
        ["2", "Kim ngạch xuất khẩu", "Tỷ USD", "31", "6,59", "102,51", "21,25"],
        [
            "3",
            "Thu hút vốn đầu tư nước ngoài",
            "Triệu USD",
            "2.000 - 2.500",
            "465,06",
            "95,26",
            "23,25",
        ],
        [
            "4",
            "Tổng thu ngân sách trên địa bàn",
            "Tỷ đồng",
            "116.442,134",
            "24.042,91",
            "90,54",
            "20,65",
        ],
        ["5", "Số lượt khách du lịch", "1.000 lượt", "7.300", "1.387,1", "117,86", "19,00"],
    ]
    rows = head + [[Cell(text) for text in row] for row in data[: 3 + variant % 3]]
    # A group row: one cell over the whole width, as offices write a section of indicators.
    rows.insert(2, [Cell("A. CHỈ TIÊU KINH TẾ", colspan=7, bold=True)])
    return Table(rows, 7)


def small_table(variant: int) -> Table:
    """A body table of a plan: who does what, with a row span for a shared deadline."""
    rows = [
        [
            Cell("TT", bold=True),
            Cell("Nội dung", bold=True),
            Cell("Đơn vị thực hiện", bold=True),
            Cell("Thời gian", bold=True),
        ],
        [
            Cell("1"),
            Cell("Tổ chức hội nghị quán triệt nghị quyết"),
            Cell("Ban Tuyên giáo"),
            Cell("Tháng 3/2024", rowspan=2),
        ],
        [Cell("2"), Cell("Biên soạn tài liệu tuyên truyền"), Cell("Trung tâm Chính trị")],
        [Cell("3"), Cell("Sơ kết, đánh giá kết quả thực hiện", colspan=2), Cell("Quý IV/2024")],
    ]
    if variant % 2:
        rows.append(
            [Cell("4"), Cell("Báo cáo Ban Thường vụ"), Cell("Văn phòng"), Cell("Tháng 12/2024")]
        )
    return Table(rows, 4)


def seed_body(seed: str, start: int, count: int, *, calls: int) -> tuple[list, list[str]]:
    """A stretch of a seed as body blocks, headings renumbered, with ``calls`` footnote calls."""
    blocks = seed_blocks(seed)
    sections = [i for i, (kind, _) in enumerate(blocks) if kind == "h1"] or [0]
    first = sections[start % len(sections)]
    chosen = blocks[first : first + count]
    if not chosen or chosen[0][0] != "h1":
        chosen = [("h1", "NỘI DUNG CHỦ YẾU")] + chosen
    body: list = []
    counters = [0, 0, 0, 0]
    notes: list[str] = []
    plus_seen = 0
    for index, (kind, text) in enumerate(chosen):
        if kind.startswith("h"):
            level = int(kind[1])
            if level == 3 and not counters[1]:
                level = 2  # a sub-heading typed straight under a section: its first item
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            if level == 1:
                number = _ROMAN[(counters[0] - 1) % len(_ROMAN)] + "."
            elif level == 2:
                number = f"{counters[1]}."
            else:
                number = f"{counters[1]}.{counters[2]}."
            body.append(Heading(level, number, text))
        elif kind == "dash":
            body.append(Item("-", text))
        elif kind == "plus":
            plus_seen += 1
            body.append(Item("+", text))
        else:
            if len(notes) < calls and index % 2 == 0:
                notes.append(NOTE_TEXTS[(start + len(notes)) % len(NOTE_TEXTS)])
                text = _call_after_word(text, len(notes))
            body.append(Para(text))
    # Every numbering the offices type: a), (1) and +, under the last heading.
    body.append(Heading(4, "a)", "Về công tác tuyên truyền miệng"))
    body.append(Item("(1)", "Tổ chức tốt việc thông tin thời sự định kỳ cho báo cáo viên."))
    body.append(Item("(2)", "Biên soạn đề cương tuyên truyền, phát hành đến các chi bộ."))
    if not plus_seen:
        body.append(Item("+", "Kịp thời nắm bắt tình hình tư tưởng của cán bộ, đảng viên."))
    while len(notes) < calls:
        notes.append(NOTE_TEXTS[(start + len(notes)) % len(NOTE_TEXTS)])
        body.append(Para(_call_after_word(_closing_sentence(len(notes)), len(notes))))
    return body, notes


def _closing_sentence(number: int) -> str:
    return [
        "Các chi bộ tổ chức quán triệt đến từng đảng viên trong kỳ sinh hoạt thường kỳ.",
        "Kết quả thực hiện báo cáo về Ban Tuyên giáo trước ngày 20 hằng tháng.",
        "Đề nghị các cơ quan, đơn vị phối hợp thực hiện nghiêm túc, hiệu quả.",
    ][number % 3]


def _call_after_word(text: str, number: int) -> str:
    """The text with a footnote call after the first sentence's last word (or at the end)."""
    match = re.search(r"\w(?=[.;,] )", text[30:])
    if match:
        cut = 30 + match.end()
        return text[:cut] + NOTE.format(number) + text[cut:]
    return text.rstrip(".") + NOTE.format(number) + "."


# --- the ground truth --------------------------------------------------------------------


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """The words of a text as the corpus counts them (NFC, case kept, numbers as words)."""
    return WORD_RE.findall(nfc(text))


def plain(text: str) -> str:
    """A paragraph's text without its footnote calls."""
    return NOTE_RE.sub("", text)


def table_truth(table: Table) -> list[list[tuple[str, int, int]]]:
    return [[(nfc(c.text), c.colspan, c.rowspan) for c in row] for row in table.rows]


def truth_of(doc: Doc) -> Truth:
    """What Word shows of ``doc``: its title, body, notes, closing and appendix.

    The printed header (party line, issuer, number, place and date, type name) is left out:
    the portal prints it from the issuer's own data.
    """
    pieces = [doc.title]
    for block in doc.body:
        if isinstance(block, Heading):
            pieces.append(f"{block.number} {plain(block.text)}")
        elif isinstance(block, Item):
            pieces.append(f"{block.mark} {plain(block.text)}")
        elif isinstance(block, Para):
            pieces.append(plain(block.text))
        else:
            pieces += [cell.text for row in block.rows for cell in row]
    if doc.inserted:
        pieces += [TRACKED_LEAD, doc.inserted]
    if doc.link_text:
        pieces += [LINK_LEAD, doc.link_text]
    if doc.field_text:
        pieces += [FIELD_LEAD, doc.field_text]
    if doc.image_caption:
        pieces += [IMAGE_LEAD, doc.image_caption]
    if doc.comment:
        pieces.append(COMMENTED)
    pieces += doc.notes
    pieces += [*doc.closing.recipients, doc.closing.authority, doc.closing.signer_title]
    pieces.append(doc.closing.signer_name)
    tables = [table_truth(block) for block in doc.body if isinstance(block, Table)]
    if doc.appendix:
        pieces += [APPENDIX_TITLE, doc.appendix_caption]
        pieces += [cell.text for row in doc.appendix.rows for cell in row]
        tables.append(table_truth(doc.appendix))
    return Truth(
        words=[word for piece in pieces if piece for word in words(piece)],
        footnotes=[nfc(note) for note in doc.notes],
        recipients=[nfc(r) for r in doc.closing.recipients],
        authority=nfc(doc.closing.authority),
        signer_title=nfc(doc.closing.signer_title),
        signer_name=nfc(doc.closing.signer_name),
        tables=tables,
    )
