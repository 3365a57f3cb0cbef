"""The benchmark's scale part: every page at S, M and L, publication day, approval day.

On PostgreSQL, with archives from `manage.py generate_archive` built once and reused
(bench/scale_archive.py). Each size is served by gunicorn (gunicorn.conf.py) in production
mode; query counts come from Django's test client in the same settings
(bench/scale_probe.py). Runs that write work on a copy of an archive, dropped afterwards.

Environment: BENCH_SCALE_SIZES (default S,M,L), BENCH_SCALE_REQUESTS (20 per page and
persona), BENCH_SCALE_PUBLICATION (the size of publication day, M), BENCH_CACHE (where the
archives' markers and files are kept, ~/.cache/portal-bench).
"""

import json
import math
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
from scale_archive import (
    CACHE,
    PY,
    ROOT,
    SERVER,
    archive_ready,
    database_copy,
    database_drop,
    database_name,
    size_env,
)

REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "20"))
WARMUP = 2
PORT = "8766"
PUBLICATION_CLIENTS = 64  # threads enough for the arrivals; latency is counted from arrival
PUBLICATION_CELLS = 4000  # the publication day: this many secretaries click at most
PUBLICATION_WINDOW_S = 60  # ... arriving evenly over this minute (an open loop)
APPROVALS = 50
TARGET_P95_MS = 150


