"""The corpus generator writes what it claims: legacy codes, fonts, spans, notes, landscape."""

import io
import zipfile

from tests.corpus import legacy
from tests.corpus.content import Cell, Table
from tests.corpus.generate import build, corpus_index, layout_of
from tests.corpus.writers import grid, write_docx


def test_tcvn3_codes():
    """The bytes of the ABC keyboard: "ạ" is 0xB9, the byte Windows shows as "¹"."""
    assert legacy.tcvn3("Việt Nam") == "ViÖt Nam"
    assert legacy.tcvn3("ạ") == "¹"
    assert legacy.tcvn3("Đảng") == "§¶ng"
    assert legacy.tcvn3_caps("ĐẢNG") == "®¶ng"
    # "Ánh": .VnTime lacks "Á", so it is typed as the code of "á" in .VnTimeH.
    assert legacy.tcvn3_runs("Ngọc Ánh") == [
        ("Ngäc ", ".VnTime"),
        ("¸", ".VnTimeH"),
        ("nh", ".VnTime"),
    ]
    assert legacy.tcvn3_runs("PHÓ TRƯỞNG BAN") == [("phã tr­ëng ban", ".VnTimeH")]


def test_vni_codes():
    assert legacy.vni("Đảng Cộng sản Việt Nam") == "Ñaûng Coäng saûn Vieät Nam"
    assert legacy.vni("ĐƯỜNG") == "ÑÖÔØNG"


def test_grid_places_cells_past_spans():
    table = Table([[Cell("a", rowspan=2), Cell("b", colspan=2)], [Cell("c"), Cell("d")]], columns=3)
    assert [[(r, c, cell.text) for r, c, cell in row] for row in grid(table)] == [
        [(0, 0, "a"), (0, 1, "b")],
        [(1, 1, "c"), (1, 2, "d")],
    ]


def test_word_file_carries_legacy_fonts_spans_and_landscape():
    doc = build(3, "probe", "report", layout_of("docx", extras=("tcvn3",)), appendix=True)
    xml = zipfile.ZipFile(io.BytesIO(write_docx(doc))).read("word/document.xml").decode()
    assert ".VnTime" in xml and ".VnTimeH" in xml
    assert 'w:gridSpan w:val="7"' in xml and 'w:vMerge w:val="restart"' in xml
    assert 'w:orient="landscape"' in xml


def test_corpus_size_and_kinds():
    entries = corpus_index()
    assert len(entries) >= 40
    assert len({entry.name for entry in entries}) == len(entries)
    assert {entry.name.rsplit(".", 1)[1] for entry in entries} == {"docx", "doc", "rtf", "odt"}
