"""Password reset by mail, through a real SMTP server on loopback, in Vietnamese."""

import os
import re
import socket
import subprocess
import sys
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from portal.demo.tree import DEMO_PASSWORD
from portal.env import env_email

RESET = "/tai-khoan/password/reset/"
SECRETARY = "vanhuong.secretary"
ADDRESS = "vanhuong.secretary@example.org"
SMTP_USER, SMTP_PASSWORD = "portal", "s3cret:@/x"  # ":" "@" "/" percent-encoded in the URL
SENDER = "Cổng văn bản tuyên giáo <noreply@example.org>"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
LINK = re.compile(r"http://testserver(/tai-khoan/password/reset/key/[^\s\"<]+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the SMTP server accepted, in order."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def smtp_server():
    """An SMTP server on 127.0.0.1 that requires the portal's user and password."""
    mailbox = Mailbox()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=False,  # loopback only; TLS is the relay's business in production
    )
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings, monkeypatch):
    """The portal sending through that server, configured as an operator would: EMAIL_URL."""
    controller, mailbox = smtp_server
    mailbox.envelopes.clear()
    monkeypatch.setenv(
        "EMAIL_URL", f"smtp://{SMTP_USER}:s3cret%3A%40%2Fx@127.0.0.1:{controller.port}"
    )
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", SENDER)
    email = env_email(debug=False)
    settings.EMAIL_BACKEND = email.backend
    settings.EMAIL_HOST, settings.EMAIL_PORT = email.host, email.port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = email.user, email.password
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = email.use_tls, email.use_ssl
    settings.EMAIL_SENDS, settings.DEFAULT_FROM_EMAIL = email.sends, email.from_email
    return mailbox


