"""Old Vietnamese encodings (TCVN3, VNI) and decomposed Unicode, read by the importer."""

import io
import subprocess
import unicodedata

import pytest
from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from portal.importing import ImportRefused, detect_format, legacy
from tests.portal.import_helpers import import_docx, import_text, import_upload
from tests.portal.test_importer import seed, words

GUIDANCE = "guidance-2024-haibatrung.txt"
# A guidance as a district office typed it: a caps header line (typed in the "H" font), a
# footnote-free body full of "ạ" (TCVN3 byte 0xB9, the character "¹").
HEADER = ["QUẬN ỦY HAI BÀ TRƯNG", "BAN TUYÊN GIÁO"]
TYPE_LINE = "HƯỚNG DẪN"
TITLE = "Tuyên truyền kết quả đại hội đại biểu Đảng bộ quận"
BODY = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Tạo sự thống nhất, quyết tâm cao của toàn Đảng bộ, hệ thống chính trị và các tầng "
    "lớp Nhân dân trong việc thực hiện thắng lợi nghị quyết đại hội đại biểu Đảng bộ quận.",
    "2. Các chi bộ tổ chức học tập, quán triệt nghị quyết; bạn đọc phản ánh kịp thời "
    "những vướng mắc; phát huy vai trò của người đứng đầu, tạo chuyển biến mạnh mẽ.",
    "II. NỘI DUNG TUYÊN TRUYỀN",
    "1. Kết quả nổi bật: kinh tế tăng trưởng khá, đời sống Nhân dân được cải thiện rõ rệt, "
    "quốc phòng, an ninh được bảo đảm, quan hệ đối ngoại được mở rộng.",
]
RECIPIENTS = ["Nơi nhận:", "- Các chi bộ trực thuộc,", "- Lưu Văn phòng."]
SIGNER = ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Thị Hạnh"]
CONVERTED_TCVN3 = "Đã chuyển từ mã TCVN3 sang Unicode"
CONVERTED_VNI = "Đã chuyển từ mã VNI sang Unicode"


def full_text() -> str:
    return "\n\n".join([TYPE_LINE, TITLE, *BODY, *RECIPIENTS, *SIGNER])


def folded(text: str) -> set[str]:
    """Words of a text, lower-cased (TCVN3 without its "H" fonts has no capitals with tones)."""
    return {word.lower() for word in words(text)}


def body_words(result) -> set[str]:
    from tests.portal.test_importer import result_text

    return folded(result_text(result))


def test_tcvn3_table_is_the_c_library_tcvn5712():
    """Every byte of the table decodes, in glibc's TCVN5712-1 converter, to the same letter."""
    codes = bytes(sorted(legacy.TCVN3_TABLE))
    decoded = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes, capture_output=True, check=True
    ).stdout.decode()
    assert dict(zip(codes, decoded, strict=True)) == legacy.TCVN3_TABLE
    assert legacy.TCVN3_TABLE[0xB9] == "ạ"


def test_vni_round_trip_of_a_whole_seed():
    text = unicodedata.normalize("NFC", seed(GUIDANCE))
    encoded = legacy.unicode_to_vni(text)
    assert "Tuyeân truyeàn" in encoded
    assert legacy.vni_to_unicode(encoded) == text


def test_syllables():
    assert all(legacy.is_syllable(w) for w in ["nghiêng", "Đảng", "khuya", "quốc", "gì", "ạ"])
    assert not any(legacy.is_syllable(w) for w in ["Tuyªn", "gi¸o", "ĐảngĐảng", "ấá"])


def test_unicode_seeds_are_never_converted_nor_flagged():
    for name in ("guidance-2024-haibatrung.txt", "report-2023-q1-haiphong.txt"):
        result = import_text(seed(name), "report")
        assert not [note for note in result.report if "mã" in note and "Unicode" in note]
        assert not [note for note in result.report if "lỗi mã chữ" in note]


def test_tcvn3_text_file_is_converted_and_its_a_with_dot_is_no_footnote():
    data = legacy.unicode_to_tcvn3(full_text()).encode("cp1252")
    assert b"\xb9" in data  # "ạ", which Windows-1252 reads as "¹"
    result, source = import_upload(data, "guidance")
    assert source == "text"
    assert result.report[0].startswith(CONVERTED_TCVN3)
    assert result.footnote_count == 0
    assert "¹" not in result.body_html and "footnote" not in result.body_html
    assert folded(full_text()) <= body_words(result)