def probe(env: dict, *args: str) -> dict:
    out = subprocess.run([PY, "bench/scale_probe.py", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode:
        raise SystemExit(f"bench/scale_probe.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, cookie: str) -> tuple[int, str]:
    """Status and Location of one request, the body read in full."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (own server)
    try:
        with OPENER.open(request, timeout=30) as response:  # noqa: S310 (own server)
            response.read()
            return response.status, ""
    except urllib.error.HTTPError as answer:
        answer.read()
        return answer.code, answer.headers.get("Location", "")


class Server:
    """gunicorn with the project's configuration, for one database."""

    def __init__(self, env: dict):
        self.base = f"http://127.0.0.1:{PORT}"
        self.process = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def measure_size(size: str) -> dict:
    """Per (page, persona): status, query count, p50 and p95 over REQUESTS requests."""
    env = size_env(size)
    found = probe(env, "pages")
    rows: dict[tuple[str, str], dict] = {}
    skipped: list[str] = []
    server = Server(env)
    try:
        for persona in found["personas"]:
            cookie = f"{found['cookie']}={persona['session']}"
            for page in persona["pages"]:
                key = (page["page"], persona["persona"])
                wanted = 302 if page["url"].endswith("/pdf/") else 200
                if page["status"] != wanted:
                    skipped.append(f"{page['page']} ({persona['persona']}): {page['status']}")
                    continue
                url = server.base + page["url"]
                times, errors = [], 0
                for n in range(WARMUP + REQUESTS):
                    started = time.perf_counter()
                    status, _ = fetch(url, cookie)
                    elapsed = (time.perf_counter() - started) * 1000
                    errors += status != wanted
                    if n >= WARMUP:
                        times.append(elapsed)
                rows[key] = {"queries": page["queries"], "p50": percentile(times, 0.5),
                             "p95": percentile(times, 0.95), "errors": errors}  # fmt: skip
    finally:
        server.stop()
    return {"rows": rows, "skipped": skipped}


def print_pages(results: dict[str, dict]) -> None:
    sizes = list(results)
    first, last = sizes[0], sizes[-1]
    keys = list(dict.fromkeys(k for r in results.values() for k in r["rows"]))
    span = "/".join(sizes)
    print(f"\n== Pages at {span}: queries, p50 and p95 ms over {REQUESTS} sequential requests "
          f"through gunicorn (after {WARMUP} warm-up)")  # fmt: skip
    qw, tw = 5 * len(sizes), 7 * len(sizes)
    print(f"{'page':26} {'persona':16} {'queries ' + span:>{qw + 9}} {'p50 ' + span:>{tw + 5}} "
          f"{'p95 ' + span:>{tw + 5}} {f'{last}/{first}':>6}  missed")  # fmt: skip
    for key in keys:
        got = [results[s]["rows"].get(key) for s in sizes]
        if got[0] is None or got[-1] is None:
            continue
        queries = "".join(f"{g['queries']:5d}" if g else "    -" for g in got)
        p50 = "".join(f"{g['p50']:7.1f}" if g else "      -" for g in got)
        p95 = "".join(f"{g['p95']:7.1f}" if g else "      -" for g in got)
        ratio = got[-1]["p95"] / got[0]["p95"]
        missed = []
        if got[-1]["p95"] > TARGET_P95_MS:
            missed.append(f"{last} p95>{TARGET_P95_MS}")
        if got[-1]["queries"] != got[0]["queries"]:
            missed.append("queries grow")
        if ratio >= 2:
            missed.append("growth≥2×")
        if any(g and g["errors"] for g in got):
            missed.append("errors")
        print(f"{key[0]:26} {key[1]:16} {queries:>{qw + 9}} {p50:>{tw + 5}} {p95:>{tw + 5}} "
              f"{ratio:6.2f}  {'** ' + ', '.join(missed) if missed else ''}")  # fmt: skip
    for size in sizes:
        if results[size]["skipped"]:
            print(f"not measured at {size} (status other than 200/302 for that persona): "
                  + "; ".join(results[size]["skipped"]))  # fmt: skip
    print("bulk approve /van-ban/phe-duyet/ answers POST only (measured by approval day).")


def publication_day(size: str = "L") -> None:
    """Every secretary of a city's cells (at most PUBLICATION_CELLS) clicks download once,
    arriving evenly over PUBLICATION_WINDOW_S: each one's time counts from its arrival, so
    waiting for a free client or a busy server is in it (no coordinated omission)."""
    copy = f"{database_name(size)}_publication"
    database_copy(database_name(size), copy)
    env = size_env(size, database=copy)
    try:
        setup = probe(env, "publication")
        sessions: queue.Queue = queue.Queue()
        chosen = setup["sessions"][:PUBLICATION_CELLS]
        gap = PUBLICATION_WINDOW_S / len(chosen)
        for n, key in enumerate(chosen):
            sessions.put((n * gap, f"{setup['cookie']}={key}"))
        server = Server(env)
        click = f"{server.base}/van-ban/{setup['document']}/pdf/"
        times: list[float] = []
        errors: list[str] = []

        def secretary() -> None:
            while True:
                try:
                    arrival, cookie = sessions.get_nowait()
                except queue.Empty:
                    return
                started = opened + arrival
                time.sleep(max(0.0, started - time.perf_counter()))
                try:
                    status, location = fetch(click, cookie)
                    if status != 302:
                        errors.append(f"click {status}")
                        continue
                    status, _ = fetch(urllib.parse.urljoin(click, location), cookie)
                    if status != 200:
                        errors.append(f"file {status}")
                        continue
                except OSError as failed:
                    errors.append(str(failed))
                    continue
                times.append((time.perf_counter() - started) * 1000)

        opened = started = time.perf_counter()
        try:
            clients = [threading.Thread(target=secretary) for _ in range(PUBLICATION_CLIENTS)]
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            total = time.perf_counter() - started
        finally:
            server.stop()
        counted = probe(env, "publication-counted", str(setup["document"]))
    finally:
        database_drop(copy)
    cells = min(len(setup["sessions"]), PUBLICATION_CELLS)
    print(f"\n== Publication day at {size}: a city bulletin to every cell under its city "
          f"({setup['audience']}), secretaries arriving evenly over {PUBLICATION_WINDOW_S} s, "
          f"time counted from each one's arrival")  # fmt: skip
    if cells < PUBLICATION_CELLS:
        print(f"the archive's largest city audience has {cells:,} cells (fewer than "
              f"{PUBLICATION_CELLS:,}): all of them download")  # fmt: skip
    else:
        print(f"{cells:,} of the audience's {len(setup['sessions']):,} cells download")
    print(f"secretaries {cells:,}; each: click /van-ban/ID/pdf/ (access check, receipt, 302) "
          "then the signed file")  # fmt: skip
    if times:
        print(f"total {total:.1f} s ({len(times) / total:.0f} downloads/s); per secretary "
              f"p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
              f"p99 {percentile(times, 0.99):.1f} ms; errors {len(errors)}"
              + (f" ({errors[0]})" if errors else ""))  # fmt: skip
    print(f"receipts afterwards: {counted['receipts']:,} for {counted['cells']:,} cells "
          f"(expected {cells:,}, one each)")  # fmt: skip
    print("Targets: ≤ 60 s in all, p99 < 300 ms, no error, exactly one receipt per cell.")


def rendered_count(database: str, ids: list[int]) -> int:
    sql = (
        "SELECT count(DISTINCT f.revision_id) FROM portal_renderedfile f "
        "JOIN portal_document d ON d.approved_revision_id = f.revision_id "
        "WHERE d.id = ANY(%s) AND f.format = 'pdf'"
    )
    with psycopg.connect(f"{SERVER}/{database}") as conn:
        return conn.execute(sql, [ids]).fetchone()[0]


def approval_day(size: str = "S") -> None:
    """APPROVALS documents approved one after another while two task workers render them."""
    copy = f"{database_name(size)}_approval"
    database_copy(database_name(size), copy)
    workers: list[subprocess.Popen] = []
    try:
        with tempfile.TemporaryDirectory(prefix="portal-bench-approval-") as files:
            env = size_env(size, database=copy, files=Path(files))
            ids = probe(env, "approval-ready", str(APPROVALS))["documents"]
            for _ in range(2):
                workers.append(subprocess.Popen(
                    [PY, "manage.py", "render_worker", "--no-reload", "--no-startup-delay"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                ))  # fmt: skip
            time.sleep(3)  # both workers up and polling
            started = time.perf_counter()
            approved = probe(env, "approve", ",".join(map(str, ids)))
            done = rendered_count(copy, ids)
            while done < len(ids) and time.perf_counter() - started < 120:
                time.sleep(0.2)
                done = rendered_count(copy, ids)
            elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        database_drop(copy)
    print(f"\n== Approval day at {size}: {len(ids)} submitted documents approved through "
          "workflow.document_approve, two render_worker processes")  # fmt: skip
    print(f"approvals {approved['approve_s']:.1f} s; all rendered (PDF stored) after "
          f"{elapsed:.1f} s from the first approval (including the approving script's start); "
          f"rendered {done} of {len(ids)}, lost {len(ids) - done}")  # fmt: skip
    print("Target: 50 approvals rendered within 30 s with two workers, none lost.")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # progress lines show as they come
    sizes = os.environ.get("BENCH_SCALE_SIZES", "S,M,L").split(",")
    print(f"== Scale: generated archives on PostgreSQL, cached in {CACHE}")
    # An archive built or reused under models ahead of their migrations would not match them.
    check = [PY, "manage.py", "makemigrations", "--check", "--dry-run"]
    pending = subprocess.run(check, cwd=ROOT, env=size_env(sizes[0]), capture_output=True,
                             text=True)  # fmt: skip
    if pending.returncode:
        raise SystemExit(f"models changed without a migration: no archive built\n{pending.stdout}")
    for size in sizes:
        started = time.perf_counter()
        marker, built = archive_ready(size)
        how = f"built in {time.perf_counter() - started:.0f} s" if built else "reused"
        migrations = ", ".join(marker["latest_migrations"].values())
        print(f"{size}: {how} ({marker['built_at']}, migrations {migrations}): "
              f"{marker['summary']}")  # fmt: skip
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, check=True,
                   env=size_env(sizes[0]), capture_output=True)  # fmt: skip
    results = {}
    for size in sizes:
        started = time.perf_counter()
        results[size] = measure_size(size)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{size}: pages measured in {time.perf_counter() - started:.0f} s "
              f"(load average before: {load})")  # fmt: skip
    print_pages(results)
    print(f"Targets: at L p95 ≤ {TARGET_P95_MS} ms, the same queries at S and L, growth < 2×.")
    # M's cities have 1,000 cells each; L's larger one has the 4,000 secretaries clicking.
    publication_at = os.environ.get("BENCH_SCALE_PUBLICATION", "L")
    if publication_at in sizes:
        publication_day(publication_at)
    approval_day(sizes[0])


if __name__ == "__main__":
    main()
