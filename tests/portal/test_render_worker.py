"""A worker killed mid-render, and the next one finishing its work: real processes sharing
one database (a file for SQLite; a database of its own on the PostgreSQL server of
DATABASE_URL), since the test's own database transaction is invisible to other processes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120


@pytest.fixture
def database_url(tmp_path):
    """An empty database that every process of the test shares, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    server = dj_database_url.parse(url)
    name = f"{server['NAME']}_render_worker_{os.getpid()}"
    params = {"host": server["HOST"], "port": server["PORT"] or 5432, "user": server["USER"],
              "password": server["PASSWORD"] or None, "dbname": "postgres"}  # fmt: skip
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**params, autocommit=True) as connection:
        connection.execute(drop)
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(**params, autocommit=True) as connection:
        connection.execute(drop)


class Instance:
    """The portal's processes on one database and one file volume."""

    def __init__(self, folder: Path, database_url: str):
        self.folder = folder
        self.hold = folder / "hold"
        self.hold.mkdir()
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "tests.worker_crash.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_ROOT": str(folder / "private"),
            "RENDER_HOLD_DIR": str(self.hold),
            "ALLOWED_HOSTS": "testserver",
        }
        self.workers: list[subprocess.Popen] = []

    def run(self, *args: str) -> dict:
        """One step (tests.worker_crash.steps) in its own process; its JSON answer."""
        done = subprocess.run([sys.executable, "-m", "tests.worker_crash.steps", *args],
                              cwd=ROOT, env=self.env, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def manage(self, *args: str) -> None:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr

    def worker(self, worker_id: str, **env: str) -> subprocess.Popen:
        """`manage.py render_worker`, as production runs it, its output in a file."""
        log = (self.folder / f"{worker_id}.log").open("w")
        command = [sys.executable, "manage.py", "render_worker", "--no-reload",
                   "--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        self.workers.append(process)
        return process

    def log(self, worker_id: str) -> str:
        return (self.folder / f"{worker_id}.log").read_text()

    def wait_until_holding(self, worker: subprocess.Popen, worker_id: str) -> None:
        """Until the worker's render has begun and stands still (tests.worker_crash.apps)."""
        marker = self.hold / f"holding-{worker.pid}"
        deadline = time.monotonic() + WAIT_SECONDS
        while not marker.exists():
            assert worker.poll() is None, self.log(worker_id)
            assert time.monotonic() < deadline, self.log(worker_id)
            time.sleep(0.05)

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def instance(tmp_path, database_url):
    portal = Instance(tmp_path, database_url)
    portal.manage("migrate", "--noinput", "-v0")
    yield portal
    portal.stop()


def test_a_worker_killed_mid_render_leaves_the_pdf_to_the_next_one(instance):
    document = instance.run("approve")["document"]
    first = instance.worker("worker-a")
    instance.wait_until_holding(first, "worker-a")
    during = instance.run("state", str(document))
    assert during["tasks"] == [["RUNNING", ["worker-a"]]]
    assert during["formats"] == []

    first.send_signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    (instance.hold / "release").touch()  # the next worker's render goes through
    # Started after the kill: its first pass takes the task back at once (the time limit is
    # not what this test waits for), its later passes every second.
    instance.worker("worker-b", TASK_LOST_AFTER_SECONDS="0", TASK_RECOVERY_INTERVAL_SECONDS="1")
    after = instance.run("state", str(document), "--wait")

    assert after["tasks"] == [["SUCCESSFUL", ["worker-a", "worker-b"]]], instance.log("worker-b")
    assert after["formats"] == ["docx", "hold", "pdf"]
    assert after["download"] == {"status": 302, "file_status": 200, "head": "%PDF-"}
    actions = [action for action, _revision, _reason in after["events"]]
    assert actions == ["create", "submit", "forward", "approve", "publish", "render"]
    assert "xếp lại 1 việc bị bỏ dở" in instance.log("worker-b")

    # A task left running by a worker that is gone, found by the live worker's periodic pass
    # (its first pass ran before this task existed).
    ghost = instance.run("approve", "--claimed-by", "worker-gone")["document"]
    recovered = instance.run("state", str(ghost), "--wait")
    assert recovered["tasks"] == [["SUCCESSFUL", ["worker-gone", "worker-b"]]]
    assert recovered["download"]["head"] == "%PDF-"
    actions = [action for action, _revision, _reason in recovered["events"]]
    assert actions == ["create", "submit", "forward", "approve", "publish", "render"]
    assert "lost with worker ['worker-gone']: queued again" in instance.log("worker-b")
