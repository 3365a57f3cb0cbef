"""Starting a bulletin: its month, title and outline, carried over from the previous one."""

import re
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from bulletins.kind import NAME
from portal.models import Document, Organisation
from portal.services.documents import (
    Prefill,
    audience_of,
    body_outline,
    skeleton_html,
)

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_NUMBER_RE = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*)\.?\s+(?=\S)")
_PERIOD_IN_HEADING_RE = re.compile(r"(THÁNG\s+)\d{1,2}(\s*(?:/|-|NĂM)\s*)\d{4}", re.I)
_LOCAL_UNIT_RE = re.compile(
    r"^(?:(Quận|Huyện|Thị xã|Thành phố)\s+ủy|Đảng\s+ủy\s+(xã|phường|thị trấn|đặc khu))\s+(.+)$",
    re.I,
)


def bulletin_title(*, month: int, year: int) -> str:
    """The standard title line: 'THÔNG TIN SINH HOẠT CHI BỘ THÁNG 01 NĂM 2025'."""
    return f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {month:02d} NĂM {year}"


def bulletin_period(value: str, *, today: date) -> tuple[int, int]:
    """The month asked for as 'YYYY-MM'; this month when empty. Raises ValueError if bad."""
    if not value:
        return today.month, today.year
    match = _MONTH_RE.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(value)
    return int(match.group(2)), int(match.group(1))


def previous_bulletin(*, issuer: Organisation, month: int, year: int) -> Document | None:
    """The issuer's latest bulletin for a month before the given one, whatever its status."""
    earlier = Q(bulletin__period_year__lt=year) | Q(
        bulletin__period_year=year, bulletin__period_month__lt=month
    )
    return (
        Document.objects.filter(kind=NAME, issuer=issuer)
        .filter(earlier)
        .select_related("bulletin", "current_revision", "approved_revision")
        .order_by("-bulletin__period_year", "-bulletin__period_month", "-pk")
        .first()
    )


def _places(issuer: Organisation) -> tuple[str, str, str]:
    """City name, and the local unit word and name ('quận', 'Đồ Sơn') of a district issuer."""
    committee = audience_of(issuer)
    city = committee
    while city.parent is not None:
        city = city.parent
    city_name = city.place or city.name
    if committee.pk == city.pk:
        return city_name, "", ""
    match = _LOCAL_UNIT_RE.match(committee.name)
    if match:
        return city_name, (match.group(1) or match.group(2)).lower(), match.group(3)
    return city_name, "địa phương", committee.place or committee.name


def standard_outline(*, issuer: Organisation, month: int, year: int) -> list[tuple[int, str]]:
    """Sections I–III of a bulletin, with the three news sub-headings of section II."""
    city, unit, local = _places(issuer)
    news = [
        (3, "1. Thông tin tình hình trong nước"),
        (3, f"2. Thông tin tình hình thành phố {city}"),
    ]
    if unit:
        news.append((3, f"3. Thông tin tình hình trên địa bàn {unit} {local}"))
        section_two = f"II. THÔNG TIN TÌNH HÌNH THỜI SỰ TRONG NƯỚC, THÀNH PHỐ VÀ {unit.upper()}"
    else:
        section_two = "II. THÔNG TIN TÌNH HÌNH THỜI SỰ TRONG NƯỚC VÀ THÀNH PHỐ"
    return [
        (2, "I. HOẠT ĐỘNG ĐỐI NGOẠI VÀ TÌNH HÌNH THẾ GIỚI TRONG THỜI GIAN GẦN ĐÂY"),
        (2, section_two),
        *news,
        (2, f"III. ĐỊNH HƯỚNG NỘI DUNG TUYÊN TRUYỀN THÁNG {month:02d}/{year}"),
    ]


def outline_from(body_html: str, *, month: int, year: int) -> list[tuple[int, str]]:
    """The sections (h2) of a previous bulletin and the sub-headings (h3) of its section II.

    News items are left behind. Sub-headings are numbered by position, which also repairs
    a sub-heading typed without its number; a month in a section title moves to this month.
    """
    _, entries = body_outline(body_html)
    sections = [e for e in entries if e.level == 2 and e.text]
    if not sections:
        return []
    news_index = next((i for i, e in enumerate(sections) if e.text.startswith("II.")), 1)
    outline: list[tuple[int, str]] = []
    in_news, position = False, 0
    for entry in entries:
        if entry.level == 2 and entry.text:
            in_news = len(sections) > news_index and entry is sections[news_index]
            position = 0
            moved = _PERIOD_IN_HEADING_RE.sub(
                lambda m: f"{m.group(1)}{month:02d}{m.group(2)}{year}", entry.text
            )
            outline.append((2, moved))
        elif in_news and entry.level == 3 and entry.text:
            position += 1
            outline.append((3, f"{position}. {_NUMBER_RE.sub('', entry.text)}"))
    return outline


def bulletin_prefill(*, issuer: Organisation, month: str, today: date) -> Prefill:
    """Title, period and outline of a new bulletin for the month asked for ('2025-01')."""
    error = ""
    try:
        period_month, period_year = bulletin_period(month, today=today)
    except ValueError:
        error = _("Tháng không hợp lệ, hãy chọn theo dạng năm-tháng; đã lấy tháng này.")
        period_month, period_year = bulletin_period("", today=today)
    previous = previous_bulletin(issuer=issuer, month=period_month, year=period_year)
    outline: list[tuple[int, str]] = []
    note = _("Dàn ý chuẩn của bản tin.")
    if previous is not None:
        revision = previous.current_revision or previous.approved_revision
        outline = outline_from(revision.body_html if revision else "", month=period_month,
                               year=period_year)  # fmt: skip
        record = previous.bulletin
        if outline:
            note = _("Dàn ý lấy theo bản tin tháng %(month)02d/%(year)s của đơn vị.") % {
                "month": record.period_month,
                "year": record.period_year,
            }
    if not outline:
        outline = standard_outline(issuer=issuer, month=period_month, year=period_year)
    initial = {
        "issuer": issuer.pk,
        "title": bulletin_title(month=period_month, year=period_year),
        "period_month": period_month,
        "period_year": period_year,
        "body": skeleton_html(outline),
    }
    month_value = f"{period_year:04d}-{period_month:02d}"
    return Prefill(initial=initial, note=note, month=month_value, error=error)
