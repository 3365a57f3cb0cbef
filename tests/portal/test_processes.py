"""Two application processes on one database: what one learns, the other knows.

Each variant (the database as the cache; Redis by its URL) runs two gunicorn servers with the
repository's gunicorn.conf.py, one worker each, as two machines behind a proxy would, on a
database made for them (a SQLite file, or a PostgreSQL database of its own when DATABASE_URL
names one: pytest-django's test database lives in a transaction no other process sees). The
servers run with DEBUG=1: production mode would add HTTPS-only cookies and need collected
static files, neither of which touches what is shared; the cache, sessions, login limits and
two-step settings are the same in both modes. The clients speak HTTP as a browser behind our
proxy would, each with its own address in X-Forwarded-For (TRUSTED_PROXY_COUNT=1).
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest
import redis
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.demo.tree import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.env import DATABASE_CACHE_BACKEND, REDIS_CACHE_BACKEND, env_cache

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of these tests' own, emptied before and after.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
LOGIN = "/tai-khoan/login/"
LOGOUT = "/tai-khoan/logout/"
TWO_STEP = "/tai-khoan/2fa/authenticate/"
STAFF_PAGE = "/van-ban/"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "Đăng nhập sai quá nhiều lần."


# --- The cache by configuration --------------------------------------------------------


def test_the_cache_is_the_database_unless_a_redis_url_is_given(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env_cache()["BACKEND"] == DATABASE_CACHE_BACKEND
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/2")
    assert env_cache() == {"BACKEND": REDIS_CACHE_BACKEND, "LOCATION": "redis://127.0.0.1:6379/2"}
    monkeypatch.setenv("CACHE_URL", "rediss://:secret@cache.internal:6380/0")
    assert env_cache()["LOCATION"] == "rediss://:secret@cache.internal:6380/0"  # it wins
    monkeypatch.setenv("CACHE_URL", "memcached://:secret@cache.internal")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must start with redis://") as error:
        env_cache()
    assert "secret" not in str(error.value)


def test_no_process_keeps_a_cache_of_its_own():
    assert settings.CACHES["default"]["BACKEND"] == DATABASE_CACHE_BACKEND
    assert all("locmem" not in cache["BACKEND"] for cache in settings.CACHES.values())
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    script = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    env = {**_base_env(), "CACHE_URL": REDIS_URL, "TRUSTED_PROXY_COUNT": "2"}
    result = _manage("shell", "--verbosity", "0", "-c", script, env=env)
    assert result.stdout.split() == [
        REDIS_CACHE_BACKEND,
        "django.contrib.sessions.backends.cached_db",
        "2",
    ], result.stderr


# --- Two processes ---------------------------------------------------------------------


def test_a_logout_on_one_process_ends_the_session_on_the_other(servers):
    one, two = servers
    browser = Browser("198.51.100.1")
    assert browser.sign_in(one, "hbt.editor").status == 302
    assert browser.get(two, STAFF_PAGE).status == 200  # the same session on both
    replayed = Browser("198.51.100.1", cookies=dict(browser.cookies))
    assert browser.post(two, LOGOUT).status == 302
    for server in servers:
        answer = replayed.get(server, STAFF_PAGE)
        assert answer.status == 302 and answer.location.startswith(LOGIN), server


def test_a_code_used_on_one_process_is_refused_on_the_other(servers):
    one, two = servers
    code = _current_code()
    first = Browser("198.51.100.2")
    assert first.sign_in(one, "hp.approver").location == TWO_STEP
    assert first.two_step(one, code).status == 302
    assert first.get(one, STAFF_PAGE).status == 200
    second = Browser("198.51.100.3")
    assert second.sign_in(two, "hp.approver").location == TWO_STEP
    refused = second.two_step(two, code)
    assert refused.status == 200 and "Mã không đúng." in refused.text
    assert second.get(two, STAFF_PAGE).status == 302


def test_ten_wrong_passwords_over_both_lock_that_account_and_that_address_only(servers):
    attacker = Browser("203.0.113.66")
    answers = [
        attacker.sign_in(servers[n % 2], "doson.editor", password="not-the-password")
        for n in range(10)
    ]
    # Five tries per account, counted once for both processes, then refused unchecked.
    assert [_refusal(answer) for answer in answers] == [WRONG] * 5 + [LOCKED] * 5
    owner = Browser("198.51.100.4")  # the account's owner, elsewhere, with the right password
    refused = owner.sign_in(servers[1], "doson.editor")
    assert refused.status == 200 and _refusal(refused) == LOCKED
    colleague = Browser("198.51.100.4")  # the same address, another account: not locked
    assert colleague.sign_in(servers[0], "doson.head").status == 302
    assert colleague.get(servers[1], STAFF_PAGE).status == 200
    # The attacker's address has used up its ten failures a minute, whatever the account.
    assert _refusal(attacker.sign_in(servers[1], "ngoquyen.editor")) == LOCKED


# --- Machinery -------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    text: str


@dataclass
class Browser:
    """One person's browser behind our proxy: its cookies and its address."""

    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, data: dict | None = None) -> Answer:
        # The proxy passes the portal's one public name to every server.
        headers = {"Host": "localhost", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Answer(response.status, response.headers.get("Location", ""), text)
        finally:
            connection.close()

    def get(self, port: int, path: str) -> Answer:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict | None = None) -> Answer:
        if "csrftoken" not in self.cookies:
            self.get(port, LOGIN)
        return self.request(port, "POST", path, data)

    def sign_in(self, port: int, username: str, *, password: str = DEMO_PASSWORD) -> Answer:
        return self.post(port, LOGIN, {"login": username, "password": password})

    def two_step(self, port: int, code: str) -> Answer:
        return self.post(port, TWO_STEP, {"code": code})