def test_tcvn3_characters_in_a_utf8_text_are_converted():
    """Text copied out of a .VnTime document into a UTF-8 file keeps the font's characters."""
    text = legacy.unicode_to_tcvn3(full_text())
    assert "¹" in text
    result = import_text(text, "guidance")
    assert result.report[0] == legacy.converted_note("TCVN3", "nhận ra qua các ký tự trong văn bản")
    assert result.footnote_count == 0
    assert folded(full_text()) <= body_words(result)


def test_vni_text_file_is_converted():
    data = legacy.unicode_to_vni(full_text()).encode("cp1252")
    result, _ = import_upload(data, "guidance")
    assert result.report[0].startswith(CONVERTED_VNI)
    assert result.type_name == TYPE_LINE
    assert result.title == TITLE
    assert result.signer_name == "Nguyễn Thị Hạnh"
    assert folded(full_text()) <= body_words(result)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(char: str) -> str:
    """A letter as Windows-1258 writes it: the letter without its tone, then the tone mark."""
    decomposed = unicodedata.normalize("NFD", char)
    bare = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", bare) + "".join(c for c in decomposed if c in TONE_MARKS)


def test_windows_1258_text_file_is_read():
    data = "".join(windows_1258(char) for char in full_text()).encode("cp1258")
    result, _ = import_upload(data, "guidance")
    assert result.report[0].startswith("Đã chuyển từ mã Windows-1258 sang Unicode")
    assert result.type_name == TYPE_LINE


def test_bytes_that_are_no_vietnamese_are_still_refused():
    with pytest.raises(ImportRefused):
        detect_format(bytes(range(128, 256)) * 20)


def test_text_still_garbled_is_flagged():
    """UTF-8 read as Windows-1252 twice over ("Hæ°á»›ng") is none of the known encodings."""
    garbled = full_text().encode("utf-8").decode("cp1252", errors="replace")
    result = import_text(garbled, "guidance")
    assert any("lỗi mã chữ" in note for note in result.report)


# -- Word files ---------------------------------------------------------------------------


def word_file(paragraphs: list[tuple[str, str | None]], *, normal_font: str | None = None):
    """A .docx of (text, run font) paragraphs; ``normal_font`` set on the Normal style."""
    document = WordDocument()
    if normal_font:
        document.styles["Normal"].font.name = normal_font
    for text, font in paragraphs:
        run = document.add_paragraph().add_run(text)
        if font:
            run.font.name = font
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def tcvn3_paragraphs() -> list[tuple[str, str]]:
    """Caps lines in .VnTimeH (stored as lower-case codes), the rest in .VnTime."""
    caps = [*HEADER, TYPE_LINE, BODY[0], BODY[3], *SIGNER[:2]]
    return [
        (legacy.unicode_to_tcvn3(line.lower()), ".VnTimeH")
        if line in caps
        else (legacy.unicode_to_tcvn3(line), ".VnTime")
        for line in [*HEADER, TYPE_LINE, TITLE, *BODY, *RECIPIENTS, *SIGNER]
    ]


def test_docx_in_vntime_fonts_is_converted_before_reading():
    result = import_docx(word_file(tcvn3_paragraphs()), "guidance")
    assert result.report[0] == legacy.converted_note("TCVN3", "phông .VnTime, .VnTimeH")
    assert result.type_name == TYPE_LINE
    assert result.title == TITLE
    assert result.footnote_count == 0 and "¹" not in result.body_html
    assert "MỤC ĐÍCH, YÊU CẦU" in result.body_html
    assert "tầng lớp Nhân dân" in result.body_html
    assert (result.signer_title, result.signer_name) == ("PHÓ TRƯỞNG BAN", "Nguyễn Thị Hạnh")


