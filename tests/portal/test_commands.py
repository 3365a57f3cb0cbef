"""Management commands: load_demo, import_document, export_document."""

import re
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from portal.models import Document, Membership, Organisation, Receipt, WorkflowEvent
from portal.services.organisations import membership_grant
from tests.factories import make_document, run_tasks

SEEDS = Path(__file__).resolve().parents[2] / "portal" / "demo" / "seeds"


def _run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def _city_editor(orgs):
    """An editor of the city's propaganda department, who drafts the Thành ủy's reports."""
    user, _ = get_user_model().objects.get_or_create(username="hp.editor")
    membership_grant(user=user, organisation=orgs["hp-btg"], role=Membership.Role.EDITOR)
    return user


def test_load_demo_is_idempotent_and_publishes_the_seeds(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    first = _run("load_demo")
    assert "portal-demo" in first[-1]
    # The four seeds as issued in 2024, and this month's bulletins of two wards.
    assert Document.objects.filter(status="published").count() == 6
    assert WorkflowEvent.objects.filter(action="publish_imported").count() == 4
    second = _run("load_demo")
    assert "0 văn bản mới" in second[-1]
    assert Document.objects.count() == 6
    codes = set(Organisation.objects.values_list("code", flat=True))
    assert {"hp", "hp-btg", "doson-btg", "ngoquyen-btg", "hn-btg", "hbt-btg"} <= codes
    guidance = Document.objects.get(kind="guidance")
    assert guidance.issuer.code == "hbt-btg" and guidance.number == "1-HD/BTGQU"
    # Dated as issued on paper, in the period each seed covers, not on the day of loading.
    issued = dict(Document.objects.values_list("kind", "issued_on").filter(kind="report"))
    assert issued == {"report": date(2023, 3, 24)}
    february = Document.objects.get(bulletin__period_month=2, bulletin__period_year=2024)
    assert february.issued_on == date(2024, 2, 2)
    # Rendered by the worker, not by the command.
    assert not guidance.approved_revision.rendered_files.filter(format="pdf").exists()
    run_tasks()
    assert guidance.approved_revision.rendered_files.filter(format="pdf").exists()


def test_load_demo_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("seed", "kind", "issuer", "footnotes"),
    [
        ("bulletin-2024-12-doson.txt", "bulletin", "doson-btg", 0),
        ("guidance-2024-haibatrung.txt", "guidance", "hbt-btg", None),
        ("report-2023-q1-haiphong.txt", "report", "hp", 27),
    ],
)
def test_import_document_prints_id_and_url_last(orgs, seed, kind, issuer, footnotes):
    args = ["import_document", str(SEEDS / seed), "--kind", kind, "--issuer", issuer]
    if issuer == "hp":  # the city committee has no editors: its department drafts for it
        args += ["--as", _city_editor(orgs).username]
    lines = _run(*args)
    document_id, url = lines[-1].split(" ")
    document = Document.objects.get(pk=int(document_id))
    assert url.endswith(f"/van-ban/{document.pk}/")
    assert document.kind == kind and document.status == "draft"
    body = document.current_revision.body_html
    if footnotes is not None:
        assert body.count('class="footnote"') == footnotes
    assert "<h2" in body


