"""Old Vietnamese encodings (TCVN3, VNI) and decomposed Unicode, turned into Unicode NFC.

Before Unicode, offices typed in 8-bit fonts: TCVN3 ("ABC", fonts ``.VnTime``, ``.VnTimeH``,
``.VnArial``…) and VNI (``VNI-Times``…). A .docx keeps their bytes as the Windows-1252
characters of the same numbers (TCVN3's "ạ" is byte 0xB9, stored as "¹"), so an import that
does not convert them reads garbage, and the structurer would take that "¹" for a footnote
call. Everything here runs before the readers, so no later stage ever sees legacy text.

- TCVN3: the VN3 subset of TCVN 5712:1993 (one byte per letter: the lower-case letters with
  their tones and the seven capitals Ă Â Ê Ô Ơ Ư Đ; capitals with tones exist only in the
  "H" fonts, ``.VnTimeH``, whose lower-case codes print as capitals). The table below is
  checked byte for byte against the C library's TCVN5712-1 converter in the tests.
- VNI (VNI-Windows): a base letter followed by a mark character ("aù" = "á", "oâ" = "ô",
  "aê" = "ă", "aá" = "ấ"), a few letters in one character ("ô" = "ơ", "ö" = "ư", "ñ" = "đ",
  "í" = "í", "æ" = "ỉ", "ó" = "ĩ", "ò" = "ị", "î" = "ỵ").

A run in a legacy font is converted by its font; text without fonts (a .txt, a .docx whose
fonts were lost) by its characters, when the conversion turns it into Vietnamese syllables
and the text as it is is not. A text that still does not read as Vietnamese is flagged.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lxml import etree

# -- TCVN3 ------------------------------------------------------------------------------

# Byte → letter, TCVN 5712:1993 VN3 (the bytes ABC fonts use).
_TCVN3_PAIRS = (
    (0xA1, "Ă"), (0xA2, "Â"), (0xA3, "Ê"), (0xA4, "Ô"), (0xA5, "Ơ"), (0xA6, "Ư"), (0xA7, "Đ"),
    (0xA8, "ă"), (0xA9, "â"), (0xAA, "ê"), (0xAB, "ô"), (0xAC, "ơ"), (0xAD, "ư"), (0xAE, "đ"),
    (0xB5, "à"), (0xB6, "ả"), (0xB7, "ã"), (0xB8, "á"), (0xB9, "ạ"),
    (0xBB, "ằ"), (0xBC, "ẳ"), (0xBD, "ẵ"), (0xBE, "ắ"), (0xC6, "ặ"),
    (0xC7, "ầ"), (0xC8, "ẩ"), (0xC9, "ẫ"), (0xCA, "ấ"), (0xCB, "ậ"),
    (0xCC, "è"), (0xCE, "ẻ"), (0xCF, "ẽ"), (0xD0, "é"), (0xD1, "ẹ"),
    (0xD2, "ề"), (0xD3, "ể"), (0xD4, "ễ"), (0xD5, "ế"), (0xD6, "ệ"),
    (0xD7, "ì"), (0xD8, "ỉ"), (0xDC, "ĩ"), (0xDD, "í"), (0xDE, "ị"),
    (0xDF, "ò"), (0xE1, "ỏ"), (0xE2, "õ"), (0xE3, "ó"), (0xE4, "ọ"),
    (0xE5, "ồ"), (0xE6, "ổ"), (0xE7, "ỗ"), (0xE8, "ố"), (0xE9, "ộ"),
    (0xEA, "ờ"), (0xEB, "ở"), (0xEC, "ỡ"), (0xED, "ớ"), (0xEE, "ợ"),
    (0xEF, "ù"), (0xF1, "ủ"), (0xF2, "ũ"), (0xF3, "ú"), (0xF4, "ụ"),
    (0xF5, "ừ"), (0xF6, "ử"), (0xF7, "ữ"), (0xF8, "ứ"), (0xF9, "ự"),
    (0xFA, "ỳ"), (0xFB, "ỷ"), (0xFC, "ỹ"), (0xFD, "ý"), (0xFE, "ỵ"),
)  # fmt: skip
TCVN3_TABLE: dict[int, str] = dict(_TCVN3_PAIRS)
_FROM_TCVN3 = str.maketrans({chr(code): letter for code, letter in _TCVN3_PAIRS})
_TO_TCVN3 = {letter: chr(code) for code, letter in _TCVN3_PAIRS}


def tcvn3_to_unicode(text: str, *, capitals: bool = False) -> str:
    """TCVN3 text (its bytes read as Windows-1252 characters) in Unicode; ``capitals`` for the
    "H" fonts, which print every letter as a capital."""
    converted = text.translate(_FROM_TCVN3)
    return converted.upper() if capitals else converted


def unicode_to_tcvn3(text: str) -> str:
    """The inverse, as a .VnTime file stores it (capitals with tones lose their tone case:
    type them in a .VnTimeH run). For tests and for the round trip check."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _TO_TCVN3:
            out.append(_TO_TCVN3[char])
        elif char.lower() in _TO_TCVN3 and char.lower() != char:
            out.append(_TO_TCVN3[char.lower()])
        else:
            out.append(char)
    return "".join(out)