def hyphenated_word_file(paragraphs: list[str], *, normal_font: str | None) -> bytes:
    """A .docx as LibreOffice writes TCVN3: byte 0xAD ("ư") as a <w:softHyphen/> element."""
    document = WordDocument()
    if normal_font:
        document.styles["Normal"].font.name = normal_font
    for line in paragraphs:
        run = document.add_paragraph().add_run()
        for number, part in enumerate(line.split("\xad")):
            if number:
                run._r.append(OxmlElement("w:softHyphen"))
            text = OxmlElement("w:t")
            text.text = part
            text.set(qn("xml:space"), "preserve")
            run._r.append(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("normal_font", [".VnTime", None])
def test_tcvn3_u_with_horn_written_as_soft_hyphen_is_kept(normal_font):
    """The font from the paragraph style (or none: found by the characters) and "ư" as the
    soft hyphen element LibreOffice writes."""
    lines = [legacy.unicode_to_tcvn3(line) for line in full_text().split("\n\n")]
    assert any("\xad" in line for line in lines)
    result = import_docx(hyphenated_word_file(lines, normal_font=normal_font), "guidance")
    assert result.report[0].startswith(CONVERTED_TCVN3)
    assert "những vướng mắc" in result.body_html and "người đứng đầu" in result.body_html
    assert folded(full_text()) <= body_words(result)


def test_docx_in_vni_times_style_is_converted():
    paragraphs = [(legacy.unicode_to_vni(line), None) for line in full_text().split("\n\n")]
    result = import_docx(word_file(paragraphs, normal_font="VNI-Times"), "guidance")
    assert result.report[0] == legacy.converted_note("VNI", "phông VNI-Times")
    assert (result.type_name, result.title) == (TYPE_LINE, TITLE)
    assert result.signer_name == "Nguyễn Thị Hạnh"


def test_docx_that_lost_its_fonts_is_converted_by_its_characters():
    paragraphs = [(legacy.unicode_to_tcvn3(line), None) for line in full_text().split("\n\n")]
    result = import_docx(word_file(paragraphs), "guidance")
    assert result.report[0] == legacy.converted_note("TCVN3", "nhận ra qua các ký tự trong văn bản")
    assert result.footnote_count == 0
    assert folded(full_text()) <= body_words(result)


def test_mixed_docx_converts_only_the_legacy_runs():
    paragraphs = [(line, None) for line in full_text().split("\n\n")]
    paragraphs.insert(
        5, (legacy.unicode_to_tcvn3("Đoạn này gõ bằng phông cũ của văn phòng."), ".VnTime")
    )
    result = import_docx(word_file(paragraphs), "guidance")
    assert "Đoạn này gõ bằng phông cũ của văn phòng." in result.body_html
    assert result.type_name == TYPE_LINE and result.signer_name == "Nguyễn Thị Hạnh"


def test_docx_still_garbled_is_flagged():
    garbled = full_text().encode("utf-8").decode("cp1252", errors="replace")
    result = import_docx(word_file([(line, None) for line in garbled.split("\n\n")]), "guidance")
    assert any("lỗi mã chữ" in note for note in result.report)


# -- Decomposed Unicode -------------------------------------------------------------------


def test_nfd_text_is_recognised_as_its_nfc_twin():
    for name, kind in ((GUIDANCE, "guidance"), ("report-2023-q1-haiphong.txt", "report")):
        text = seed(name)
        nfc, nfd = import_text(text, kind), import_text(unicodedata.normalize("NFD", text), kind)
        assert nfd.type_name and nfd.type_name == nfc.type_name
        assert nfd.title == nfc.title
        assert (nfd.authority_line, nfd.signer_title, nfd.signer_name) == (
            nfc.authority_line,
            nfc.signer_title,
            nfc.signer_name,
        )
        assert nfd.recipients == nfc.recipients
        assert nfd.body_html == nfc.body_html
        assert nfd.footnote_count == nfc.footnote_count


def test_nfd_docx_is_read_as_nfc():
    paragraphs = [(unicodedata.normalize("NFD", line), None) for line in full_text().split("\n\n")]
    assert not unicodedata.is_normalized("NFC", paragraphs[0][0])
    result = import_docx(word_file(paragraphs), "guidance")
    assert (result.type_name, result.title) == (TYPE_LINE, TITLE)
    assert result.signer_name == "Nguyễn Thị Hạnh"
    assert unicodedata.is_normalized("NFC", result.body_html)
    assert "MỤC ĐÍCH, YÊU CẦU" in result.body_html


def test_nfd_upload_is_recognised():
    result, _ = import_upload(unicodedata.normalize("NFD", full_text()).encode(), "guidance")
    assert (result.type_name, result.title) == (TYPE_LINE, TITLE)
    assert unicodedata.is_normalized("NFC", result.body_html)
