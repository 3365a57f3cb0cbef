"""PDF output checked from the outside with poppler-utils (pdfinfo, pdffonts, pdftotext)."""

import re
import shutil
import socket
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from portal.rendering import pdf as pdfmod
from portal.rendering.data import PrintData
from portal.rendering.pdf import (
    number_line,
    render_html,
    render_pdf,
    safe_url_fetcher,
    vietnamese_date_line,
)

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdfinfo", "pdffonts", "pdftotext")),
    reason="poppler-utils not installed",
)

STATIC_ROOT = Path(settings.BASE_DIR) / "portal" / "static"
TITLE = "Tuyên truyền kết quả phát triển kinh tế - xã hội năm 2023, nhiệm vụ, giải pháp năm 2024"
FOOTNOTE_TEXT = "Hướng dẫn số 127-HD/BTGTU ngày 29/12/2023 của Ban Tuyên giáo Thành ủy"
CALL_SENTENCE = "Căn cứ hướng dẫn của cấp trên"
FILLER = (
    "Các chi bộ tổ chức quán triệt tới đảng viên, phát huy vai trò của Thường trực Quận ủy "
    "và sự lãnh đạo của Đảng trong triển khai nhiệm vụ phát triển kinh tế - xã hội, bảo đảm "
    "quốc phòng, an ninh; đồng thời chủ động đấu tranh phản bác các quan điểm sai trái. "
)
HOSTILE_URLS = [
    "http://169.254.169.254/latest/meta-data",
    "file:///etc/passwd",
    "http://127.0.0.1:9/x.png",
    "/media/../../etc/passwd",
]


def paragraphs(n, start=0):
    return "".join(f"<p>{i}. {FILLER * 2}</p>" for i in range(start, start + n))


def guidance_body(extra=""):
    rows = "".join(
        f'<tr><td>{i}</td><td>Chi bộ khu dân cư số {i}</td><td class="num">{i * 37}</td></tr>'
        for i in range(1, 13)
    )
    return (
        "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2>"
        "<h3>1. Khẳng định sự đúng đắn trong chủ trương của Đảng</h3>"
        + paragraphs(6)
        + f'<p>{CALL_SENTENCE}<span class="footnote">{FOOTNOTE_TEXT}.</span> và tình hình '
        "thực tế, Ban Tuyên giáo hướng dẫn như sau.</p>"
        + "<h2>II. NỘI DUNG TUYÊN TRUYỀN</h2>"
        + paragraphs(4, 10)
        + '<table><thead><tr><th>TT</th><th>Đơn vị</th><th class="num">Số đảng viên</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
        + "<h4>1.1. Kết quả nổi bật</h4>"
        + paragraphs(8, 20)
        + extra
    )


