"""What a print template needs, independent of the database models."""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class PrintData:
    """Everything printed on a document, already resolved to strings."""

    kind: str  # "bulletin" | "guidance" | "report"
    parent_line: str  # "QUẬN ỦY ĐỒ SƠN"
    issuer_name: str  # "BAN TUYÊN GIÁO"
    number: str  # "127-HD/BTGTU" or "" for an unnumbered draft
    place: str  # "Đồ Sơn"
    issued_on: date | None
    type_name: str  # "HƯỚNG DẪN" / "BÁO CÁO" / "BẢN TIN"
    title: str  # summary line (trích yếu) or bulletin masthead line
    body_html: str  # sanitised HTML (footnotes as <span class="footnote">…</span>)
    recipients: list[str] = field(default_factory=list)
    authority_line: str = ""  # "K/T TRƯỞNG BAN"
    signer_title: str = ""  # "PHÓ TRƯỞNG BAN"
    signer_name: str = ""
    is_draft: bool = False  # prints a "DỰ THẢO" mark
    subject: str = ""  # PDF subject; "" = built from the number and the title
    appendix_of: str = ""  # line under "PHỤ LỤC"; "" = "(Kèm theo Báo cáo số …)"