def test_import_document_refusals(tree, tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_document", str(binary), "--kind", "bulletin", "--issuer", "doson-btg")
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("import_document", str(binary), "--kind", "bulletin", "--issuer", "nowhere")
    with pytest.raises(CommandError, match="chưa có chuyên viên"):
        call_command("import_document", str(SEEDS / "report-2023-q1-haiphong.txt"),
                     "--kind", "report", "--issuer", "hp")  # fmt: skip
    assert Document.objects.count() == 0


BULLETIN = str(SEEDS / "bulletin-2024-12-doson.txt")


def _import_bulletin(*options) -> Document:
    lines = _run("import_document", BULLETIN, "--kind", "bulletin", *options)
    return Document.objects.get(pk=int(lines[-1].split()[0]))


def test_import_document_takes_the_issuer_from_the_one_department_of_the_user(users):
    document = _import_bulletin("--as", "doson.editor")
    assert document.issuer.code == "doson-btg"
    assert document.created_by == users["doson.editor"]


def test_import_document_drafts_for_the_committee_of_the_department(orgs):
    editor = _city_editor(orgs)
    document = _import_bulletin("--as", editor.username, "--issuer", "hp")
    assert document.issuer.code == "hp" and document.created_by == editor
    # Without --issuer, the department the user is an editor of, not the committee above it.
    assert _import_bulletin("--as", editor.username).issuer.code == "hp-btg"


@pytest.mark.parametrize(
    ("username", "issuer", "message"),
    [
        # A cell secretary of another district, then an editor of another district.
        ("ngoquyen.secretary", "doson-btg", "không được soạn văn bản cho doson-btg"),
        ("ngoquyen.editor", "doson-btg", "chỉ soạn cho: ngoquyen-btg .*, ngoquyen "),
        ("hp.approver", "hp", "không là chuyên viên của ban nào"),
        ("admin", "hp", "không được soạn văn bản cho hp"),
        ("doson.editor", "hp", "không được soạn văn bản cho hp"),  # not its city's committee
    ],
)
def test_import_document_refuses_a_user_who_does_not_draft_for_the_issuer(
    tree, username, issuer, message
):
    with pytest.raises(CommandError, match=message):
        call_command("import_document", BULLETIN, "--kind", "bulletin",
                     "--issuer", issuer, "--as", username)  # fmt: skip
    assert Document.objects.count() == 0


def test_import_document_without_issuer_names_the_choices(users, orgs):
    membership_grant(user=users["doson.editor"], organisation=orgs["ngoquyen-btg"],
                     role=Membership.Role.EDITOR)  # fmt: skip
    with pytest.raises(CommandError, match="nhiều tổ chức") as refused:
        _import_bulletin("--as", "doson.editor")
    for code in ("doson-btg", "doson", "ngoquyen-btg", "ngoquyen"):
        assert f"{code} (" in str(refused.value), code
    with pytest.raises(CommandError, match="không là chuyên viên của ban nào"):
        _import_bulletin("--as", "vanhuong.secretary")
    with pytest.raises(CommandError, match="--issuer .* hoặc --as"):
        _import_bulletin()
    assert Document.objects.count() == 0


def test_import_document_refuses_a_file_over_the_size_limit(tree, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1000
    path = tmp_path / "lon.txt"
    path.write_bytes("BẢN TIN\n".encode() + b"x" * 1000)
    with pytest.raises(CommandError, match="quá lớn để nhập"):
        call_command("import_document", str(path), "--kind", "bulletin", "--issuer", "doson-btg")
    path.write_bytes("BẢN TIN\n".encode() + b"x" * 900)  # at most the limit: imported
    assert _run("import_document", str(path), "--kind", "bulletin", "--issuer", "doson-btg")
    assert Document.objects.count() == 1


@pytest.mark.parametrize("value", ["doson-btg\udcff", "doson\x00btg", "\x1b[2J"])
@pytest.mark.parametrize("option", ["--issuer", "--as"])
def test_import_document_refuses_odd_issuer_and_user_values(tree, option, value):
    args = {"--issuer": "doson-btg", "--as": "doson.editor", option: value}
    with pytest.raises(CommandError, match=f"{option} không hợp lệ"):
        call_command("import_document", str(SEEDS / "bulletin-2024-12-doson.txt"),
                     "--kind", "bulletin", *(x for pair in args.items() for x in pair))  # fmt: skip
    assert Document.objects.count() == 0


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_export_writes_the_stored_pdf_of_an_approved_document(users, orgs, tmp_path):
    document = make_document(users, orgs, state="approved")
    output = tmp_path / "out.pdf"
    _run("export_document", str(document.pk), "--format", "pdf", "-o", str(output))
    stored = document.approved_revision.rendered_files.get(format="pdf")
    assert output.read_bytes() == stored.file.open("rb").read()
    text = _pdftotext(output)
    assert "Số 1-BT/BTGQU" in text
    assert "Chủ tịch nước Lương Cường" in text


def test_export_renders_a_draft_with_vietnamese_text_and_embedded_fonts(tree, tmp_path):
    lines = _run("import_document", str(SEEDS / "guidance-2024-haibatrung.txt"),
                 "--kind", "guidance", "--issuer", "hbt-btg")  # fmt: skip
    output = tmp_path / "draft.pdf"
    _run("export_document", lines[-1].split()[0], "-o", str(output))
    text = _pdftotext(output)
    for phrase in ["QUẬN ỦY HAI BÀ TRƯNG", "ĐẢNG CỘNG SẢN VIỆT NAM", "HƯỚNG DẪN",
                   "MỤC ĐÍCH, YÊU CẦU", "K/T TRƯỞNG BAN", "Thường trực Quận ủy"]:  # fmt: skip
        assert phrase in text, phrase
    fonts = subprocess.run(["pdffonts", str(output)], check=True, capture_output=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)


def test_export_writes_the_reviewers_draft_pdf(users, orgs, tmp_path):
    document = make_document(users, orgs, state="submitted")
    output = tmp_path / "du-thao.pdf"
    lines = _run("export_document", str(document.pk), "--format", "draft", "-o", str(output))
    assert lines == [f"Đã ghi {output} (bản PDF dự thảo, bản vừa tạo)."]
    text = _pdftotext(output)
    assert "DỰ THẢO" in text and re.search(r"Số\s+-BT/BTGQU", text)


def test_export_unknown_id(db):
    with pytest.raises(CommandError, match="Không có văn bản"):
        call_command("export_document", "424242", "-o", "/dev/null")


@pytest.mark.parametrize("format", ["pdf", "json"])
def test_export_to_a_missing_folder_or_to_a_folder_is_refused(users, orgs, tmp_path, format):
    document = make_document(users, orgs, state="approved")
    args = ["export_document", str(document.pk), "--format", format, "-o"]
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(CommandError, match="Thư mục .*nowhere.* không tồn tại"):
        call_command(*args, str(folder / "nowhere" / "out"))
    with pytest.raises(CommandError, match="là một thư mục"):
        call_command(*args, str(folder))
    assert list(folder.iterdir()) == []


def test_receipt_only_for_readers(users, orgs):
    from portal.services.receipts import receipt_record

    document = make_document(users, orgs, state="published")
    assert receipt_record(document=document, user=users["doson.editor"]) is None
    assert receipt_record(document=document, user=users["vanhuong.secretary"]) is not None
    assert Receipt.objects.count() == 1