# -- VNI --------------------------------------------------------------------------------

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)
# Mark character → (combining marks, the base letters it goes on).
_VNI_MARKS = {
    "ø": (_GRAVE, "aeouyơư"), "ù": (_ACUTE, "aeouyơư"), "û": (_HOOK, "aeouyơư"),
    "õ": (_TILDE, "aeouyơư"), "ï": (_DOT, "aeouyơư"),
    "â": (_CIRCUMFLEX, "aeo"),
    "à": (_CIRCUMFLEX + _GRAVE, "aeo"), "á": (_CIRCUMFLEX + _ACUTE, "aeo"),
    "å": (_CIRCUMFLEX + _HOOK, "aeo"), "ã": (_CIRCUMFLEX + _TILDE, "aeo"),
    "ä": (_CIRCUMFLEX + _DOT, "aeo"),
    "ê": (_BREVE, "a"),
    "è": (_BREVE + _GRAVE, "a"), "é": (_BREVE + _ACUTE, "a"), "ú": (_BREVE + _HOOK, "a"),
    "ü": (_BREVE + _TILDE, "a"), "ë": (_BREVE + _DOT, "a"),
}  # fmt: skip
# Letters VNI writes as one character.
_VNI_LETTERS = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}  # fmt: skip
_VNI_MARK_OF = {
    unicodedata.normalize("NFC", base + marks): mark
    for mark, (marks, bases) in _VNI_MARKS.items()
    for base in bases
}
_VNI_LETTER_OF = {letter: code for code, letter in _VNI_LETTERS.items()}


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text (read as Windows-1252 characters) in Unicode NFC."""
    out: list[str] = []
    for char in text:
        lower = char.lower()
        previous = out[-1] if out else ""
        if lower in _VNI_MARKS and previous.lower() in _VNI_MARKS[lower][1]:
            out[-1] = unicodedata.normalize("NFC", previous + _VNI_MARKS[lower][0])
        elif lower in _VNI_LETTERS:
            letter = _VNI_LETTERS[lower]
            out.append(letter if char == lower else letter.upper())
        else:
            out.append(char)
    return "".join(out)


def unicode_to_vni(text: str) -> str:
    """The inverse, as a VNI-Times file stores it (capitals take capital marks)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        upper = char != lower
        if lower in _VNI_LETTER_OF:
            code = _VNI_LETTER_OF[lower]
            out.append(code.upper() if upper else code)
        elif lower in _VNI_MARK_OF:
            mark = _VNI_MARK_OF[lower]
            base = unicodedata.normalize("NFD", lower)[0]
            if unicodedata.normalize("NFD", lower)[1:2] == _HORN:
                base = _VNI_LETTER_OF[unicodedata.normalize("NFC", base + _HORN)]
            out.append(base.upper() + mark.upper() if upper else base + mark)
        else:
            out.append(char)
    return "".join(out)


