"""The benchmark (`make bench`): rendering, the LibreOffice baseline, cached downloads.

Runs against a throw-away SQLite database loaded with the demo data, in one run on this
machine, and prints every figure with the targets beside it. BENCH_PARTS=render (names from
PARTS, comma-separated) runs only those parts.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SYSTEM_PY = "/usr/bin/python3"  # LibreOffice's `uno` module is packaged for the system Python
LO_RUNS = 5
CLIENTS = 20
DURATION = "10s"


def sh(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True,
                          **kwargs)  # fmt: skip


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", out.stdout).group(1))


def setup(work: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_ROOT": str(work / "private"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(work / "static"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    sh(PY, "manage.py", "migrate", "--noinput", env=env)
    sh(PY, "manage.py", "load_demo", "--force", env=env)
    sh(PY, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", env=env)
    sh(PY, "manage.py", "collectstatic", "--noinput", env=env)
    return env


def documents(env: dict) -> list[dict]:
    code = (
        "import json,django;django.setup();from portal.models import Document as D\n"
        "def path(d,f):\n"
        " s=d.approved_revision.rendered_files.filter(format=f).first()\n"
        " return s.file.path if s else ''\n"
        "print(json.dumps([{'id':d.pk,'kind':d.kind,'title':d.title[:50],"
        "'pdf':path(d,'pdf'),'docx':path(d,'docx')} for d in D.objects.order_by('pk')]))"
    )
    out = sh(PY, "-c", code, env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"})
    return json.loads(out.stdout)


def label(doc: dict) -> str:
    return f"{doc['kind']}: {doc['title']}"


def bench_render(env: dict, docs: list[dict]) -> None:
    print("== Rendering (WeasyPrint, warm worker process, median of 5)")
    print(f"{'document':52} {'pages':>5} {'render s':>9} {'peak MB':>8} {'PDF KB':>7}")
    for doc in docs:
        out = sh(PY, "bench/render_one.py", str(doc["id"]), env=env)
        fig = json.loads(out.stdout.strip().splitlines()[-1])
        pages = pdf_pages(Path(doc["pdf"]))
        doc["render_s"] = fig["median_s"]
        doc["pages"] = pages
        print(f"{label(doc):52.52} {pages:5d} {fig['median_s']:9.3f} "
              f"{fig['peak_mb']:8.0f} {fig['bytes'] / 1024:7.0f}")  # fmt: skip


def libreoffice_warm(paths: list[str]) -> list[dict] | None:
    """LibreOffice kept warm (bench/lo_warm.py, one soffice for all files), or None without uno."""
    has_uno = Path(SYSTEM_PY).exists() and subprocess.run(
        [SYSTEM_PY, "-c", "import uno"], capture_output=True, check=False
    ).returncode == 0  # fmt: skip
    if not has_uno:
        print(f"{SYSTEM_PY} cannot import uno (apt-get install python3-uno): "
              "the LibreOffice warm column is skipped")  # fmt: skip
        return None
    args = [SYSTEM_PY, "bench/lo_warm.py", "--runs", str(LO_RUNS), *paths]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"bench/lo_warm.py failed:\n{out.stderr}")
    return json.loads(out.stdout)["files"]


def libreoffice_process(office: str, paths: list[str]) -> list[float]:
    """Seconds of one whole `soffice --convert-to pdf` process (start-up included) per file."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        convert = [office, profile, "--headless", "--convert-to", "pdf", "--outdir", tmp]
        if paths:  # the first start creates the profile; not counted
            subprocess.run([*convert, paths[0]], capture_output=True, check=False)
        for path in paths:
            start = time.perf_counter()
            subprocess.run([*convert, path], capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    return times


def bench_libreoffice(docs: list[dict]) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    print("\n== Baseline: LibreOffice converting the project's own DOCX export of each document")
    if not office:
        print("libreoffice not installed (apt-get install libreoffice-writer-nogui): skipped")
        return
    with_docx = [d for d in docs if d["docx"]]
    for doc in docs:
        if not doc["docx"]:
            print(f"{label(doc):52.52} no DOCX stored: skipped")
    paths = [d["docx"] for d in with_docx]
    warm = libreoffice_warm(paths) or [None] * len(paths)
    process = libreoffice_process(office, paths)
    print(f"warm: one soffice kept running, median of {LO_RUNS} (load, PDF export, close); "
          "process: `soffice --convert-to pdf`, start-up included")  # fmt: skip
    print(f"{'document':52} {'pages':>7} {'ours s':>7} {'LO warm':>8} {'LO proc':>8} "
          f"{'ours/LO warm':>12}")  # fmt: skip
    for doc, lo, elapsed in zip(with_docx, warm, process, strict=True):
        pages = f"{doc['pages']}/{lo['pages'] if lo else '-'}"
        lo_s = f"{lo['median_s']:8.3f}" if lo else f"{'-':>8}"
        ratio = f"{doc['render_s'] / lo['median_s']:12.2f}" if lo else f"{'-':>12}"
        print(f"{label(doc):52.52} {pages:>7} {doc['render_s']:7.3f} {lo_s} "
              f"{elapsed:8.2f} {ratio}")  # fmt: skip
    print("pages: ours/LibreOffice's layout of our DOCX; target ours/LO warm ≤ 1 for each")


def session_cookie(env: dict, username: str) -> str:
    code = (
        "import django;django.setup();"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY;from importlib import import_module;from django.conf import settings;"
        f"u=get_user_model().objects.get(username='{username}');"
        "s=import_module(settings.SESSION_ENGINE).SessionStore();s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash();s.create();print(s.session_key)"
    )
    out = sh(PY, "-c", code, env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"})
    return out.stdout.strip()


def wrk(url: str, cookie: str = "") -> tuple[float, float, float]:
    args = ["wrk", "-t", "2", "-c", str(CLIENTS), "-d", DURATION, "--latency", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} failed responses\n{out}")
    return rate, pct("50"), pct("99")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def signed_link(url: str, cookie: str) -> str:
    """The signed link the access-checked view hands a reader (the Location of its 302)."""
    opener = urllib.request.build_opener(_NoRedirect)
    headers = {"Cookie": f"sessionid={cookie}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (own server)
    try:
        opener.open(request, timeout=10)  # noqa: S310 (own server)
    except urllib.error.HTTPError as redirect:
        if redirect.code == 302:
            return redirect.headers["Location"]
        raise
    raise SystemExit(f"{url} did not redirect to a signed link")


def bench_downloads(env: dict, docs: list[dict]) -> None:
    report = next(d for d in docs if d["kind"] == "report")
    size = Path(report["pdf"]).stat().st_size
    static_copy = Path(env["STATIC_ROOT"]) / "bench-same-size.pdf"
    shutil.copyfile(report["pdf"], static_copy)
    cookie = session_cookie(env, "hp.approver")
    port = "8765"
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "portal.wsgi",
        ],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 (own server)
                break
            except OSError:
                time.sleep(0.2)
        check_url = f"{base}/van-ban/{report['id']}/pdf/"
        link = signed_link(check_url, cookie)
        c_rate, c_p50, c_p99 = wrk(check_url, cookie)
        rate, p50, p99 = wrk(base + link, cookie)
        s_rate, s_p50, s_p99 = wrk(f"{base}/static/bench-same-size.pdf")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    print(f"\n== Cached downloads: gunicorn (gunicorn.conf.py), {CLIENTS} clients, {DURATION}")
    print(f"file size {size / 1024:.0f} KB")
    print(f"{'':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'stored PDF via its signed link':32} {rate:8.0f} {p50:8.1f} {p99:8.1f}")
    print(f"{'WhiteNoise static, same size':32} {s_rate:8.0f} {s_p50:8.1f} {s_p99:8.1f}")
    print(f"ratio PDF/WhiteNoise: {rate / s_rate:.2f}")
    print(f"access check and receipt (/van-ban/ID/pdf/ → 302 to the link): {c_rate:.0f} req/s, "
          f"p50 {c_p50:.1f} ms, p99 {c_p99:.1f} ms")  # fmt: skip


def bench_rendering(env: dict, docs: list[dict]) -> None:
    bench_render(env, docs)
    bench_libreoffice(docs)


def bench_scale(env: dict, docs: list[dict]) -> None:
    """S, M and L archives on PostgreSQL (bench/scale.py): its own databases, not the demo's."""
    from scale import main as scale_main

    scale_main()


# The benchmark's parts by name, run in this order; BENCH_PARTS=render,downloads picks some.
PARTS = {
    "render": bench_rendering,
    "downloads": bench_downloads,
    "scale": bench_scale,
}


def selected_parts() -> list[str]:
    names = [n.strip() for n in os.environ.get("BENCH_PARTS", "").split(",") if n.strip()]
    unknown = sorted(set(names) - set(PARTS))
    if unknown:
        raise SystemExit(f"BENCH_PARTS: unknown {', '.join(unknown)}; parts: {', '.join(PARTS)}")
    return [name for name in PARTS if name in names] if names else list(PARTS)


def main() -> None:
    parts = selected_parts()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        env = setup(Path(tmp))
        docs = documents(env)
        for name in parts:
            PARTS[name](env, docs)
    print(
        "\nTargets: each seed's warm render ≤ LibreOffice kept warm (ours/LO warm ≤ 1); "
        "peak < 300 MB; PDF < 400 KB; downloads ≥ 300/s, p99 < 50 ms, ≥ half of WhiteNoise."
    )


if __name__ == "__main__":
    main()
