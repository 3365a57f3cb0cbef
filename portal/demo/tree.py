# ruff: noqa: E501 -- one organisation per line reads as a table
"""The demo's organisation tree and users: two cities, three districts, cells."""

from datetime import date
from pathlib import Path

from portal.models import Organisation

C, D, G, CELL = (
    Organisation.Kind.COMMITTEE,
    Organisation.Kind.DEPARTMENT,
    Organisation.Kind.GRASSROOTS,
    Organisation.Kind.CELL,
)

# code, parent code, kind, name, parent line, printed name, symbol, place
ORGANISATIONS = [
    ("hp", None, C, "Thành ủy Hải Phòng", "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", "THÀNH ỦY", "TU", "Hải Phòng"),
    ("hp-btg", "hp", D, "Ban Tuyên giáo Thành ủy Hải Phòng", "THÀNH ỦY HẢI PHÒNG", "BAN TUYÊN GIÁO", "BTGTU", "Hải Phòng"),
    ("doson", "hp", C, "Quận ủy Đồ Sơn", "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", "QUẬN ỦY ĐỒ SƠN", "QU", "Đồ Sơn"),
    ("doson-btg", "doson", D, "Ban Tuyên giáo Quận ủy Đồ Sơn", "QUẬN ỦY ĐỒ SƠN", "BAN TUYÊN GIÁO", "BTGQU", "Đồ Sơn"),
    ("doson-vanhuong", "doson", G, "Đảng bộ phường Vạn Hương", "", "", "", "Đồ Sơn"),
    ("doson-vanhuong-cb1", "doson-vanhuong", CELL, "Chi bộ tổ dân phố số 1 Vạn Hương", "", "", "", "Đồ Sơn"),
    ("doson-vanhuong-cb2", "doson-vanhuong", CELL, "Chi bộ tổ dân phố số 2 Vạn Hương", "", "", "", "Đồ Sơn"),
    ("ngoquyen", "hp", C, "Quận ủy Ngô Quyền", "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", "QUẬN ỦY NGÔ QUYỀN", "QU", "Ngô Quyền"),
    ("ngoquyen-btg", "ngoquyen", D, "Ban Tuyên giáo Quận ủy Ngô Quyền", "QUẬN ỦY NGÔ QUYỀN", "BAN TUYÊN GIÁO", "BTGQU", "Ngô Quyền"),
    ("ngoquyen-maytho", "ngoquyen", G, "Đảng bộ phường Máy Tơ", "", "", "", "Ngô Quyền"),
    ("ngoquyen-maytho-cb1", "ngoquyen-maytho", CELL, "Chi bộ tổ dân phố số 1 Máy Tơ", "", "", "", "Ngô Quyền"),
    ("ngoquyen-maytho-cb2", "ngoquyen-maytho", CELL, "Chi bộ tổ dân phố số 2 Máy Tơ", "", "", "", "Ngô Quyền"),
    ("hn", None, C, "Thành ủy Hà Nội", "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "THÀNH ỦY", "TU", "Hà Nội"),
    ("hn-btg", "hn", D, "Ban Tuyên giáo Thành ủy Hà Nội", "THÀNH ỦY HÀ NỘI", "BAN TUYÊN GIÁO", "BTGTU", "Hà Nội"),
    ("hbt", "hn", C, "Quận ủy Hai Bà Trưng", "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "QUẬN ỦY HAI BÀ TRƯNG", "QU", "Hà Nội"),
    ("hbt-btg", "hbt", D, "Ban Tuyên giáo Quận ủy Hai Bà Trưng", "QUẬN ỦY HAI BÀ TRƯNG", "BAN TUYÊN GIÁO", "BTGQU", "Hà Nội"),
]  # fmt: skip

# username, organisation code, role, the name the portal shows in hand-offs (invented)
USERS = [
    ("hp.approver", "hp", "approver", "Trần Quang Minh"),
    ("hp.editor", "hp-btg", "editor", "Phạm Thu Hà"),
    ("hp.head", "hp-btg", "head", "Vũ Đức Thắng"),
    ("hn.approver", "hn", "approver", "Lê Thị Hồng"),
    ("hn.editor", "hn-btg", "editor", "Đỗ Minh Tuấn"),
    ("doson.editor", "doson-btg", "editor", "Nguyễn Thị Lan"),
    ("doson.head", "doson-btg", "head", "Hoàng Văn Nam"),
    ("ngoquyen.editor", "ngoquyen-btg", "editor", "Bùi Thị Mai"),
    ("hbt.editor", "hbt-btg", "editor", "Ngô Thanh Sơn"),
    ("hbt.head", "hbt-btg", "head", "Đặng Thị Thu"),
    ("vanhuong.secretary", "doson-vanhuong-cb1", "reader", "Phan Văn Hải"),
    ("ngoquyen.secretary", "ngoquyen-maytho-cb1", "reader", "Trịnh Thị Yến"),
]

# seed file, kind, issuer code, username importing it, the day it was issued on paper (the
# seeds do not say; a day of the period each one covers, so that the demo reads true)
SEEDS = [
    ("bulletin-2024-02-doson.txt", "bulletin", "doson-btg", "doson.editor", date(2024, 2, 2)),
    ("bulletin-2024-12-doson.txt", "bulletin", "doson-btg", "doson.editor", date(2024, 12, 2)),
    ("guidance-2024-haibatrung.txt", "guidance", "hbt-btg", "hbt.editor", date(2024, 1, 5)),
    ("report-2023-q1-haiphong.txt", "report", "hp", "hp.editor", date(2023, 3, 24)),
]

DEMO_PASSWORD = "portal-demo"
# Demo accounts' mailboxes (username@this), for trying the password reset: a domain reserved
# for examples (RFC 2606), so no mail of the demo reaches a real person.
DEMO_EMAIL_DOMAIN = "example.org"
# The demo approvers' authenticator-app key (base32), demo-only like the password: approvers
# sign in in two steps. `manage.py demo_code USERNAME` prints the current code.
DEMO_TOTP_SECRET = "DEMOAPPROVERKEYONLYFORTRYING2345"

# The reorganisation of 1 July 2025 applied after the seeds (sources: docs/sources-2025.md).
REORGANISATION_PLAN = Path(__file__).resolve().parent / "reorganisation_2025.json"

# This month's bulletin of a new ward, drafted, reviewed and approved after the
# reorganisation: issuer code, editor, head, approver.
CURRENT_KIND = "bulletin"
CURRENT_BULLETINS = [
    ("phuong-doson-bxdd", "doson.editor", "doson.head", "hp.approver"),
    ("phuong-haibatrung-bxdd", "hbt.editor", "hbt.head", "hn.approver"),
]
# What the demo writes under the headings of the bulletin's standard outline, by their label.
CURRENT_BULLETIN_TEXT = {
    "I.": [
        "Các chi bộ theo dõi thông tin đối ngoại trong tháng trên báo chí của Đảng và trao đổi"
        " tại buổi sinh hoạt chi bộ."
    ],
    "1.": [
        "Chính quyền địa phương hai cấp hoạt động từ ngày 01/7/2025: cấp huyện kết thúc hoạt"
        " động; đảng ủy xã, phường, đặc khu trực thuộc tỉnh ủy, thành ủy."
    ],
    "2.": [
        "Ban Tuyên giáo và Dân vận Thành ủy hướng dẫn nội dung tuyên truyền hằng tháng tới"
        " các đảng ủy xã, phường."
    ],
    "3.": [
        "Các chi bộ tổ dân phố trước đây thuộc quận nay trực thuộc Đảng ủy phường; Ban Xây"
        " dựng Đảng của Đảng ủy phường biên soạn thông tin sinh hoạt chi bộ hằng tháng."
    ],
    "III.": [
        "1. Tuyên truyền việc thực hiện Nghị quyết Đại hội Đảng bộ phường lần thứ I, nhiệm kỳ"
        " 2025 - 2030.",
        "2. Tuyên truyền cải cách hành chính và chuyển đổi số ở phường.",
    ],
}