def make_guidance(**overrides):
    fields = {
        "kind": "guidance",
        "parent_line": "QUẬN ỦY HAI BÀ TRƯNG",
        "issuer_name": "BAN TUYÊN GIÁO",
        "number": "127-HD/BTGTU",
        "place": "Hà Nội",
        "issued_on": date(2024, 1, 5),
        "type_name": "HƯỚNG DẪN",
        "title": TITLE,
        "body_html": guidance_body(),
        "recipients": ["Ban Tuyên giáo Thành ủy,", "Thường trực Quận ủy,", "Lưu VT."],
        "authority_line": "K/T TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "Nguyễn Văn A",
    }
    fields.update(overrides)
    return PrintData(**fields)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_count(path):
    for line in run("pdfinfo", str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("no page count")


def page_text(path, page, layout=False):
    args = ["pdftotext", "-f", str(page), "-l", str(page)]
    if layout:
        args.append("-layout")
    return run(*args, str(path), "-")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def guidance_pdf(tmp_path_factory):
    return write(tmp_path_factory.mktemp("pdf"), "guidance.pdf", render_pdf(make_guidance()))


# --- metadata, page size, fonts -----------------------------------------------------


def test_page_size_metadata_and_length(guidance_pdf):
    info = run("pdfinfo", str(guidance_pdf))
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert f"Title:           {TITLE}" in info
    assert "Author:          BAN TUYÊN GIÁO QUẬN ỦY HAI BÀ TRƯNG" in info
    assert page_count(guidance_pdf) >= 3


def test_only_tinos_fonts_all_embedded_and_subset(guidance_pdf):
    lines = run("pdffonts", str(guidance_pdf)).splitlines()[2:]
    assert len(lines) >= 3  # regular, bold, italic at least
    for line in lines:
        name, *_rest = line.split()
        base = name.split("+", 1)[1] if "+" in name else name
        assert base.startswith("Tinos"), line
        assert "+" in name, f"not subset: {line}"
        # columns: ... emb sub uni object ID
        emb, sub, _uni = line.split()[-5:-2]
        assert (emb, sub) == ("yes", "yes"), line


def test_fonts_come_from_project_static(monkeypatch):
    opened = []
    real_read = pdfmod._read_file

    def spy(path):
        opened.append(path)
        return real_read(path)

    monkeypatch.setattr(pdfmod, "_read_file", spy)
    render_pdf(make_guidance(body_html="<p>Đảng</p>"))
    fonts_dir = STATIC_ROOT / "fonts"
    names = {p.name for p in opened if p.parent == fonts_dir}
    assert {"Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf"} <= names
    assert (STATIC_ROOT / "print" / "document.css") in opened


# --- page 1 header, text ------------------------------------------------------------


def test_header_on_page_one_in_order(guidance_pdf):
    text = page_text(guidance_pdf, 1)
    expected = [
        "QUẬN ỦY HAI BÀ TRƯNG",
        "BAN TUYÊN GIÁO",
        "Số 127-HD/BTGTU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hà Nội, ngày 05 tháng 01 năm 2024",
        "HƯỚNG DẪN",
        "Tuyên truyền kết quả phát triển kinh tế",
    ]
    positions = [text.find(s) for s in expected]
    assert all(p >= 0 for p in positions), list(zip(expected, positions, strict=True))
    assert positions == sorted(positions)
    assert "Số:" not in text


def test_header_columns_line_up(guidance_pdf):
    lines = page_text(guidance_pdf, 1, layout=True).splitlines()
    assert any("QUẬN ỦY HAI BÀ TRƯNG" in ln and "ĐẢNG CỘNG SẢN VIỆT NAM" in ln for ln in lines)
    assert any("Số 127-HD/BTGTU" in ln and "ngày 05 tháng 01 năm 2024" in ln for ln in lines)


def test_vietnamese_text_intact(guidance_pdf):
    text = run("pdftotext", str(guidance_pdf), "-")
    for s in ("Thường trực Quận ủy", "Đảng", "quán triệt tới đảng viên", "Nguyễn Văn A", TITLE):
        assert s in text.replace("\n", " "), s


def test_page_numbers_from_page_two(guidance_pdf):
    assert not page_text(guidance_pdf, 1, layout=True).strip().startswith("1")
    assert page_text(guidance_pdf, 2, layout=True).strip().startswith("2")
    n = page_count(guidance_pdf)
    assert page_text(guidance_pdf, n, layout=True).strip().startswith(str(n))


def test_footnote_on_same_page_as_its_call(guidance_pdf):
    pages = [page_text(guidance_pdf, i) for i in range(1, page_count(guidance_pdf) + 1)]
    call_pages = [i for i, t in enumerate(pages) if CALL_SENTENCE in t]
    note_pages = [i for i, t in enumerate(pages) if FOOTNOTE_TEXT in t.replace("\n", " ")]
    assert call_pages and call_pages == note_pages
    page = pages[call_pages[0]]
    assert page.index(FOOTNOTE_TEXT[:25]) > page.index(CALL_SENTENCE)  # at the foot


def test_table_header_and_numbers(guidance_pdf):
    text = run("pdftotext", "-layout", str(guidance_pdf), "-")
    assert "Số đảng viên" in text
    assert "Chi bộ khu dân cư số 12" in text


def test_closing_on_last_page(guidance_pdf):
    last = page_text(guidance_pdf, page_count(guidance_pdf))
    for s in (
        "Nơi nhận:",
        "- Ban Tuyên giáo Thành ủy,",
        "- Lưu VT.",
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn A",
    ):
        assert s in last, s


def test_the_closing_block_is_never_split_across_pages(tmp_path):
    recipients = [f"Đơn vị nhận số {i}," for i in range(1, 9)] + ["Lưu VT."]
    moved_whole = False
    for lines in range(16, 40, 2):  # the closing walks down page 1 and over onto page 2
        body = "".join(f"<p>Dòng nội dung số {i}.</p>" for i in range(lines))
        data = make_guidance(body_html=body, recipients=recipients)
        path = write(tmp_path, f"closing-{lines}.pdf", render_pdf(data))
        pages = [page_text(path, n) for n in range(1, page_count(path) + 1)]

        def page_of(text, pages=pages):
            return next(n for n, page in enumerate(pages, start=1) if text in page)

        closing = page_of("Nơi nhận:")
        for part in ("- Lưu VT.", "K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A"):
            assert page_of(part) == closing, (lines, part)
        # Never alone on its page: the last line of the text comes with it.
        assert page_of(f"Dòng nội dung số {lines - 1}.") == closing, lines
        moved_whole |= closing > 1
    assert moved_whole  # at least one length pushed the whole block onto the next page


# --- bulletin, draft, escaping ------------------------------------------------------


def test_bulletin_masthead(tmp_path):
    data = make_guidance(
        kind="bulletin",
        masthead=True,
        number="02-BT/BTGQU",
        type_name="BẢN TIN",
        title="THÔNG TIN SINH HOẠT CHI BỘ THÁNG 02 NĂM 2024",
        body_html=paragraphs(3),
    )
    path = write(tmp_path, "bulletin.pdf", render_pdf(data))
    text = page_text(path, 1)
    assert "BẢN TIN" in text
    assert "THÔNG TIN SINH HOẠT CHI BỘ THÁNG 02 NĂM 2024" in text
    assert text.index("ĐẢNG CỘNG SẢN VIỆT NAM") < text.index("BẢN TIN")


def test_draft_mark_and_blank_number(tmp_path):
    data = make_guidance(is_draft=True, number="", body_html=paragraphs(2))
    path = write(tmp_path, "draft.pdf", render_pdf(data))
    text = page_text(path, 1, layout=True)
    assert "DỰ THẢO" in text
    assert "Số" in text and "127-HD" not in text


def test_fields_are_escaped_but_body_is_not():
    html = render_html(
        make_guidance(title="<b>Tiêu đề</b> & ý kiến", body_html="<p><em>đã lọc</em></p>")
    )
    assert "&lt;b&gt;Tiêu đề&lt;/b&gt; &amp; ý kiến" in html
    assert "<p><em>đã lọc</em></p>" in html
    assert '<html lang="vi">' in html and '<meta charset="utf-8">' in html


# --- URL fetcher --------------------------------------------------------------------


@pytest.fixture
def media_root(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def test_hostile_images_are_left_out(tmp_path, monkeypatch, media_root):
    opened = []
    real_read = pdfmod._read_file

    def spy(path):
        opened.append(path)
        return real_read(path)

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(pdfmod, "_read_file", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    imgs = "".join(f'<p><img src="{url}" alt="x"></p>' for url in HOSTILE_URLS)
    data = make_guidance(body_html=paragraphs(2) + imgs + "<p>Cuối văn bản Đảng.</p>")
    path = write(tmp_path, "hostile.pdf", render_pdf(data))
    assert path.read_bytes().startswith(b"%PDF-")
    assert "Cuối văn bản Đảng." in run("pdftotext", str(path), "-")
    assert opened  # the stylesheet and fonts were read
    static = STATIC_ROOT.resolve()
    for p in opened:
        assert p.is_relative_to(static) or p.is_relative_to(media_root.resolve()), p
        assert "passwd" not in str(p)


@pytest.mark.parametrize(
    "url",
    HOSTILE_URLS
    + [
        "https://example.com/logo.png",
        "http://localhost/static/fonts/Tinos-Regular.ttf",
        "file://portal.invalid/media/../../etc/passwd",
        "file://portal.invalid/static/%2e%2e/%2e%2e/settings.py",
        "file://portal.invalid/etc/passwd",
        "file://otherhost/etc/passwd",
        "/static/../settings.py",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://127.0.0.1/x.png",
        "/etc/passwd",
        "",
    ],
)
def test_safe_url_fetcher_refuses(url, media_root):
    with pytest.raises(Exception):  # noqa: B017 - any exception means "refused"
        safe_url_fetcher(url)


def test_safe_url_fetcher_refuses_symlink_out_of_media(media_root):
    (media_root / "evil.png").symlink_to("/etc/passwd")
    (media_root / "up").symlink_to("/etc")
    for url in ("/media/evil.png", "/media/up/passwd", (media_root / "evil.png").as_uri()):
        with pytest.raises(Exception):  # noqa: B017
            safe_url_fetcher(url)


def test_safe_url_fetcher_serves_static_font():
    font = STATIC_ROOT / "fonts" / "Tinos-Regular.ttf"
    for url in (
        "/static/fonts/Tinos-Regular.ttf",
        "file://portal.invalid/static/fonts/Tinos-Regular.ttf",
        font.as_uri(),
    ):
        response = safe_url_fetcher(url)
        try:
            assert response.read(4) == b"\x00\x01\x00\x00"  # TrueType magic
            assert response.url == font.resolve().as_uri()
        finally:
            response.close()


def test_media_image_is_embedded(tmp_path, media_root):
    from PIL import Image

    Image.new("RGB", (40, 20), "red").save(media_root / "anh.png")
    data = make_guidance(body_html='<p>Ảnh:</p><p><img src="/media/anh.png" alt=""></p>')
    path = write(tmp_path, "img.pdf", render_pdf(data))
    listing = run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(listing) == 1


# --- helpers ------------------------------------------------------------------------


def test_vietnamese_date_line_pads_day_and_month():
    assert vietnamese_date_line("Đồ Sơn", date(2024, 2, 5)) == "Đồ Sơn, ngày 05 tháng 02 năm 2024"
    assert vietnamese_date_line("Hà Nội", date(2024, 12, 25)) == (
        "Hà Nội, ngày 25 tháng 12 năm 2024"
    )
    blank = vietnamese_date_line("Hà Nội", None)
    assert blank.startswith("Hà Nội, ngày") and "tháng" in blank and "năm" in blank


def test_number_line():
    assert number_line("127-HD/BTGTU") == "Số 127-HD/BTGTU"
    blank = number_line("")
    assert blank.startswith("Số") and blank.endswith("-") and len(blank) > 5


@pytest.mark.parametrize("lead", [5, 7, 9])
def test_footnotes_not_pushed_to_next_page_for_orphans(tmp_path, lead):
    """Regression: in a plain block flow WeasyPrint 70 moved these notes one page on."""
    from weasyprint import HTML

    para = "<p>" + "Đảng bộ phường và các chi bộ thực hiện tốt nhiệm vụ chính trị. " * 6 + "</p>"
    body = "".join(("<h3>1. Tiêu đề mục</h3>" if j % 5 == 0 else "") + para for j in range(lead))
    for m in range(3):
        body += f'<p>CALL{m}X văn bản<span class="footnote">NOTE{m}Y ghi chú.</span> tiếp.</p>'
        body += para * (m + lead % 3)
    html = (
        '<html lang="vi"><head><link rel="stylesheet" href="/static/print/document.css">'
        f'</head><body><div class="body">{body}</div></body></html>'
    )
    out = HTML(string=html, base_url=pdfmod.BASE_URL, url_fetcher=safe_url_fetcher).write_pdf()
    pages = run("pdftotext", str(write(tmp_path, "fn.pdf", out)), "-").split("\f")
    for m in range(3):
        calls = [i for i, t in enumerate(pages) if f"CALL{m}X" in t]
        notes = [i for i, t in enumerate(pages) if f"NOTE{m}Y" in t]
        assert calls == notes, (m, calls, notes)


# --- appendix, contents, metadata ---------------------------------------------------

APPENDIX_HEAD = [
    "TT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Kế hoạch",
    "Ước TH",
    "So cùng kỳ (%)",
    "So KH (%)",
]


def appendix_body(rows=60, columns=7):
    head = "".join(f"<th>{h}</th>" for h in APPENDIX_HEAD[:columns])
    body = "".join(
        f"<tr><td>{i}</td><td>Chỉ tiêu số {i}</td>"
        + "".join(f'<td class="num">{i}.442,134</td>' for _ in range(columns - 2))
        + "</tr>"
        for i in range(1, rows + 1)
    )
    return (
        guidance_body()
        + '<h2 class="appendix" id="h-99">PHỤ LỤC</h2>'
        + '<p class="appendix-title">Một số chỉ tiêu kinh tế - xã hội</p>'
        + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def page_sizes(path):
    info = run("pdfinfo", "-f", "1", "-l", "999", str(path))
    return [line.split(":", 1)[1].split("pts")[0].strip() for line in info.splitlines()
            if line.startswith("Page") and " size:" in line]  # fmt: skip


def test_wide_appendix_after_closing_on_landscape_pages_with_repeated_header(tmp_path):
    data = make_guidance(kind="report", kind_label="Báo cáo", type_name="BÁO CÁO",
                         number="452-BC/TU", body_html=appendix_body())  # fmt: skip
    path = write(tmp_path, "appendix.pdf", render_pdf(data))
    sizes = page_sizes(path)
    landscape = [i + 1 for i, s in enumerate(sizes) if s == "841.89 x 595.276"]
    assert len(landscape) >= 2 and landscape[-1] == len(sizes)  # the table spans pages
    assert landscape == list(range(landscape[0], len(sizes) + 1))
    first = page_text(path, landscape[0])
    lines = [ln.strip() for ln in first.splitlines() if ln.strip()]
    assert lines[1:3] == ["PHỤ LỤC", "(Kèm theo Báo cáo số 452-BC/TU)"]
    before = page_text(path, landscape[0] - 1)
    assert "Nơi nhận:" in before and "Nguyễn Văn A" in before  # the closing comes first
    for page in landscape:
        text = page_text(path, page)
        assert "Chỉ tiêu" in text and "So cùng kỳ (%)" in text, page
    assert "Chỉ tiêu số 60" in page_text(path, landscape[-1])


def test_narrow_appendix_on_a_new_portrait_page(tmp_path):
    data = make_guidance(body_html=appendix_body(rows=5, columns=5), appendix_of="(Kèm theo X)")
    path = write(tmp_path, "narrow.pdf", render_pdf(data))
    sizes = page_sizes(path)
    assert set(sizes) == {"595.276 x 841.89"}
    last = page_text(path, len(sizes))
    lines = [ln.strip() for ln in last.splitlines() if ln.strip()]
    assert lines[1:3] == ["PHỤ LỤC", "(Kèm theo X)"]
    assert "Nơi nhận:" not in last


def test_prepare_body_moves_appendix_and_builds_contents():
    body = (
        '<h2 id="h-1">I. THẾ GIỚI</h2><p>a</p><h3>1. Tin<span class="footnote">ghi</span> một</h3>'
        "<h4>1.1. Sâu</h4><p>b</p>"
    )
    prepared = pdfmod.prepare_body(make_guidance(kind="bulletin", masthead=True, body_html=body))
    assert [(e.level, e.text) for e in prepared.contents] == [(2, "I. THẾ GIỚI"), (3, "1. Tin một")]
    assert prepared.contents[0].anchor == "h-1"
    assert f'id="{prepared.contents[1].anchor}"' in prepared.main_html
    assert prepared.appendix_html == ""

    report = make_guidance(
        kind="report", kind_label="Báo cáo", number="1-BC/TU", body_html=appendix_body(3, 6)
    )
    prepared = pdfmod.prepare_body(report)
    assert "PHỤ LỤC" not in prepared.main_html and prepared.main_html.startswith("<h2>I.")
    assert prepared.appendix_html.startswith('<h2 class="appendix" id="h-99">PHỤ LỤC</h2>')
    assert '<p class="appendix-ref">(Kèm theo Báo cáo số 1-BC/TU)</p>' in prepared.appendix_html
    assert prepared.landscape
    assert not pdfmod.prepare_body(make_guidance(body_html=appendix_body(3, 5))).landscape
    plain = make_guidance(body_html="<p>x</p>")
    assert pdfmod.prepare_body(plain).main_html == "<p>x</p>"  # untouched


def test_bulletin_contents_box_links_to_headings(tmp_path):
    body = "".join(
        f'<h2 id="h-{i}">{"I" * i}. MỤC {i}</h2><h3>1. Tin {i}</h3>' + paragraphs(2)
        for i in (1, 2, 3)
    )
    data = make_guidance(kind="bulletin", masthead=True, type_name="BẢN TIN",
                         title="THÔNG TIN THÁNG 12", body_html=body)  # fmt: skip
    html = render_html(data)
    assert html.count('<a href="#') == 6 and 'href="#h-2"' in html
    path = write(tmp_path, "toc.pdf", render_pdf(data))
    first = page_text(path, 1)
    box = first[first.index("NỘI DUNG") :]
    assert box.index("I. MỤC 1") < box.index("1. Tin 1") < box.index("III. MỤC 3")


def test_subject_keywords_creation_date_and_tags(guidance_pdf):
    info = run("pdfinfo", str(guidance_pdf))
    assert f"Subject:         Hướng dẫn số 127-HD/BTGTU: {TITLE}" in info
    assert "Keywords:        HƯỚNG DẪN, 127-HD/BTGTU, QUẬN ỦY HAI BÀ TRƯNG" in info
    assert "CreationDate:" in info
    assert "Tagged:          yes" in info
    assert 'pdfuaid:part="1"' in run("pdfinfo", "-meta", str(guidance_pdf))


def test_subject_given_or_built():
    assert pdfmod.pdf_subject(make_guidance(subject="Riêng")) == "Riêng"
    assert pdfmod.pdf_subject(make_guidance(number="")) == f"Hướng dẫn: {TITLE}"


def test_long_parent_line_does_not_wrap(tmp_path):
    data = make_guidance(parent_line="ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", issuer_name="THÀNH ỦY",
                         body_html=paragraphs(1))  # fmt: skip
    lines = page_text(write(tmp_path, "hp.pdf", render_pdf(data)), 1, layout=True).splitlines()
    assert any(
        "ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG" in ln and "ĐẢNG CỘNG SẢN VIỆT NAM" in ln for ln in lines
    )


def test_very_long_parent_line_wraps_in_its_column(tmp_path):
    data = make_guidance(
        parent_line="ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP THÀNH PHỐ HẢI PHÒNG",
        issuer_name="BAN TUYÊN GIÁO VÀ DÂN VẬN",
        body_html=paragraphs(1),
    )
    path = write(tmp_path, "long.pdf", render_pdf(data))
    lines = page_text(path, 1, layout=True).splitlines()
    assert any("ĐẢNG CỘNG SẢN VIỆT NAM" in ln for ln in lines)  # never wraps
    assert any("BAN TUYÊN GIÁO VÀ DÂN VẬN" in ln for ln in lines)
    boxes = run("pdftotext", "-bbox", "-l", "1", str(path), "-")
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert max(right_edges) <= 595.276 - 42.52 + 3


# --- render limits ------------------------------------------------------------------


def big_document():
    return make_guidance(body_html=guidance_body(paragraphs(400)))


def test_render_pdf_limited_renders_a_normal_document():
    pdf = pdfmod.render_pdf_limited(make_guidance(body_html=paragraphs(3)))
    assert pdf.startswith(b"%PDF-")


def test_render_pdf_limited_times_out():
    with pytest.raises(pdfmod.RenderError) as info:
        pdfmod.render_pdf_limited(big_document(), timeout_s=0.3)
    assert info.value.reason == "timeout"
    assert str(info.value).startswith(
        "Văn bản quá lớn hoặc quá phức tạp để tạo PDF trong thời gian cho phép (0,3 giây)."
    )


def test_render_pdf_limited_runs_out_of_memory():
    with pytest.raises(pdfmod.RenderError) as info:
        # Far bigger than anything rendered before in this process: the child cannot live
        # on heap the parent freed, it must map more and hits the 1 MB budget.
        huge = make_guidance(body_html=guidance_body(paragraphs(3000)))
        pdfmod.render_pdf_limited(huge, max_memory_mb=1, timeout_s=60)
    assert info.value.reason == "memory"
    assert "quá lớn hoặc quá phức tạp" in str(info.value)
    assert "giới hạn bộ nhớ cho phép (1 MB)" in str(info.value)
