"""Old office formats (.doc, .rtf, .odt) turned into .docx by LibreOffice, then read as .docx.

LibreOffice runs headless in a process of its own, for one file, with:

- a time limit (``CONVERT_TIMEOUT_SECONDS``): the whole process group is killed past it;
- a memory limit (``CONVERT_MEMORY_MB``, the address space, set in the child before it starts);
- its own temporary profile (``-env:UserInstallation``), so conversions never share state or
  wait on each other's lock, and nothing of a file stays behind;
- no network: the environment carries no proxy and points every proxy variable at nowhere, the
  profile is new (LibreOffice's default is not to update linked content of a document it
  converts), and no import filter option that fetches anything is passed. Where the network
  must be shut off for certain, run the portal's workers in a network namespace without
  routes (``unshare -n``) or behind a firewall that refuses their outgoing connections.

The format is decided by the bytes, never by the file's name.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from portal.importing.blocks import ImportRefused

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Every Word 97-2003 file holds a stream of this name in its compound file's directory
# (names are UTF-16LE there). Without it the file is not a .doc LibreOffice can read as
# one: a damaged file, or a password-protected .docx (an "EncryptedPackage" stream), which
# LibreOffice would otherwise import as plain text, garbage and all.
WORD_STREAM = "WordDocument".encode("utf-16-le")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# What the import report calls each format.
FORMAT_NAMES = {
    "doc": "tệp Word 97-2003 (.doc)",
    "rtf": "tệp RTF (.rtf)",
    "odt": "tệp OpenDocument (.odt)",
}

NOT_INSTALLED = gettext_noop(
    "Máy chủ chưa cài LibreOffice nên chưa nhập được tệp .doc, .rtf hoặc .odt. Quản trị viên "
    "cần cài gói libreoffice-writer-nogui (hoặc đặt SOFFICE_PATH chỉ tới chương trình "
    "soffice). Trong lúc chờ, hãy mở tệp trong Word hoặc LibreOffice, lưu dưới dạng .docx "
    "rồi nhập lại."
)
TIMED_OUT = gettext_noop(
    "Chuyển tệp sang .docx quá thời gian cho phép nên đã dừng. Hãy mở tệp trong Word hoặc "
    "LibreOffice, lưu dưới dạng .docx rồi nhập lại."
)
FAILED = gettext_noop(
    "Không chuyển được tệp sang .docx: tệp có thể bị hỏng hoặc có mật khẩu. Hãy mở tệp trong "
    "Word hoặc LibreOffice, bỏ mật khẩu nếu có, lưu dưới dạng .docx rồi nhập lại."
)


def old_format(data: bytes) -> str | None:
    """'doc', 'rtf' or 'odt' when the bytes are one of them, else None."""
    if data.startswith(OLE2_MAGIC):
        return "doc" if WORD_STREAM in data else None
    if data.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return "odt"
        except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError):
            return None
    return None


def soffice_path() -> str | None:
    """The soffice program the setting names (a path or a name on PATH), when it exists."""
    configured = getattr(settings, "SOFFICE_PATH", "") or "soffice"
    if os.sep in configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which(configured)


def _limits(memory_bytes: int):
    """The child's set-up before it runs: a memory ceiling."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return apply


def _environment(home: Path) -> dict[str, str]:
    """A bare environment: its own home, no proxy, nothing of the portal's secrets."""
    nowhere = "http://127.0.0.1:9"  # the discard port: any fetch fails at once
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "http_proxy": nowhere,
        "https_proxy": nowhere,
        "ftp_proxy": nowhere,
        "HTTP_PROXY": nowhere,
        "HTTPS_PROXY": nowhere,
        "no_proxy": "",
    }


def to_docx(data: bytes, fmt: str) -> bytes:
    """The .docx LibreOffice makes of ``data`` (of format ``fmt``); raises ImportRefused."""
    program = soffice_path()
    if program is None:
        raise ImportRefused(NOT_INSTALLED)
    timeout = getattr(settings, "CONVERT_TIMEOUT_SECONDS", 60)
    memory = getattr(settings, "CONVERT_MEMORY_MB", 2048) * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="portal-convert-") as work:
        root = Path(work)
        source = root / f"upload.{fmt}"
        source.write_bytes(data)
        (root / "out").mkdir()
        command = [
            program,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(root / "out"),
            str(source),
        ]
        _run(command, root, timeout=timeout, memory=memory)
        result = root / "out" / "upload.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise ImportRefused(FAILED)
        return result.read_bytes()


def _run(command: list[str], root: Path, *, timeout: float, memory: int) -> None:
    """Run LibreOffice in a session of its own; past the time limit, kill all it started."""
    process = subprocess.Popen(  # noqa: S603 - a fixed command on a file of our own
        command,
        cwd=root,
        env=_environment(root),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_limits(memory),  # noqa: PLW1509 - only setrlimit, no locks taken
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # soffice and everything it started
        process.wait()
        raise ImportRefused(TIMED_OUT) from exc
