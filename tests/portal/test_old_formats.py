""".doc, .rtf and .odt: told apart by content, converted by LibreOffice, imported as .docx."""

import io
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as WordDocument

from portal.importing import ImportRefused, detect_format
from portal.importing.convert import NOT_INSTALLED, TIMED_OUT, old_format, to_docx
from portal.models import Document
from tests.portal.import_helpers import import_upload

LINES = [
    "HƯỚNG DẪN",
    "Tuyên truyền kỷ niệm ngày thành lập Đảng bộ quận",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Khơi dậy niềm tự hào về truyền thống vẻ vang của Đảng bộ và Nhân dân quận.",
    "Nơi nhận:",
    "- Các chi bộ trực thuộc,",
    "- Lưu Văn phòng.",
    "K/T TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "Nguyễn Thị Hạnh",
]
FORMATS = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format", "odt": "odt"}


@pytest.fixture(scope="session")
def old_files(tmp_path_factory) -> dict[str, bytes]:
    """A Word file saved by LibreOffice as .doc, .rtf and .odt, with one shared profile."""
    root = tmp_path_factory.mktemp("old-formats")
    document = WordDocument()
    for line in LINES:
        document.add_paragraph(line)
    source = root / "source.docx"
    document.save(source)
    profile = (root / "profile").as_uri()
    files = {}
    for fmt, target in FORMATS.items():
        out = root / fmt
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
             target, "--outdir", str(out), str(source)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        files[fmt] = (out / f"source.{fmt}").read_bytes()
    return files


def test_formats_are_told_by_their_bytes(old_files):
    for fmt, data in old_files.items():
        assert old_format(data) == fmt
        assert detect_format(data) == fmt
    buffer = io.BytesIO()
    WordDocument().save(buffer)
    assert old_format(buffer.getvalue()) is None
    assert old_format(b"A line that mentions {\\rtf1 later") is None
    assert detect_format(b"{\\rtf1\\ansi Hello}") == "rtf"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_old_format_is_imported_with_its_words(old_files, fmt):
    result, source = import_upload(old_files[fmt], "guidance")
    assert source == fmt
    assert result.report[0].startswith("Đã chuyển tệp ")
    assert "bằng LibreOffice" in result.report[0]
    assert result.type_name == "HƯỚNG DẪN"
    assert result.title == LINES[1]
    assert "truyền thống vẻ vang của Đảng bộ và Nhân dân quận" in result.body_html
    assert (result.signer_title, result.signer_name) == ("PHÓ TRƯỞNG BAN", "Nguyễn Thị Hạnh")


def test_web_import_of_a_doc_named_txt(client, users, orgs, old_files):
    """The name says .txt; the bytes say Word 97-2003, and they decide."""
    client.force_login(users["doson.editor"])
    upload = SimpleUploadedFile("ghi-chu.txt", old_files["doc"], content_type="text/plain")
    response = client.post(
        reverse("portal:document_import"),
        {"kind": "guidance", "issuer": orgs["doson-btg"].pk, "file": upload},
    )
    assert response.status_code == 302
    document = Document.objects.get(title=LINES[1])
    assert document.signer_name == "Nguyễn Thị Hạnh"
    assert "tệp Word 97-2003 (.doc)" in document.events.get(action="import").reason


def test_without_libreoffice_the_portal_says_what_to_install(
    client, users, orgs, old_files, settings, tmp_path
):
    settings.SOFFICE_PATH = str(tmp_path / "missing" / "soffice")
    client.force_login(users["doson.editor"])
    upload = SimpleUploadedFile("van-ban.odt", old_files["odt"])
    response = client.post(
        reverse("portal:document_import"),
        {"kind": "guidance", "issuer": orgs["doson-btg"].pk, "file": upload},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Máy chủ chưa cài LibreOffice" in page and "libreoffice-writer-nogui" in page
    assert not Document.objects.exists()
    path = tmp_path / "van-ban.rtf"
    path.write_bytes(old_files["rtf"])
    with pytest.raises(CommandError, match="libreoffice-writer-nogui"):
        call_command(
            "import_document",
            str(path),
            kind="guidance",
            username="doson.editor",
            issuer="doson-btg",
        )


def test_a_hanging_libreoffice_is_killed_at_the_time_limit(settings, tmp_path, old_files):
    pids = tmp_path / "pids"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $$ $! > {pids}\nwait\n")
    script.chmod(0o755)
    settings.SOFFICE_PATH = str(script)
    settings.CONVERT_TIMEOUT_SECONDS = 1
    with pytest.raises(ImportRefused) as refused:
        to_docx(old_files["rtf"], "rtf")
    assert str(refused.value) == TIMED_OUT
    for pid in pids.read_text().split():
        assert ended(int(pid))


def ended(pid: int) -> bool:
    """True once the process has stopped (a zombie waiting for its parent has); a killed
    process may take a moment to be marked so."""
    status = Path(f"/proc/{pid}/status")
    for _ in range(200):
        if not status.exists() or "State:\tZ" in status.read_text():
            return True
        time.sleep(0.05)
    return False


def test_memory_limit_applies_to_libreoffice(settings, old_files):
    settings.CONVERT_MEMORY_MB = 64  # far too little for LibreOffice to start
    with pytest.raises(ImportRefused) as refused:
        to_docx(old_files["odt"], "odt")
    # Refused before LibreOffice when its directory is lost with the cut, after it otherwise.
    message = str(refused.value)
    assert "Không chuyển được tệp sang .docx" in message or "Word 97-2003 (.doc)" in message


def test_a_damaged_old_file_is_refused_in_vietnamese(old_files):
    damaged = old_files["odt"][:200]  # the zip's first entries, then nothing
    assert old_format(damaged) is None  # not even an archive any more: refused as unreadable
    with pytest.raises(ImportRefused):
        detect_format(damaged)
    broken_doc = old_files["doc"][:4096] + b"\x00" * 4096
    with pytest.raises(ImportRefused) as refused:
        import_upload(broken_doc, "guidance")
    # Refused before LibreOffice when its directory is lost with the cut, after it otherwise.
    message = str(refused.value)
    assert "Không chuyển được tệp sang .docx" in message or "Word 97-2003 (.doc)" in message


def test_not_installed_message_names_the_package():
    assert "libreoffice-writer-nogui" in NOT_INSTALLED
    assert os.sep not in NOT_INSTALLED.replace(".docx", "")
