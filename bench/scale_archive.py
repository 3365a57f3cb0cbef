"""The scale benchmark's archives: S, M and L on PostgreSQL, built once and reused.

Each size lives in its own database (bench_scale_s, _m, _l) with its media beside a marker
file in the cache directory. The marker holds a fingerprint of the generator and of every
migration: when either changes, the size is built again; otherwise the database is reused.
"""

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CACHE = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "portal-bench"))
SERVER = "postgres://postgres@127.0.0.1:5432"
GENERATOR = ROOT / "portal" / "demo" / "archive.py"


def database_name(size: str) -> str:
    return f"bench_scale_{size.lower()}"


def admin_sql(*statements: str) -> None:
    """Statements on the server's maintenance database (CREATE/DROP DATABASE)."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def database_exists(name: str) -> bool:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def database_copy(source: str, copy: str) -> None:
    """A throw-away copy of an archive, for runs that write (publication, approval)."""
    admin_sql(f'DROP DATABASE IF EXISTS "{copy}"', f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')


def database_drop(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def size_env(size: str, database: str = "", files: Path | None = None) -> dict:
    """Production settings for one size (DB_CONN_MAX_AGE left at the project default)."""
    files = files or CACHE / size
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database or database_name(size)}",
        "MEDIA_ROOT": str(files / "media"),
        "PRIVATE_ROOT": str(files / "private"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(CACHE / "static"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": str(ROOT),
    }
    for inherited in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DB_CONN_MAX_AGE", "CACHE_URL", "REDIS_URL"):
        env.pop(inherited, None)
    return env


def migration_files() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/migrations/0*.py"))


def fingerprint() -> dict:
    """What the archive depends on: the generator and the migrations, by content."""
    digest = hashlib.sha256(GENERATOR.read_bytes())
    for path in migration_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    latest: dict[str, str] = {}
    for path in migration_files():
        latest[path.parent.parent.name] = path.stem
    return {"key": digest.hexdigest(), "latest_migrations": latest}


def marker_path(size: str) -> Path:
    return CACHE / size / "archive.json"


def archive_current(size: str) -> dict | None:
    """The marker of a reusable archive of this size, or None when it must be built."""
    try:
        marker = json.loads(marker_path(size).read_text())
    except (OSError, ValueError):
        return None
    if marker.get("key") != fingerprint()["key"] or not database_exists(database_name(size)):
        return None
    return marker


def archive_build(size: str) -> dict:
    """Build the size into a fresh database (migrate, generate_archive) and mark it."""
    marker_path(size).unlink(missing_ok=True)
    name = database_name(size)
    database_drop(name)
    admin_sql(f'CREATE DATABASE "{name}"')
    env = size_env(size)
    started = time.monotonic()
    subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    out = subprocess.run([PY, "manage.py", "generate_archive", "--size", size], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True)  # fmt: skip
    marker = {
        **fingerprint(),
        "size": size,
        "generator_commit": subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", str(GENERATOR)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),  # fmt: skip
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "build_s": round(time.monotonic() - started, 1),
        "summary": out.stdout.strip().splitlines()[-1],
    }
    marker_path(size).parent.mkdir(parents=True, exist_ok=True)
    marker_path(size).write_text(json.dumps(marker, ensure_ascii=False, indent=1))
    return marker


def archive_ready(size: str) -> tuple[dict, bool]:
    """The size's marker, building the archive first when needed; and whether it was built."""
    marker = archive_current(size)
    if marker is not None:
        return marker, False
    return archive_build(size), True


if __name__ == "__main__":
    for wanted in sys.argv[1:] or ["S", "M", "L"]:
        got, built = archive_ready(wanted)
        print(wanted, "built" if built else "reused", got["build_s"], "s", got["summary"])
