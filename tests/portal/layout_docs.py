"""Documents made to fall on page breaks: the closing after a long text, long tables."""

from datetime import date

from portal.rendering.data import IndicatorRow, PrintData

SENTENCE = (
    "Các chi bộ tổ chức quán triệt tới đảng viên, phát huy vai trò của Thường trực Quận ủy "
    "và sự lãnh đạo của Đảng trong triển khai nhiệm vụ. "
)
LAST_WORDS = "hết đoạn cuối"


def guidance(body_html: str, **fields) -> PrintData:
    values = {
        "kind": "guidance",
        "parent_line": "QUẬN ỦY ĐỒ SƠN",
        "issuer_name": "BAN TUYÊN GIÁO",
        "number": "1-HD/BTGQU",
        "place": "Đồ Sơn",
        "issued_on": date(2024, 1, 5),
        "type_name": "HƯỚNG DẪN",
        "title": "Tuyên truyền kỷ niệm ngày thành lập Đảng",
        "body_html": body_html,
        "recipients": ["Ban Tuyên giáo Thành ủy,", "Các chi bộ trực thuộc,", "Lưu."],
        "authority_line": "K/T TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Nguyễn Văn An",
    }
    return PrintData(**(values | fields))


def closing_after(words: int, paragraphs: int = 9) -> PrintData:
    """A text whose last paragraph has ``words`` more words: the closing lands near a break."""
    body = "".join(f"<p>{i}. {SENTENCE * 3}</p>" for i in range(paragraphs))
    return guidance(body + f"<p>Đoạn cuối {'chữ ' * words}{LAST_WORDS}.</p>")


def table_rows(count: int) -> PrintData:
    """A report whose appendix table has ``count`` rows."""
    rows = [
        IndicatorRow(str(i), f"Chỉ tiêu số {i}", "Tỷ đồng", "1.000", "250", "", "25,00")
        for i in range(1, count + 1)
    ]
    return guidance(
        "<p>Nội dung.</p>",
        kind="report",
        type_name="BÁO CÁO",
        title="Kết quả quý I năm 2023",
        number="12-BC/BTGQU",
        indicators=rows,
    )


SPANS_TABLE = (
    '<table><thead><tr><th rowspan="2">TT</th><th rowspan="2">Đơn vị</th>'
    '<th colspan="2">Số đảng viên</th></tr><tr><th>Đầu kỳ</th><th>Cuối kỳ</th></tr></thead>'
    '<tbody><tr><td rowspan="2">1</td><td>Chi bộ khu dân cư số 1</td><td>35</td><td>37</td></tr>'
    '<tr><td>Chi bộ khu dân cư số 2</td><td colspan="2">Sáp nhập vào chi bộ số 1</td></tr>'
    "<tr><td>2</td><td>Chi bộ khu dân cư số 3</td><td>40</td><td>41</td></tr></tbody></table>"
)


def spans() -> PrintData:
    """A body table with cells merged across rows and columns, as the importer keeps them."""
    return guidance(f"<p>Kết quả của các chi bộ:</p>{SPANS_TABLE}<p>Kết thúc.</p>")


def table_after(words: int) -> PrintData:
    """A body table of 8 rows after a last paragraph of ``words`` more words."""
    rows = "".join(f"<tr><td>{i}</td><td>Hàng số {i}</td></tr>" for i in range(1, 9))
    head = "<thead><tr><th>TT</th><th>Nội dung</th></tr></thead>"
    text = "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(7)) + f"<p>{'chữ ' * words}</p>"
    return guidance(f"{text}<table>{head}<tbody>{rows}</tbody></table>")
