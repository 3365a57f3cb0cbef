"""The standard outline and closing lines a new guidance or quarterly report starts with."""

from datetime import date

from django.utils.translation import gettext as _

from portal.models import Organisation
from portal.services.documents import Prefill, audience_of, skeleton_html

ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}

GUIDANCE_OUTLINE = [
    (2, "I. MỤC ĐÍCH, YÊU CẦU"),
    (2, "II. NỘI DUNG TUYÊN TRUYỀN"),
    (2, "III. TỔ CHỨC THỰC HIỆN"),
]
# The usual signature of a department's guidance: a deputy head signs for the head.
GUIDANCE_AUTHORITY_LINE = "K/T TRƯỞNG BAN"
GUIDANCE_SIGNER_TITLE = "PHÓ TRƯỞNG BAN"


def guidance_recipients(issuer: Organisation) -> str:
    """The usual 'Nơi nhận' of a department's guidance, one recipient a line (the printed
    forms put the dash before each): the city's propaganda department as it is named today,
    the committee's standing body, the units below, the file copy."""
    committee = audience_of(issuer)
    standing = f"Thường trực {committee.name.split(' ')[0]} ủy" if " ủy" in committee.name else ""
    lines = []
    if committee.parent is not None:
        city_department = (
            Organisation.objects.filter(
                parent_id=committee.ancestor_ids[0],
                kind=Organisation.Kind.DEPARTMENT,
                valid_to__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if city_department is not None:
            lines.append(f"{city_department.name} (để báo cáo),")
    if standing:
        lines.append(f"{standing} (để báo cáo),")
    lines += ["Các tổ chức cơ sở đảng trực thuộc (để thực hiện),", f"Lưu {issuer.symbol or 'BTG'}."]
    return "\n".join(lines)


def guidance_prefill(*, issuer: Organisation) -> Prefill:
    """Sections I–III, recipients and the 'K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN' signature."""
    initial = {
        "issuer": issuer.pk,
        "body": skeleton_html(GUIDANCE_OUTLINE),
        "recipients": guidance_recipients(issuer),
        "authority_line": GUIDANCE_AUTHORITY_LINE,
        "signer_title": GUIDANCE_SIGNER_TITLE,
    }
    return Prefill(initial=initial, note=_("Dàn ý chuẩn của hướng dẫn."))


def report_outline(*, quarter: int, year: int) -> list[tuple[int, str, str]]:
    """Results of the quarter, overall assessment, next quarter's tasks, and the appendix."""
    next_quarter, next_year = (quarter % 4) + 1, year + (quarter == 4)
    return [
        (2, f"I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ QUÝ {ROMAN_QUARTERS[quarter]} NĂM {year}", ""),
        (2, "II. ĐÁNH GIÁ CHUNG", ""),
        (
            2,
            f"III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM QUÝ {ROMAN_QUARTERS[next_quarter]}"
            f" NĂM {next_year}",
            "",
        ),
        (2, "PHỤ LỤC", "appendix"),
    ]


def report_title(*, quarter: int, year: int) -> str:
    """The summary line: 'Kết quả thực hiện nhiệm vụ quý I; nhiệm vụ, giải pháp … quý II năm …'."""
    next_quarter, next_year = (quarter % 4) + 1, year + (quarter == 4)
    this = f"quý {ROMAN_QUARTERS[quarter]}" + (f" năm {year}" if next_year != year else "")
    return (
        f"Kết quả thực hiện nhiệm vụ {this}; nhiệm vụ, giải pháp trọng tâm"
        f" quý {ROMAN_QUARTERS[next_quarter]} năm {next_year}"
    )


def report_prefill(*, issuer: Organisation, today: date) -> Prefill:
    """A report of the current quarter with its standard sections and appendix."""
    quarter, year = (today.month + 2) // 3, today.year
    initial = {
        "issuer": issuer.pk,
        "title": report_title(quarter=quarter, year=year),
        "quarter": quarter,
        "year": year,
        "body": skeleton_html(report_outline(quarter=quarter, year=year)),
    }
    return Prefill(initial=initial, note=_("Dàn ý chuẩn của báo cáo quý."))
