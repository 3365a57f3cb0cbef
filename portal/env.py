"""Read settings from the environment, refusing bad values with a clear message."""

import os
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable, or the default; refuse when neither is set."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    """Return a yes/no variable; refuse anything that is not clearly one of them."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    """Return an integer variable; refuse what is not an integer."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated variable as a list without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


REDIS_CACHE_BACKEND = "django.core.cache.backends.redis.RedisCache"
DATABASE_CACHE_BACKEND = "django.core.cache.backends.db.DatabaseCache"
CACHE_TABLE = "portal_cache"


def env_cache() -> dict:
    """The cache every process shares: Redis from CACHE_URL (or REDIS_URL), else the database.

    Never a per-process memory cache: sessions, login limits and used two-step codes live
    here, and a second process must see them. No message repeats the URL: it may hold a
    password.
    """
    name = "CACHE_URL" if os.environ.get("CACHE_URL", "").strip() else "REDIS_URL"
    url = os.environ.get(name, "").strip()
    if not url:
        # Culling deletes expired rows first; the limit is far above what sign-ins keep live,
        # so a flood of keys cannot push out a lockout or a used code.
        options = {"MAX_ENTRIES": 100_000}
        return {"BACKEND": DATABASE_CACHE_BACKEND, "LOCATION": CACHE_TABLE, "OPTIONS": options}
    scheme, separator, _rest = url.partition("://")
    if not separator or scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            f"{name} must start with redis://, rediss:// or unix:// "
            "(redis://host:6379/0); leave it unset for the database cache."
        )
    return {"BACKEND": REDIS_CACHE_BACKEND, "LOCATION": url}


SMTP_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DUMMY_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


class EmailSettings(NamedTuple):
    """Django's e-mail settings, read from EMAIL_URL or from EMAIL_HOST and its companions."""

    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    from_email: str = "webmaster@localhost"

    @property
    def sends(self) -> bool:
        """Whether mail leaves the portal at all (the dummy backend drops it)."""
        return self.backend != DUMMY_EMAIL_BACKEND


_EMAIL_PARTS = ("EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
                "EMAIL_USE_SSL")  # fmt: skip


def env_email(*, debug: bool) -> EmailSettings:
    """E-mail settings, with the sender from DEFAULT_FROM_EMAIL (required to send for real)."""
    settings = _email_transport(debug=debug)
    sender = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if sender:
        return settings._replace(from_email=sender)
    if settings.backend == SMTP_EMAIL_BACKEND and not debug:
        raise ImproperlyConfigured(
            "DEFAULT_FROM_EMAIL is required with EMAIL_URL or EMAIL_HOST: the address the "
            "portal's mails come from, e.g. 'Cổng văn bản tuyên giáo <noreply@your.domain>'."
        )
    return settings


def _email_transport(*, debug: bool) -> EmailSettings:
    """E-mail from EMAIL_URL, or EMAIL_HOST and its companions; refuse both or a half.

    With neither: the console in development; in production nothing is sent (a reset link
    written to the logs would be a password readable by whoever reads them), and the pages
    that need e-mail say so.
    """
    url = os.environ.get("EMAIL_URL", "").strip()
    host = os.environ.get("EMAIL_HOST", "").strip()
    parts = [name for name in _EMAIL_PARTS if os.environ.get(name)]
    if url and (host or parts):
        both = ", ".join(["EMAIL_HOST"] * bool(host) + parts)
        raise ImproperlyConfigured(f"Set either EMAIL_URL or {both}, not both.")
    if url:
        return _email_from_url(url)
    if host:
        settings = EmailSettings(
            backend=SMTP_EMAIL_BACKEND,
            host=host,
            port=env_int("EMAIL_PORT", 25),
            user=os.environ.get("EMAIL_HOST_USER", ""),
            password=os.environ.get("EMAIL_HOST_PASSWORD", ""),
            use_tls=env_bool("EMAIL_USE_TLS"),
            use_ssl=env_bool("EMAIL_USE_SSL"),
        )
        if settings.use_tls and settings.use_ssl:
            raise ImproperlyConfigured(
                "EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (TLS from the start, "
                "port 465) exclude each other: set one."
            )
        return settings
    if parts:
        raise ImproperlyConfigured(
            f"{', '.join(parts)} set without EMAIL_HOST: set EMAIL_HOST too."
        )
    return EmailSettings(backend=CONSOLE_EMAIL_BACKEND if debug else DUMMY_EMAIL_BACKEND)


def _email_from_url(url: str) -> EmailSettings:
    """smtp://user:password@host:587?tls=1, smtps://user:password@host:465 or console://.

    The user and password are percent-decoded (write "@" as %40, ":" as %3A). No message
    repeats the URL: it holds a password.
    """
    parts = urlsplit(url)
    if parts.scheme == "console":
        return EmailSettings(backend=CONSOLE_EMAIL_BACKEND)
    if parts.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            "EMAIL_URL must start with smtp://, smtps:// or console://, "
            f"not {parts.scheme + '://' if parts.scheme else 'what it starts with'}."
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from exc
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host: smtp://user:password@host:587?tls=1")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - {"tls", "ssl"})
    if unknown:
        raise ImproperlyConfigured(
            f"EMAIL_URL has options {', '.join(unknown)}; it understands tls=1 and ssl=1."
        )
    flags = {name: _url_flag(name, values[-1]) for name, values in options.items()}
    use_ssl = parts.scheme == "smtps" or flags.get("ssl", False)
    use_tls = flags.get("tls", False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "EMAIL_URL asks for both STARTTLS (tls=1) and TLS from the start (smtps:// or "
            "ssl=1): choose one."
        )
    return EmailSettings(
        backend=SMTP_EMAIL_BACKEND,
        host=parts.hostname,
        port=port or (465 if use_ssl else 587 if use_tls else 25),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


def _url_flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"EMAIL_URL option {name} must be 1 or 0, not {raw!r}.")
