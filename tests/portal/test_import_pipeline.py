"""The import pipeline flows one way: readers → blocks → the one structurer."""

import ast
import io
from pathlib import Path

import pytest
from docx import Document as WordDocument

from portal.importing import ImportResult, import_docx, import_text
from portal.importing.blocks import Block, SourceDocument
from portal.importing.read_docx import read_docx
from portal.importing.read_text import read_text
from portal.importing.structure import structure_document

PACKAGE = Path(__file__).resolve().parents[2] / "portal" / "importing"
READERS = ("read_text", "read_docx")
# What runs on the file before a reader sees it (old encodings, NFC; old formats to .docx).
BEFORE_READING = ("legacy", "convert")
FORBIDDEN = ("bulletins", "guidance", "portal.kinds", "portal.views", "portal.urls")


def imports_of(module: str) -> set[str]:
    """Every module a file of portal/importing imports, at the top or inside a function."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def stages_imported(module: str) -> set[str]:
    """The modules of portal/importing that a module imports."""
    prefix = "portal.importing"
    return {
        name.removeprefix(f"{prefix}.").split(".")[0] if name != prefix else "__init__"
        for name in imports_of(module)
        if name == prefix or name.startswith(f"{prefix}.")
    }


def test_every_module_of_the_package_is_checked():
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert modules == {"__init__", "blocks", *READERS, "structure", *BEFORE_READING}


def test_blocks_import_no_other_stage():
    assert stages_imported("blocks") == set()


@pytest.mark.parametrize("module", BEFORE_READING)
def test_what_runs_before_reading_imports_at_most_the_blocks(module):
    assert stages_imported(module) <= {"blocks"}


@pytest.mark.parametrize("reader", READERS)
def test_readers_import_only_the_blocks(reader):
    assert stages_imported(reader) == {"blocks"}


def test_the_structurer_imports_only_the_blocks():
    assert stages_imported("structure") == {"blocks"}


def test_only_the_entry_points_know_readers_and_structurer():
    assert stages_imported("__init__") == {"blocks", *READERS, "structure", *BEFORE_READING}


@pytest.mark.parametrize("module", ["__init__", "blocks", *READERS, "structure", *BEFORE_READING])
def test_no_module_imports_a_kind_or_a_view(module):
    imported = imports_of(module)
    for name in imported:
        assert not any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN), name


# -- one structurer for every reader -------------------------------------------------------

TEXT = """HƯỚNG DẪN
tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Nâng cao nhận thức của cán bộ, đảng viên¹.

¹ Theo Kế hoạch số 12-KH/TU.

2. Yêu cầu

- **Bám sát** cơ sở.

II. NỘI DUNG

| Chỉ tiêu | Kế hoạch |
|---|---|
| Tin bài | 120 |

Nơi nhận:
- Như trên,
- Lưu VT.

K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN
Nguyễn Văn An
"""


def word_version() -> bytes:
    """TEXT as a Word user types it: bold runs, superscript runs, a real table."""
    document = WordDocument()
    for line in ("HƯỚNG DẪN", "tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng"):
        document.add_paragraph(line)
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("1. Mục đích")
    paragraph = document.add_paragraph("Nâng cao nhận thức của cán bộ, đảng viên")
    paragraph.add_run("1").font.superscript = True
    paragraph.add_run(".")
    note = document.add_paragraph()
    note.add_run("1").font.superscript = True
    note.add_run(" Theo Kế hoạch số 12-KH/TU.")
    document.add_paragraph("2. Yêu cầu")
    item = document.add_paragraph("- ")
    item.add_run("Bám sát").bold = True
    item.add_run(" cơ sở.")
    document.add_paragraph("II. NỘI DUNG")
    table = document.add_table(rows=2, cols=2)
    rows = (("Chỉ tiêu", "Kế hoạch"), ("Tin bài", "120"))
    for index, (row, texts) in enumerate(zip(table.rows, rows, strict=True)):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.paragraphs[0].add_run(text).bold = index == 0  # a header row is bold
    for line in ("Nơi nhận:", "- Như trên,", "- Lưu VT.", "K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"):
        document.add_paragraph(line)
    document.add_paragraph("Nguyễn Văn An")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def shape(result: ImportResult) -> dict:
    """What the structurer decided, apart from where its report notes point."""
    return {
        "outline": [(item.level, item.number, item.text) for item in result.outline],
        "footnotes": result.footnote_count,
        "body": result.body_html,
        "closing": (
            result.recipients,
            result.authority_line,
            result.signer_title,
            result.signer_name,
        ),
        "heading": (result.type_name, result.title),
    }


def test_text_and_word_go_through_the_same_structurer():
    from_text = import_text(TEXT, "guidance", type_name="HƯỚNG DẪN")
    from_word = import_docx(word_version(), "guidance", type_name="HƯỚNG DẪN")
    assert shape(from_word) == shape(from_text)
    assert from_text.footnote_count == 1
    assert '<span class="footnote">Theo Kế hoạch số 12-KH/TU.</span>' in from_text.body_html
    assert [item.number for item in from_text.outline] == ["I", "1", "2", "II"]
    assert from_text.signer_name == "Nguyễn Văn An"


def test_readers_give_the_structurer_the_same_blocks():
    from_text = [block.text for block in read_text(TEXT).blocks if block.text]
    from_word = [block.text for block in read_docx(word_version()).blocks if block.text]
    assert from_word == from_text


def test_report_notes_name_the_place_the_reader_gave():
    source = SourceDocument(
        [Block("BÁO CÁO"), Block("tiêu đề"), Block(""), Block("Đoạn gọi⁽⁷⁾.", place="Đoạn 1")],
        notes=["Ghi chú của bộ đọc"],
        layout_repairs=False,
    )
    result = structure_document(source, "report", type_name="BÁO CÁO")
    assert result.report == [
        "Ghi chú của bộ đọc",
        "Đoạn 1: chú thích ⁷ được gọi nhưng không có nội dung",
    ]


def test_without_a_type_name_the_kind_is_reported_unsupported():
    result = import_text("BÁO CÁO\ntiêu đề\n", "report")
    assert result.report == ["Loại văn bản 'report' không được hỗ trợ"]
    assert import_text("BÁO CÁO\ntiêu đề\n", "report", type_name="BÁO CÁO").report == []
