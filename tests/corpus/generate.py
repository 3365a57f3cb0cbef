"""The corpus: Party documents written the ways district offices write them, with their truth.

``generate(folder)`` writes every file and returns them with what a reader sees in each.
python-docx writes some directly; LibreOffice converts the Flat ODT and HTML files written
here, in one run per target format (each start of LibreOffice costs seconds), with its own
temporary profile.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from tests.corpus.content import (
    ISSUERS,
    RECIPIENTS,
    SIGNERS,
    Closing,
    CorpusFile,
    Doc,
    Layout,
    Table,
    Truth,
    indicator_table,
    seed_body,
    small_table,
    truth_of,
)
from tests.corpus.writers import write_docx, write_fodt, write_html

_KINDS = {
    # name: (portal kind, type name, number letters, seeds)
    "bulletin": (
        "bulletin",
        "BẢN TIN",
        "BT",
        ["bulletin-2024-12-doson.txt", "bulletin-2024-02-doson.txt"],
    ),
    "guidance": ("guidance", "HƯỚNG DẪN", "HD", ["guidance-2024-haibatrung.txt"]),
    "report": ("report", "BÁO CÁO", "BC", ["report-2023-q1-haiphong.txt"]),
    # The portal has no kind for plans; offices file them with their guidance.
    "plan": ("guidance", "KẾ HOẠCH", "KH", ["guidance-2024-haibatrung.txt"]),
}
_TITLES = {
    "guidance": [
        "Tuyên truyền kết quả phát triển kinh tế - xã hội năm 2023, nhiệm vụ, giải pháp năm 2024",
        "Tuyên truyền kỷ niệm 94 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - "
        "03/02/2024)",
    ],
    "report": [
        "kết quả thực hiện nhiệm vụ quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2023",
        "kết quả công tác tuyên giáo 6 tháng đầu năm; phương hướng, nhiệm vụ 6 tháng cuối năm 2023",
    ],
    "plan": [
        "Tổ chức các hoạt động tuyên truyền kỷ niệm 70 năm Chiến thắng Điện Biên Phủ",
        "Triển khai học tập, quán triệt Nghị quyết Hội nghị lần thứ tám Ban Chấp hành "
        "Trung ương Đảng khóa XIII",
    ],
}


def build(
    index: int,
    name: str,
    family: str,
    layout: Layout,
    *,
    blocks: int = 14,
    calls: int = 3,
    appendix: bool = False,
    table: bool = False,
) -> Doc:
    """One document of a family, varied by its index (issuer, signer, stretch of the seed)."""
    kind, type_name, letters, seeds = _KINDS[family]
    parent, issuer, symbol, place = ISSUERS[index % len(ISSUERS)]
    authority, title, name_ = SIGNERS[index % len(SIGNERS)]
    month = index % 12 + 1
    if family == "bulletin":
        doc_title = f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {month:02d} NĂM 2024"
    else:
        doc_title = _TITLES[family][index % 2]
    body, notes = seed_body(seeds[index % len(seeds)], index * 7, blocks, calls=calls)
    if table:
        body.insert(len(body) // 2, small_table(index))
    extras = layout.extras
    number = f"{20 + index}-{letters}/{symbol}"
    doc = Doc(
        name=name,
        kind=kind,
        parent=parent,
        issuer=issuer,
        number=number,
        place_date=f"{place}, ngày {index % 28 + 1:02d} tháng {month:02d} năm 2024",
        type_name=type_name,
        title=doc_title,
        body=body,
        notes=notes,
        closing=Closing(RECIPIENTS[index % len(RECIPIENTS)], authority, title, name_),
        layout=layout,
    )
    if appendix:
        doc.appendix = indicator_table(index)
        doc.appendix_caption = f"(Kèm theo Báo cáo số {number} ngày 10/4/2023)"
    if "tracked" in extras:
        doc.inserted, doc.deleted = "trước ngày 15/4/2024", "trong tháng 5/2024"
    if "comment" in extras:
        doc.comment = "Kiểm tra lại thời hạn gửi báo cáo."
    if "link" in extras:
        doc.link_text = "Cổng thông tin điện tử thành phố Hải Phòng"
    if "date" in extras:
        doc.field_text = "31/03/2024"
    if "image" in extras:
        doc.image_caption = "Hội nghị báo cáo viên tháng 3 năm 2024"
    return doc


def layout_of(writer: str, **options) -> Layout:
    extras = frozenset(options.pop("extras", ()))
    return Layout(writer=writer, extras=extras, **options)


def specs() -> list[Doc]:
    """Every generated document, each named after how it is written."""
    docx, lo, html = "docx", "fodt", "html"
    all_extras = ("date", "page", "link", "tracked", "comment", "image")
    rows = [
        # python-docx, the way Word users lay out a page by hand
        ("wd-bulletin-table-sup", "bulletin", layout_of(docx, notes="sup"), {}),
        (
            "wd-bulletin-tabs-raised",
            "bulletin",
            layout_of(docx, header="tabs", closing="tabs", notes="raised"),
            {},
        ),
        (
            "wd-guidance-signer-bold",
            "guidance",
            layout_of(docx, header="tabs", closing="paras", signer_format="b", notes="sup"),
            {},
        ),
        (
            "wd-guidance-signer-italic",
            "guidance",
            layout_of(docx, closing="paras", signer_format="i", notes="sup"),
            {},
        ),
        (
            "wd-guidance-signer-underlined",
            "guidance",
            layout_of(docx, closing="paras", signer_format="u", notes="raised"),
            {},
        ),
        ("wd-report-appendix", "report", layout_of(docx, notes="sup"), {"appendix": True}),
        (
            "wd-report-appendix-tabs",
            "report",
            layout_of(docx, header="tabs", closing="tabs", notes="raised"),
            {"appendix": True},
        ),
        ("wd-plan-spans", "plan", layout_of(docx, notes="sup"), {"table": True}),
        ("wd-fields", "guidance", layout_of(docx, notes="sup", extras=("date", "page")), {}),
        ("wd-hyperlink", "bulletin", layout_of(docx, notes="sup", extras=("link",)), {}),
        ("wd-tracked", "guidance", layout_of(docx, notes="sup", extras=("tracked",)), {}),
        ("wd-comment", "report", layout_of(docx, notes="sup", extras=("comment",)), {}),
        ("wd-image", "bulletin", layout_of(docx, notes="sup", extras=("image",)), {}),
        (
            "wd-everything",
            "plan",
            layout_of(docx, notes="raised", extras=all_extras),
            {"table": True, "appendix": True},
        ),
        ("wd-nfd-guidance", "guidance", layout_of(docx, notes="sup", extras=("nfd",)), {}),
        (
            "wd-nfd-report",
            "report",
            layout_of(docx, header="tabs", notes="sup", extras=("nfd",)),
            {"appendix": True},
        ),
        ("wd-tcvn3-guidance", "guidance", layout_of(docx, notes="sup", extras=("tcvn3",)), {}),
        (
            "wd-tcvn3-bulletin",
            "bulletin",
            layout_of(docx, header="tabs", closing="tabs", notes="sup", extras=("tcvn3",)),
            {},
        ),
        ("wd-vni-guidance", "guidance", layout_of(docx, notes="sup", extras=("vni",)), {}),
        (
            "wd-vni-report",
            "report",
            layout_of(docx, notes="sup", extras=("vni",)),
            {"appendix": True},
        ),
        # LibreOffice, from Flat ODT: real footnotes and endnotes, lists, text boxes
        ("lo-bulletin-footnotes", "bulletin", layout_of(lo), {}),
        (
            "lo-guidance-endnotes",
            "guidance",
            layout_of(lo, header="tabs", closing="paras", notes="endnote"),
            {},
        ),
        ("lo-report-landscape-appendix", "report", layout_of(lo), {"appendix": True}),
        ("lo-textboxes", "guidance", layout_of(lo, header="textbox", closing="textbox"), {}),
        ("lo-auto-numbering", "guidance", layout_of(lo, numbering="auto"), {}),
        ("lo-auto-numbering-report", "report", layout_of(lo, numbering="auto"), {"appendix": True}),
        ("lo-raised-calls", "bulletin", layout_of(lo, notes="raised"), {}),
        ("lo-superscript-calls", "guidance", layout_of(lo, notes="sup", closing="paras"), {}),
        (
            "lo-everything",
            "plan",
            layout_of(lo, extras=all_extras),
            {"table": True, "appendix": True},
        ),
        (
            "lo-plan-spans",
            "plan",
            layout_of(lo, closing="paras", signer_format="u"),
            {"table": True},
        ),
        ("lo-nfd", "bulletin", layout_of(lo, extras=("nfd",)), {}),
        ("lo-tcvn3", "guidance", layout_of(lo, extras=("tcvn3",)), {}),
        ("lo-vni", "bulletin", layout_of(lo, extras=("vni",)), {}),
        # HTML saved from a web page and opened in LibreOffice: <sup> calls become raised text
        ("web-bulletin", "bulletin", layout_of(html, notes="raised"), {}),
        ("web-report-appendix", "report", layout_of(html, notes="raised"), {"appendix": True}),
        ("web-plan", "plan", layout_of(html, notes="raised"), {"table": True}),
        # The office's archive: Word 97-2003, RTF and OpenDocument copies
        ("archive-guidance", "guidance", layout_of(lo, convert="doc"), {}),
        (
            "archive-report",
            "report",
            layout_of(lo, notes="endnote", convert="doc"),
            {"appendix": True},
        ),
        ("archive-bulletin", "bulletin", layout_of(lo, closing="paras", convert="rtf"), {}),
        ("archive-plan", "plan", layout_of(lo, convert="rtf"), {"table": True}),
        ("archive-guidance-odt", "guidance", layout_of(lo, numbering="auto", convert="odt"), {}),
        ("archive-tcvn3-doc", "report", layout_of(lo, extras=("tcvn3",), convert="doc"), {}),
    ]
    return [
        build(index, name, family, layout, **options)
        for index, (name, family, layout, options) in enumerate(rows)
    ]


def _extension(doc: Doc) -> str:
    return doc.layout.convert if doc.layout.writer != "docx" else "docx"


def features(doc: Doc) -> list[str]:
    """What the file exercises, as the results table lists it."""
    layout = doc.layout
    found = [
        {"docx": "python-docx", "fodt": "LibreOffice", "html": "HTML→LibreOffice"}[layout.writer],
        f"header:{layout.header}",
        f"closing:{layout.closing}",
        f"signer:{layout.signer_format}",
        f"notes:{layout.notes}",
    ]
    if layout.numbering == "auto":
        found.append("auto-numbering")
    if doc.appendix:
        found.append("landscape-appendix")
    if any(isinstance(block, Table) for block in doc.body):
        found.append("body-table")
    return found + sorted(layout.extras)


DAMAGED = [
    "damaged-empty.docx",
    "damaged-cut-off.docx",
    "damaged-broken-xml.docx",
    "damaged-not-word.docx",
    "damaged-blank-page.docx",
]


def damaged_files() -> list[CorpusFile]:
    """Files an office may upload by mistake: empty, cut off, broken inside, not Word."""
    good = write_docx(build(0, "ok", "guidance", layout_of("docx", notes="sup")))
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(entry, data)
    blank = write_docx(
        Doc(
            "blank",
            "guidance",
            "",
            "",
            "",
            "",
            "",
            "",
            [],
            [],
            Closing([], "", "", ""),
            layout_of("docx"),
        )
    )
    empty_truth = Truth([], [], [], "", "", "", [], damaged=True)
    contents = [b"", good[: len(good) // 3], broken.getvalue(), bytes(range(256)) * 40, blank]
    return [
        CorpusFile(name, "guidance", ["damaged"], replace(empty_truth), data=data)
        for name, data in zip(DAMAGED, contents, strict=True)
    ]


def convert(folder: Path, names: list[str], target: str) -> None:
    """Convert files with LibreOffice in one run, with a profile of its own; fail loudly."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("LibreOffice (soffice) is needed to write the corpus")
    filters = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97", "rtf": "rtf", "odt": "odt"}
    with tempfile.TemporaryDirectory(prefix="corpus-lo-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                filters[target],
                "--outdir",
                str(folder),
                *names,
            ],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=240,
        )