# -- Telling Vietnamese from garbage ------------------------------------------------------

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_SYLLABLE = re.compile(rf"(?:{_ONSETS})?[aăâeêioôơuưy]{{1,3}}(?:ch|ng|nh|[cmnpt])?")
_TOKEN_EDGES = ".,;:!?()[]{}\"'“”‘’«»…*"
_TOKEN_SPLIT = re.compile(r"[\s\-‐–—/]+")
# Fewer different marked words than this, and a text is too short to judge.
MIN_MARKED_WORDS = 8
# Share of marked words that must be Vietnamese syllables for a text to read as Vietnamese.
READABLE_SHARE = 0.8


def is_syllable(word: str) -> bool:
    """True for one written Vietnamese syllable ("nghiêng", "Đảng"), with at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(decomposed.count(tone) for tone in _TONES)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return tones <= 1 and _SYLLABLE.fullmatch(bare) is not None


def marked_words(text: str) -> list[str]:
    """The words of a text that hold a character beyond ASCII (the ones an encoding breaks)."""
    words = (word.strip(_TOKEN_EDGES) for word in _TOKEN_SPLIT.split(text))
    return [word for word in words if word and not word.isascii()]


def vietnamese_share(text: str) -> tuple[float, int]:
    """The share of marked words that are Vietnamese syllables, and how many different marked
    words there are (a thousand "x¹" are one word, too few to judge by)."""
    words = marked_words(text)
    if not words:
        return 1.0, 0
    good = sum(1 for word in words if word.isalpha() and is_syllable(word))
    return good / len(words), len(set(words))


# -- Finding and converting ------------------------------------------------------------

TCVN3, VNI, CP1258 = "TCVN3", "VNI", "Windows-1258"
_CONVERTERS: dict[str, Callable[[str], str]] = {TCVN3: tcvn3_to_unicode, VNI: vni_to_unicode}


def font_encoding(font: str | None) -> tuple[str | None, bool]:
    """The legacy encoding a font name stands for, and whether it prints only capitals.

    ".VnTime", ".VnArial" (TCVN3; ".VnTimeH", ".VnArialH" capitals); "VNI-Times" (VNI).
    """
    name = (font or "").strip()
    if name.lower().startswith(".vn"):
        return TCVN3, name.endswith("H")
    if name.lower().startswith("vni-") or name.lower().startswith("vni "):
        return VNI, False
    return None, False


def guess_encoding(text: str) -> str | None:
    """TCVN3 or VNI when converting the text makes it Vietnamese and it is not as it is."""
    share, count = vietnamese_share(text)
    if count < MIN_MARKED_WORDS or share >= READABLE_SHARE:
        return None
    best, best_share = None, share
    for name, convert in _CONVERTERS.items():
        converted_share, converted_count = vietnamese_share(convert(text))
        if converted_count and converted_share >= READABLE_SHARE and converted_share > best_share:
            best, best_share = name, converted_share
    return best


def converted_note(encoding: str, how: str) -> str:
    """The report line saying the text was converted."""
    return f"Đã chuyển từ mã {encoding} sang Unicode ({how})."


def garbled_note(text: str) -> str | None:
    """A report line when the text still does not read as Vietnamese, else None."""
    share, count = vietnamese_share(text)
    if count < MIN_MARKED_WORDS or share >= READABLE_SHARE:
        return None
    return (
        f"Văn bản có thể bị lỗi mã chữ: chỉ {round(share * 100)}% số từ có dấu đọc được là "
        "tiếng Việt. Hãy đối chiếu với bản gốc; nếu tệp dùng bảng mã cũ (TCVN3, VNI, VISCII…), "
        "hãy chuyển sang Unicode (ví dụ bằng Unikey) rồi nhập lại."
    )


def text_to_unicode(text: str) -> tuple[str, list[str]]:
    """A text in Unicode NFC, converted from TCVN3 or VNI when its characters say so; with the
    report lines (converted, or still garbled)."""
    notes = []
    encoding = guess_encoding(text)
    if encoding:
        text = _CONVERTERS[encoding](text)
        notes.append(converted_note(encoding, "nhận ra qua các ký tự trong văn bản"))
    text = unicodedata.normalize("NFC", text)
    garbled = garbled_note(text)
    return text, notes + ([garbled] if garbled else [])


def decode_legacy_bytes(data: bytes) -> tuple[str, str] | None:
    """A text file that is not UTF-8, read as TCVN3, VNI or Windows-1258 when one of them makes
    it Vietnamese; with the encoding's name. None when none does."""
    try:
        as_ansi = data.decode("cp1252")
    except UnicodeDecodeError:
        as_ansi = data.decode("latin-1")
    candidates = {name: convert(as_ansi) for name, convert in _CONVERTERS.items()}
    with contextlib.suppress(UnicodeDecodeError):
        candidates[CP1258] = unicodedata.normalize("NFC", data.decode("cp1258"))
    best, best_share = None, 0.0
    for name, text in candidates.items():
        share, count = vietnamese_share(text)
        if count and share >= READABLE_SHARE and share > best_share:
            best, best_share = name, share
    return (candidates[best], best) if best else None


