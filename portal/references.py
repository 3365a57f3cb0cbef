"""Recognise references to Party and State documents ("Chỉ thị số 35-CT/TW ngày 14/6/2024").

Pure Python, no Django. ``find_references`` never raises; spans index the text it was given,
even when that text is in decomposed Unicode (NFD, as Word on a Mac writes it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Longest first, so "Chương trình hành động" wins over "Chương trình".
TYPE_NAMES = (
    "Chương trình hành động",
    "Thông báo kết luận",
    "Chương trình",
    "Chỉ thị",
    "Nghị quyết",
    "Kết luận",
    "Quy định",
    "Quyết định",
    "Hướng dẫn",
    "Kế hoạch",
    "Thông tri",
    "Thông báo",
    "Công văn",
    "Công điện",
    "Nghị định",
    "Thông tư",
    "Luật",
    "Báo cáo",
    "Tờ trình",
    "Đề án",
    "Quy chế",
)
MAX_NUMBER_LENGTH = 50
_CANONICAL = {name.lower(): name for name in TYPE_NAMES}
_LETTER = "A-Za-zĐÐđ"
_SEGMENT = rf"(?:\d{{4}}|[{_LETTER}][{_LETTER}0-9]*)"
_TYPES = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in TYPE_NAMES)
_REFERENCE_RE = re.compile(
    rf"(?<!\w)(?P<type>{_TYPES})(?:\s+liên\s+tịch)?[ \t\xa0]+(?:số[ \t\xa0]*:?[ \t\xa0]*)?"
    rf"(?P<number>\d{{1,5}}(?:[-–/]{_SEGMENT})+)(?![\w/–-])",
    re.IGNORECASE,
)
_GAP = r"[ \t\xa0]*,?[ \t\xa0]*"
_DATE_RE = re.compile(
    _GAP + r"\(?[ \t\xa0]*(?:ngày[ \t\xa0]+)?(?:"
    r"(?P<d>\d{1,2})[ \t\xa0]*[/.-][ \t\xa0]*(?P<m>\d{1,2})[ \t\xa0]*[/.-][ \t\xa0]*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})[ \t\xa0]+tháng[ \t\xa0]+(?P<m2>\d{1,2})[ \t\xa0]+năm[ \t\xa0]+(?P<y2>\d{4})"
    r")(?!\d)(?:[ \t\xa0]*\))?",
    re.IGNORECASE,
)
_BODY_RE = re.compile(_GAP + r"của[ \t\xa0]+")
# Words that end an issuing body's name: "của Bộ Chính trị về …", "của Thành ủy năm 2022".
_BODY_STOP_WORDS = (
    "về", "năm", "khóa", "khoá", "ban_hành", "thực_hiện", "lãnh_đạo", "theo", "để", "và", "tại",
    "nhằm", "gắn", "trong", "với", "đã", "đến", "ngày", "số", "là", "được", "cho", "quy_định",
    "phê_duyệt", "hướng_dẫn", "triển_khai", "từ", "sau", "trước", "nay",
)  # fmt: skip
_BODY_STOP_RE = re.compile(
    r"[,;.:()\[\]“”\"\n⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]|[ \t\xa0](?:"
    + "|".join(word.replace("_", r"\s+") for word in _BODY_STOP_WORDS)
    + r")(?!\w)",
    re.IGNORECASE,
)
_BODY_MAX_CHARS = 100
_BODY_MAX_WORDS = 14
_BASED_ON_RE = re.compile(r"(?:căn\s+cứ|thực\s+hiện)[ \t\xa0]*(?:nội\s+dung[ \t\xa0]+)?$", re.I)


@dataclass(frozen=True)
class Reference:
    """One mention of a document: "Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị"."""

    type_name: str  # canonical type, "Chỉ thị"
    number: str  # as written, with "Ð" and dashes tidied: "35-CT/TW"
    key: str  # normalised number, the same for "07-NQ/TU" and "7-nq/tu"
    type_code: str  # "CT", "NQ", "" when the number has none ("88/2014/QH13")
    issuer_code: str  # "TW", "TU", "QU", "CP", "QH13", "BTGTU"
    issued_by: str  # "Bộ Chính trị", "Quốc hội", "" when not named
    issued_on: date | None
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def year(self) -> int | None:
        """The year it was issued: from its date, else from the number ("88/2014/QH13")."""
        if self.issued_on:
            return self.issued_on.year
        parts = self.key.split("/")
        if len(parts) >= 3 and parts[1].isdigit() and len(parts[1]) == 4:
            return int(parts[1])
        return None


def normalise_number(number: str) -> str:
    """The comparison key of a number: upper case, "Đ" for "Ð", "-" for "–", no leading zeros."""
    tidy = unicodedata.normalize("NFC", number).replace("Ð", "Đ").replace("–", "-").upper()
    match = re.match(r"0*(\d+)(.*)$", tidy, re.S)
    if not match:
        return tidy
    return match.group(1) + match.group(2)


def _codes(number: str) -> tuple[str, str]:
    """(type code, issuer code) of a Party ("35-CT/TW"), State or law-style number."""
    head, _, rest = number.partition("/")
    if "-" in head:  # Party style: 35-CT/TW, 127-HD/BTGTU
        return head.split("-", 1)[1], rest
    parts = rest.split("/")
    if len(parts) >= 2 and parts[0].isdigit():  # law style: 88/2014/QH13, 15/2020/NĐ-CP
        rest = "/".join(parts[1:])
    if "-" in rest:  # State style: 117/NQ-CP, 1300/CĐ-TTg
        code, issuer = rest.split("-", 1)
        return code, issuer
    return "", rest


# Issuer codes of local bodies: a city's or province's (Thành ủy, Tỉnh ủy: "TU", "BTGTU"),
# a district's (Quận ủy "QU", Huyện ủy "HU", Thị ủy "TXU"), a grassroots Đảng ủy ("ĐU"),
# people's committees and councils ("UBND", "HĐND"). Their numbers repeat from one city or
# district to the next; national ones ("TW", "CP", "QH15", "TTg") do not.
_DISTRICT_CODE_RE = re.compile(r"(?:QU|HU|TXU|ĐU|DU)$")
_CITY_CODE_RE = re.compile(r"TU$|UBND|HĐND")


def scope_level(issuer_code: str) -> str | None:
    """ "district" or "city" for a local issuer code, None for a national one."""
    code = unicodedata.normalize("NFC", issuer_code).upper().replace("Ð", "Đ")
    if _DISTRICT_CODE_RE.search(code):
        return "district"
    if _CITY_CODE_RE.search(code):
        return "city"
    return None


def scope_id(issuer_code: str, ancestor_ids: list[int]) -> int | None:
    """The organisation a local number belongs to, seen from a citing document's issuer
    (its ancestors, city first): its district for a district code, its city for a city
    code; None for a national number."""
    level = scope_level(issuer_code)
    if level is None or not ancestor_ids:
        return None
    return ancestor_ids[1] if level == "district" and len(ancestor_ids) > 1 else ancestor_ids[0]


def _valid_number(number: str) -> bool:
    """Numbers need a letter part after the digits: "35-CT/TW" yes, "12/2023" no."""
    tail = re.sub(r"^\d+", "", number)
    return bool(re.search(f"[{_LETTER}]", tail))


def _date(match: re.Match) -> date | None:
    day = match.group("d") or match.group("d2")
    month = match.group("m") or match.group("m2")
    year = match.group("y") or match.group("y2")
    try:
        return date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def _body(text: str, start: int) -> tuple[str, int]:
    """The issuing body named from ``start`` on, and where it ends."""
    window = text[start : start + _BODY_MAX_CHARS]
    if not window[:1].isupper():  # a name: "của Bộ Chính trị", not "của cán bộ"
        return "", start
    stop = _BODY_STOP_RE.search(window)
    if not stop and len(window) == _BODY_MAX_CHARS:
        return "", start
    words = list(re.finditer(r"\S+", window[: stop.start()] if stop else window))
    words = words[:_BODY_MAX_WORDS]
    if not words:
        return "", start
    return " ".join(word.group() for word in words), start + words[-1].end()


def _tail(text: str, end: int) -> tuple[date | None, str, int]:
    """Date and issuing body after the number, in either order."""
    issued_on, issued_by = None, ""
    for _ in range(2):
        date_match = None if issued_on else _DATE_RE.match(text, end)
        if date_match and (found := _date(date_match)):
            issued_on, end = found, date_match.end()
            continue
        body_match = None if issued_by else _BODY_RE.match(text, end)
        if body_match:
            issued_by, body_end = _body(text, body_match.end())
            if issued_by:
                end = body_end
                continue
        break
    return issued_on, issued_by, end


def _nfc_with_offsets(text: str) -> tuple[str, list[int]]:
    """The NFC text and, for each of its positions (and its end), the offset in ``text``."""
    normalised: list[str] = []
    offsets: list[int] = []
    cluster_start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and unicodedata.combining(text[index]):
            continue
        composed = unicodedata.normalize("NFC", text[cluster_start:index])
        normalised.append(composed)
        offsets.extend([cluster_start] * len(composed))
        cluster_start = index
    offsets.append(len(text))
    return "".join(normalised), offsets


def find_references(text: str) -> list[Reference]:
    """Every reference to a numbered document in the text, in order of appearance."""
    if not isinstance(text, str) or not text:
        return []
    offsets = None
    if not unicodedata.is_normalized("NFC", text):
        text, offsets = _nfc_with_offsets(text)
    references = []
    for match in _REFERENCE_RE.finditer(text):
        number = match.group("number").replace("–", "-").replace("Ð", "Đ")
        if len(number) > MAX_NUMBER_LENGTH or not _valid_number(number):
            continue
        issued_on, issued_by, end = _tail(text, match.end())
        type_code, issuer_code = _codes(number)
        start = match.start()
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        type_name = re.sub(r"\s+", " ", match.group("type")).lower()
        references.append(
            Reference(
                type_name=_CANONICAL.get(type_name, " ".join(match.group("type").split())),
                number=number,
                key=normalise_number(number),
                type_code=type_code,
                issuer_code=issuer_code,
                issued_by=issued_by,
                issued_on=issued_on,
                start=start,
                end=end,
            )
        )
    return references


def years_in_context(references: list[Reference]) -> list[int | None]:
    """The year of each reference, an undated one taking that of a dated mention nearby.

    Party numbers restart every term (23-CT/TW of 2018 and of 2023 are different documents),
    so a later "Chỉ thị số 23-CT/TW" means the one dated earlier in the same text.
    """
    years = [reference.year for reference in references]
    last_seen: dict[str, int] = {}
    for index, reference in enumerate(references):
        if years[index] is not None:
            last_seen[reference.key] = years[index]
        elif reference.key in last_seen:
            years[index] = last_seen[reference.key]
    first_seen: dict[str, int] = {}
    for index in range(len(references) - 1, -1, -1):
        key = references[index].key
        if years[index] is not None:
            first_seen[key] = years[index]
        elif key in first_seen:
            years[index] = first_seen[key]
    return years


def is_based_on(text: str, reference: Reference) -> bool:
    """Whether the text says it is issued on the basis of this guidance ("căn cứ Hướng dẫn…")."""
    if reference.type_name != "Hướng dẫn":
        return False
    before = unicodedata.normalize("NFC", text[max(0, reference.start - 40) : reference.start])
    return bool(_BASED_ON_RE.search(before))