def generate(folder: Path) -> list[CorpusFile]:
    """Write the corpus into ``folder``; return its files with their bytes and truth."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = specs()
    by_target: dict[str, list[str]] = {}
    for doc in docs:
        if doc.layout.writer == "docx":
            (folder / f"{doc.name}.docx").write_bytes(write_docx(doc))
            continue
        source = f"{doc.name}.{doc.layout.writer}"
        writer = write_fodt if doc.layout.writer == "fodt" else write_html
        (folder / source).write_bytes(writer(doc))
        by_target.setdefault(doc.layout.convert, []).append(source)
    for target, names in sorted(by_target.items()):
        convert(folder, names, target)
    files = []
    for doc in docs:
        name = f"{doc.name}.{_extension(doc)}"
        files.append(
            CorpusFile(
                name,
                doc.kind,
                features(doc),
                truth_of(doc),
                doc=doc,
                data=(folder / name).read_bytes(),
            )
        )
    for damaged in damaged_files():
        (folder / damaged.name).write_bytes(damaged.data)
        files.append(damaged)
    return files


@dataclass(frozen=True)
class IndexEntry:
    """What the test parametrisation needs of a file, known without writing it."""

    name: str
    damaged: bool
    notes: int
    tables: int


def corpus_index() -> list[IndexEntry]:
    """The corpus files in order, as ``generate`` returns them."""
    entries = [
        IndexEntry(
            f"{doc.name}.{_extension(doc)}", False, len(doc.notes), len(truth_of(doc).tables)
        )
        for doc in specs()
    ]
    return entries + [IndexEntry(name, True, 0, 0) for name in DAMAGED]