# -- Word files ---------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# The parts whose text mammoth reads.
_TEXT_PART = re.compile(r"word/(?:document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
_FONT_ATTRS = ("hAnsi", "ascii", "cs", "eastAsia")
_MAX_PARTS_BYTES = 64 * 1024 * 1024


@dataclass
class _Styles:
    """The fonts styles.xml gives: per style id (with its parent), and the document default."""

    fonts: dict[str, str | None] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    default_font: str | None = None
    default_paragraph: str | None = None

    def font(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self.fonts.get(style_id):
                return self.fonts[style_id]
            style_id = self.parents.get(style_id)
        return None


def _rfonts(rpr) -> str | None:
    """The font a run's properties name (the high-ANSI one first: the legacy bytes are there)."""
    if rpr is None:
        return None
    fonts = rpr.find(f"{_W}rFonts")
    if fonts is None:
        return None
    for name in _FONT_ATTRS:
        value = fonts.get(f"{_W}{name}")
        if value:
            return value
    return None


def _read_styles(archive: zipfile.ZipFile) -> _Styles:
    styles = _Styles()
    try:
        root = etree.fromstring(archive.read("word/styles.xml"), _PARSER)
    except Exception:  # noqa: BLE001 - no styles, or damaged ones: runs' own fonts still count
        return styles
    default = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
    styles.default_font = _rfonts(default)
    for style in root.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId")
        if not style_id:
            continue
        styles.fonts[style_id] = _rfonts(style.find(f"{_W}rPr"))
        based = style.find(f"{_W}basedOn")
        if based is not None and based.get(f"{_W}val"):
            styles.parents[style_id] = based.get(f"{_W}val")
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
            styles.default_paragraph = style_id
    return styles


def _run_font(run, styles: _Styles) -> str | None:
    """The font a run prints in: its own, its character style's, its paragraph style's, the
    default."""
    rpr = run.find(f"{_W}rPr")
    own = _rfonts(rpr)
    if own:
        return own
    if rpr is not None:
        char_style = rpr.find(f"{_W}rStyle")
        if char_style is not None and styles.font(char_style.get(f"{_W}val")):
            return styles.font(char_style.get(f"{_W}val"))
    paragraph = next((p for p in run.iterancestors(f"{_W}p")), None)
    style_id = styles.default_paragraph
    if paragraph is not None:
        pstyle = paragraph.find(f"{_W}pPr/{_W}pStyle")
        if pstyle is not None and pstyle.get(f"{_W}val"):
            style_id = pstyle.get(f"{_W}val")
    return styles.font(style_id) or styles.font(styles.default_paragraph) or styles.default_font


def _texts(root) -> Iterable:
    return (t for t in root.iter(f"{_W}t", f"{_W}delText") if t.text)


def _unmarked_texts(root, styles: _Styles) -> list:
    """The texts of the runs in no legacy font."""
    return [
        element
        for run in root.iter(f"{_W}r")
        if not font_encoding(_run_font(run, styles))[0]
        for element in _texts(run)
    ]


@dataclass
class _WordPass:
    """What converting a .docx's parts found: encodings per font, text left for the patterns."""

    fonts: dict[str, set[str]] = field(default_factory=dict)
    unmarked: list = field(default_factory=list)  # w:t elements in no legacy font

    def convert_runs(self, root, styles: _Styles) -> None:
        for run in root.iter(f"{_W}r"):
            font = _run_font(run, styles)
            encoding, capitals = font_encoding(font)
            if encoding == TCVN3:
                _hyphens_as_text(run)
            for element in _texts(run):
                if encoding:
                    element.text = _CONVERTERS[encoding](element.text)
                    if capitals:
                        element.text = element.text.upper()
                    self.fonts.setdefault(encoding, set()).add(font or "")
                else:
                    self.unmarked.append(element)


def _hyphens_as_text(run) -> None:
    """TCVN3's "ư" is byte 0xAD, the soft hyphen, which LibreOffice writes as a
    ``<w:softHyphen/>`` element: put the character back as text."""
    for hyphen in list(run.iter(f"{_W}softHyphen")):
        text = etree.Element(f"{_W}t")
        text.text = "\xad"
        hyphen.getparent().replace(hyphen, text)


def docx_to_unicode(data: bytes) -> tuple[bytes, list[str]]:
    """The .docx with its legacy-font runs converted and every text in NFC, and the report lines.

    Never raises: a file this pass cannot read is returned as it is, for the reader to judge.
    """
    try:
        return _docx_to_unicode(data)
    except Exception:  # noqa: BLE001 - the reader reports a damaged file
        return data, []


def _docx_to_unicode(data: bytes) -> tuple[bytes, list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = archive.infolist()
    parts = [entry for entry in entries if _TEXT_PART.fullmatch(entry.filename)]
    if sum(entry.file_size for entry in parts) > _MAX_PARTS_BYTES:
        return data, []
    styles = _read_styles(archive)
    found = _WordPass()
    roots = {}
    for entry in parts:
        content = archive.read(entry)
        if b"<!DOCTYPE" in content:
            return data, []  # the reader refuses it
        roots[entry.filename] = etree.fromstring(content, _PARSER)
        found.convert_runs(roots[entry.filename], styles)
    notes = [
        converted_note(encoding, "phông " + ", ".join(sorted(fonts)))
        for encoding, fonts in sorted(found.fonts.items())
    ]
    unmarked_text = "\n".join(element.text for element in found.unmarked)
    encoding = guess_encoding(unmarked_text)
    if encoding == TCVN3:
        for root in roots.values():
            for run in root.iter(f"{_W}r"):
                if not font_encoding(_run_font(run, styles))[0]:
                    _hyphens_as_text(run)
        found.unmarked = [t for root in roots.values() for t in _unmarked_texts(root, styles)]
    if encoding:
        for element in found.unmarked:
            element.text = _CONVERTERS[encoding](element.text)
        notes.append(converted_note(encoding, "nhận ra qua các ký tự trong văn bản"))
    for root in roots.values():
        for element in _texts(root):
            element.text = unicodedata.normalize("NFC", element.text)
    body = roots.get("word/document.xml")
    if body is not None:
        garbled = garbled_note("\n".join(element.text for element in _texts(body)))
        notes += [garbled] if garbled else []
    return _rezip(archive, entries, roots), notes


def _rezip(archive: zipfile.ZipFile, entries: list, roots: dict) -> bytes:
    """The archive with the parts in ``roots`` written anew, every other entry as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in entries:
            if entry.filename in roots:
                content = etree.tostring(
                    roots[entry.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                )
                target.writestr(entry.filename, content)
            else:
                target.writestr(entry, archive.read(entry))
    return out.getvalue()