def _message(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def _sign_in(password: str) -> int:
    response = Client().post("/tai-khoan/login/", {"login": SECRETARY, "password": password})
    return response.status_code


def test_password_reset_end_to_end_through_smtp(client, users, mailbox):
    asked = client.post(RESET, {"email": ADDRESS})
    assert asked.status_code == 302 and asked["Location"] == "/tai-khoan/password/reset/done/"
    done = client.get(asked["Location"]).content.decode()
    assert "Hãy mở hộp thư" in done and "thư rác" in done

    (envelope,) = mailbox.envelopes
    assert envelope.rcpt_tos == [ADDRESS]
    message = _message(envelope)
    # (the parser keeps the blank that folding put before the encoded words)
    assert message["Subject"].strip() == "Đặt lại mật khẩu trên Cổng văn bản tuyên giáo"
    assert message["From"] == SENDER and message["To"] == ADDRESS
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Kính gửi đồng chí Phan Văn Hải,")
    assert "tài khoản vanhuong.secretary" in text and "chỉ dùng được một lần" in text
    assert "You're receiving" not in text and "Hello from" not in text
    html = message.get_body(("html",)).get_content()
    assert '<html lang="vi">' in html and "Kính gửi đồng chí Phan Văn Hải" in html
    path = LINK.search(text).group(1)
    assert f'href="http://testserver{path}"' in html

    form_url = client.get(path)["Location"]  # the key moves into the session
    form = client.get(form_url).content.decode()
    assert "<h1>Đặt mật khẩu mới</h1>" in form and "Nhập lại mật khẩu mới" in form
    mismatch = client.post(form_url, {"password1": "cay-bang-do-2025", "password2": "khac"})
    assert "Hai lần nhập mật khẩu phải giống nhau." in mismatch.content.decode()
    changed = client.post(
        form_url, {"password1": "cay-bang-do-2025", "password2": "cay-bang-do-2025"}
    )
    assert changed.status_code == 302
    page = client.get(changed["Location"]).content.decode()
    assert "Đã đặt mật khẩu mới" in page and "Đã đổi mật khẩu." in page

    assert _sign_in(DEMO_PASSWORD) == 200  # the form again, with its error
    assert _sign_in("cay-bang-do-2025") == 302
    again = Client().get(path, follow=True).content.decode()
    assert "Liên kết không còn dùng được" in again and "yêu cầu liên kết mới" in again


def test_reset_mail_in_english_for_a_reader_who_chose_english(client, users, mailbox):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(RESET).content.decode()
    assert "Send the password reset link" in page and "Đặt lại" not in page
    assert client.post(RESET, {"email": ADDRESS}).status_code == 302
    message = _message(mailbox.envelopes[0])
    assert message["Subject"].strip() == "Password reset on the Propaganda Documents Portal"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Dear Phan Văn Hải,") and "Kính gửi" not in text


def test_an_address_without_an_account_gets_no_mail_and_the_same_answer(client, users, mailbox):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"].endswith("/reset/done/")
    assert mailbox.envelopes == []


def test_reset_page_is_vietnamese_and_fits_a_phone(client, users):
    page = client.get(RESET).content.decode()
    assert '<html lang="vi">' in page and 'name="viewport"' in page
    assert "<h1>Đặt lại mật khẩu</h1>" in page and "Gửi liên kết đặt lại mật khẩu" in page
    assert 'type="email"' in page and "Forgotten your password" not in page
    assert RESET in client.get("/tai-khoan/login/").content.decode()  # "Quên mật khẩu?"


def test_mail_server_down_is_a_vietnamese_refusal_not_an_error(client, users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    settings.EMAIL_SENDS = True
    response = client.post(RESET, {"email": ADDRESS})
    assert response.status_code == 200
    assert "Chưa gửi được thư đặt lại mật khẩu" in response.content.decode()


def test_without_email_settings_production_refuses_and_says_whom_to_ask(client, users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.EMAIL_SENDS = False
    for response in (client.get(RESET), client.post(RESET, {"email": ADDRESS})):
        assert response.status_code == 200
        page = response.content.decode()
        assert "Cổng chưa được cấu hình gửi thư điện tử" in page
        assert "liên hệ quản trị viên" in page and 'name="email"' not in page


def test_demo_accounts_have_addresses_on_a_reserved_domain(users):
    assert users[SECRETARY].email == ADDRESS
    assert all(user.email.endswith("@example.org") for user in users.values())


# E-mail settings from the environment.


def _production_settings(**env: str) -> subprocess.CompletedProcess:
    script = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL, s.EMAIL_SENDS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEFAULT_FROM"))}
    production = {"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "portal.example"}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", script],
        cwd=django_settings.BASE_DIR, env={**clean, **production, **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_production_reads_the_email_url_and_sends_nothing_without_one():
    relay = _production_settings(
        EMAIL_URL="smtps://portal:pw@relay.example", DEFAULT_FROM_EMAIL="noreply@example.org"
    )
    assert relay.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend", "relay.example", "465", "True", "True"
    ], relay.stderr  # fmt: skip
    unset = _production_settings()
    assert unset.stdout.split()[0] == "django.core.mail.backends.dummy.EmailBackend"
    assert unset.stdout.split()[-1] == "False", unset.stderr


@pytest.fixture
def email_env(monkeypatch):
    names = ["EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
             "EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL"]  # fmt: skip
    for name in names:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_email_url_forms(email_env):
    email_env.setenv("EMAIL_URL", "smtp://mail%40ban.vn:p%40ss@smtp.ban.vn?tls=1")
    email = env_email(debug=True)
    assert (email.host, email.port, email.use_tls, email.use_ssl) == (
        "smtp.ban.vn",
        587,
        True,
        False,
    )
    assert (email.user, email.password, email.sends) == ("mail@ban.vn", "p@ss", True)
    email_env.setenv("EMAIL_URL", "smtps://u:p@smtp.ban.vn")
    assert env_email(debug=True)[2:] == (465, "u", "p", False, True, "webmaster@localhost")
    email_env.setenv("EMAIL_URL", "smtp://relay:2525")
    assert env_email(debug=True)[1:3] == ("relay", 2525)
    email_env.setenv("EMAIL_URL", "console://")
    assert env_email(debug=False).backend.endswith("console.EmailBackend")


def test_email_from_separate_variables(email_env):
    email_env.setenv("EMAIL_HOST", "smtp.ban.vn")
    email_env.setenv("EMAIL_PORT", "465")
    email_env.setenv("EMAIL_USE_SSL", "1")
    email_env.setenv("DEFAULT_FROM_EMAIL", "noreply@ban.vn")
    email = env_email(debug=False)
    assert (email.host, email.port, email.use_ssl, email.from_email) == (
        "smtp.ban.vn", 465, True, "noreply@ban.vn"
    )  # fmt: skip


def test_without_email_settings_development_prints_and_production_sends_nothing(email_env):
    assert env_email(debug=True).backend.endswith("console.EmailBackend")
    production = env_email(debug=False)
    assert production.backend.endswith("dummy.EmailBackend") and not production.sends


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_URL": "smtpx://u:secret@h"}, "must start with smtp://, smtps:// or console://"),
        ({"EMAIL_URL": "smtp://u:secret@h:25x"}, "port that is not a number"),
        ({"EMAIL_URL": "smtp://u:secret@"}, "names no host"),
        ({"EMAIL_URL": "smtp://u:secret@h?starttls=1"}, "options starttls; it understands"),
        ({"EMAIL_URL": "smtp://u:secret@h?tls=maybe"}, "option tls must be 1 or 0"),
        ({"EMAIL_URL": "smtps://u:secret@h?tls=1"}, "choose one"),
        ({"EMAIL_URL": "smtp://u:secret@h", "EMAIL_HOST": "h"}, "EMAIL_URL or EMAIL_HOST"),
        ({"EMAIL_URL": "smtp://u:secret@h", "EMAIL_PORT": "25"}, "EMAIL_URL or EMAIL_PORT"),
        ({"EMAIL_HOST_PASSWORD": "secret"}, "EMAIL_HOST_PASSWORD set without EMAIL_HOST"),
        ({"EMAIL_HOST": "h", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "exclude each other"),
        ({"EMAIL_HOST": "h", "EMAIL_PORT": "smtp"}, "EMAIL_PORT must be an integer"),
        ({"EMAIL_URL": "smtp://u:secret@h"}, "DEFAULT_FROM_EMAIL is required"),
    ],
)
def test_bad_email_settings_are_refused_without_repeating_the_password(email_env, env, message):
    for name, value in env.items():
        email_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)) as refused:
        env_email(debug=False)
    assert "secret" not in str(refused.value)