def _refusal(answer: Answer) -> str:
    for message in (WRONG, LOCKED):
        if message in answer.text:
            return message
    return f"{answer.status} {answer.location}"


def _current_code() -> str:
    from allauth.mfa import app_settings

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def _base_env() -> dict[str, str]:
    drop = {"CACHE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_CLIENT_IP_HEADER"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "tests.process_settings"}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    """A migrated database with the demo data, made and dropped here (SQLite or PostgreSQL)."""
    folder = tmp_path_factory.mktemp("processes")
    given = os.environ.get("DATABASE_URL", "")
    postgres = given.startswith(("postgres://", "postgresql://"))
    if postgres:
        name = f"portal_processes_{os.getpid()}"
        admin_url = _postgres_url(given, "postgres")
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        url = _postgres_url(given, name)
    else:
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    env = {
        **_base_env(),
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(folder / "media"),
        "MFA_ENCRYPTION_KEY": "the-key-both-processes-read-from-the-environment",
        "TRUSTED_PROXY_COUNT": "1",
    }
    try:
        for command in (("migrate", "--noinput"), ("load_demo", "--force")):
            result = _manage(*command, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
        # `migrate` made the database cache's table: nothing is left for the operator to do.
        result = _manage("createcachetable", "--dry-run", env=env)
        assert "Cache table 'portal_cache' already exists." in result.stdout, result.stdout
        yield env, folder
    finally:
        if postgres:
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL)")
    return client


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _wait_until_serving(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if Browser("127.0.0.1").get(port, "/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer on port {port}:\n{log.read_text()}")


@pytest.fixture(scope="module", params=["database cache", "redis"])
def servers(request, shared_database):
    """Two servers on the shared database, with the cache of the variant."""
    env, folder = shared_database
    redis_client = None
    if request.param == "redis":
        redis_client = _redis_or_skip()
        redis_client.flushdb()
        env = {**env, "CACHE_URL": REDIS_URL}
    log = folder / f"servers-{request.param.replace(' ', '-')}.log"
    ports = (_free_port(), _free_port())
    processes = [_start(env, port, log) for port in ports]
    try:
        for process, port in zip(processes, ports, strict=True):
            _wait_until_serving(process, port, log)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if redis_client is not None:
            redis_client.flushdb()
