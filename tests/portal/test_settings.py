"""Settings come from the environment; production mode passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_bad_values_are_refused_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be one of"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER must be an integer"):
        env_int("X_NUMBER", 1)


def test_production_requires_a_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_without_debug_set_the_portal_is_in_production_mode():
    result = _manage("check")  # no DEBUG at all: the development key is not used
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="k" * 20 + "x9!Qz" * 10, ALLOWED_HOSTS="portal.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_transactions_take_the_write_lock_when_they_begin(tmp_path):
    script = (
        "import threading; from django.db import connection, transaction; "
        "from portal.models import Organisation as O; "
        "errors = []\n"
        "def save(n):\n"
        "    try:\n"
        "        for i in range(5):\n"
        "            with transaction.atomic():\n"
        "                list(O.objects.all()[:1])\n"
        "                O.objects.create(code=f'o{n}-{i}', name='x', kind='cell')\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(O.objects.count(), errors)"
    )
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert _manage("migrate", "--noinput", **env).returncode == 0
    result = _manage("shell", "--verbosity", "0", "-c", script, **env)
    assert result.stdout.strip() == "20 []", result.stdout + result.stderr


def test_rendered_files_live_beside_the_media_unless_told(tmp_path):
    media = tmp_path / "volume" / "media"
    script = "from django.conf import settings; print(settings.PRIVATE_ROOT)"
    result = _manage("shell", "--verbosity", "0", "-c", script, DEBUG="1", MEDIA_ROOT=str(media))
    assert result.stdout.strip() == str(tmp_path / "volume" / "private"), result.stderr


def test_database_connections_persist_and_are_checked_before_reuse():
    show = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = _manage("shell", "-c", show, DEBUG="1")
    assert result.stdout.splitlines()[-1].split() == ["60", "True"], result.stderr
    result = _manage("shell", "-c", show, DEBUG="1", DB_CONN_MAX_AGE="0")
    assert result.stdout.splitlines()[-1].split() == ["0", "True"], result.stderr
