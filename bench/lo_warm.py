"""LibreOffice kept warm: convert DOCX files to PDF through one running soffice; print JSON.

Run with the system Python, which has LibreOffice's `uno` module (Debian: python3-uno):
    /usr/bin/python3 bench/lo_warm.py [--runs 5] a.docx b.docx ...
It starts `soffice --headless` listening on a local socket with a throw-away user profile,
converts each file once untimed (as a server that has already served a document), then RUNS
times timed (load hidden, export with writer_pdf_Export, close), and shuts soffice down.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def props(**values: object) -> tuple:
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


def start_office(office: str, profile: Path, port: int) -> subprocess.Popen:
    args = [
        office,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        f"--accept=socket,host=127.0.0.1,port={port};urp;",
    ]
    # Its own process group: soffice is a wrapper script around soffice.bin.
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip


def connect(port: int, office: subprocess.Popen):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            context = resolver.resolve(url)
            break
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("soffice did not start listening") from None
            time.sleep(0.1)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def convert(desktop, source: Path, target: Path) -> int:
    """Load hidden, export to PDF, close; return the page count Writer laid out."""
    document = desktop.loadComponentFromURL(source.as_uri(), "_blank", 0, props(Hidden=True))
    try:
        pages = document.getCurrentController().getPropertyValue("PageCount")
        document.storeToURL(target.as_uri(), props(FilterName="writer_pdf_Export"))
    finally:
        document.close(True)
    return pages


def measure(desktop, source: Path, target: Path, runs: int) -> dict:
    pages = convert(desktop, source, target)  # untimed: first load of this file's fonts etc.
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        convert(desktop, source, target)
        times.append(time.perf_counter() - start)
    return {"path": str(source), "median_s": statistics.median(times), "min_s": min(times),
            "pages": pages, "pdf_bytes": target.stat().st_size}  # fmt: skip


def stop_office(desktop, office: subprocess.Popen) -> None:
    # The bridge may go away while terminate() returns: expected.
    with contextlib.suppress(DisposedException):
        desktop.terminate()
    try:
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(office.pid, signal.SIGKILL)
        office.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        raise SystemExit("soffice not found (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="lo-warm-") as tmp:
        port = free_port()
        process = start_office(office, Path(tmp) / "profile", port)
        try:
            desktop = connect(port, process)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        try:
            results = [
                measure(desktop, path.resolve(), Path(tmp) / f"{index}.pdf", args.runs)
                for index, path in enumerate(args.files)
            ]
        finally:
            stop_office(desktop, process)
    json.dump({"runs": args.runs, "files": results}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
