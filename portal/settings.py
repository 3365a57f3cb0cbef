"""Settings: development, test and production differ only by environment variables."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from portal.allowlist import editor_config
from portal.env import (
    REDIS_CACHE_BACKEND,
    env_bool,
    env_cache,
    env_email,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# Production unless told otherwise: `make` sets DEBUG=1 for `run` and `test`.
DEBUG = env_bool("DEBUG", default=False)
if DEBUG:
    # A development-only key; production must provide SECRET_KEY (refused below otherwise).
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-not-for-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_ckeditor_5",
    "django_tasks",
    "django_tasks_db",
    "portal",
    "bulletins",
    "guidance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "portal.downloads.SignedDownloadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.errors.NotFoundMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors_notifications.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections: a new database connection per request costs more than most
        # pages (the download click ran 2.3 times faster); each is checked before reuse.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the write lock instead of failing at once when two requests write together:
    # a transaction takes the lock when it begins, so it never has to upgrade a read lock
    # (which SQLite refuses at once, whatever the timeout).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# One cache shared by every process and machine: sessions (with Redis), login limits and used
# two-step codes. Redis from CACHE_URL or REDIS_URL, else a table of the database, which
# `migrate` creates (portal.apps). Never a process's own memory.
CACHES = {"default": env_cache()}
# Sessions live in the database, where a logout ends them for every process at once; with
# Redis they are read through it (cached_db), sparing the database a query per request, and
# survive a restart of Redis. A database cache in front of the database would only double
# the writes.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"] == REDIS_CACHE_BACKEND
    else "django.contrib.sessions.backends.db"
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "portal.auth.NoSignupAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Password reset by a link mailed to the address the administrator entered on the account
# (allauth resets by address only). The link works from a phone's mail app; a code would have
# to be typed in the browser that asked for it, within minutes.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Addresses are entered by administrators, not by their owners: nothing to verify, and no
# sign-in waits on a mail.
ACCOUNT_EMAIL_VERIFICATION = "none"
# An address without an account gets no mail (the portal mails nobody on a stranger's
# request); the page answers the same either way, so it tells nobody who has an account.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the subjects name the portal themselves
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"  # links in mails: https
# Two-step sign-in with an authenticator app (TOTP), and recovery codes for a lost phone.
# Approvers must have it to approve (portal.services.workflow.document_approve).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cổng văn bản tuyên giáo"
MFA_TOTP_TOLERANCE = 1  # the code of the previous or next 30 s too: phones' clocks drift
# Authenticator secrets are encrypted at rest (portal.mfa), which also remembers a used code
# for as long as it would be accepted. The first key encrypts, every key decrypts (add a new
# key in front, run `manage.py encrypt_authenticators`, then drop the old one); unset, a key
# derived from SECRET_KEY.
MFA_ADAPTER = "portal.mfa.EncryptingMFAAdapter"
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY") or [SECRET_KEY]
# Failed sign-ins (a wrong password or two-step code) are counted apart per client address
# (10 a minute) and per account (5 in 5 minutes): a locked account or address leaves the
# others alone, and the count is shared by every process through the cache.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# The client's address, behind proxies of our own (nginx, a load balancer): the address each
# adds to X-Forwarded-For, counted from the right; or a header one of them sets (X-Real-IP).
# With neither, the address of the connection, which behind a proxy is the proxy's own.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "") or None

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Rendered PDF and DOCX files: never under MEDIA_ROOT, never served by the web server; by
# default beside it, on the same (persistent, shared) volume.
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(MEDIA_ROOT.parent / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "portal.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background work (rendering the approved PDF and DOCX): Django's tasks API; the database
# backend needs no broker, a worker runs `manage.py render_worker`.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
RENDER_TIMEOUT_SECONDS = env_int("RENDER_TIMEOUT_SECONDS", 60)
RENDER_MAX_MEMORY_MB = env_int("RENDER_MAX_MEMORY_MB", 1024)
# A task still running this long after it started was lost with its worker (killed, out of
# memory, machine down): the worker queues it again on start and every
# TASK_RECOVERY_INTERVAL_SECONDS, and marks it failed once started TASK_ATTEMPTS times
# (portal.services.task_recovery).
TASK_LOST_AFTER_SECONDS = env_int("TASK_LOST_AFTER_SECONDS", RENDER_TIMEOUT_SECONDS + 120)
TASK_RECOVERY_INTERVAL_SECONDS = env_int("TASK_RECOVERY_INTERVAL_SECONDS", 60)
TASK_ATTEMPTS = env_int("TASK_ATTEMPTS", 3)
# An approved document still without its files this long after approval (or after the last
# "Tạo lại bản in") shows its issuing staff the button to render it again.
RENDER_STALE_MINUTES = env_int("RENDER_STALE_MINUTES", 5)

IMAGE_UPLOAD_MAX_BYTES = env_int("IMAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# Pixels, not bytes, are what a decoder (the PDF renderer, a reader's phone) must hold.
IMAGE_UPLOAD_MAX_PIXELS = env_int("IMAGE_UPLOAD_MAX_PIXELS", 40_000_000)
# What one person, and one document, may keep in uploaded images (stored bytes).
IMAGE_QUOTA_PER_USER_MB = env_int("IMAGE_QUOTA_PER_USER_MB", 500)
IMAGE_QUOTA_PER_DOCUMENT_MB = env_int("IMAGE_QUOTA_PER_DOCUMENT_MB", 50)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# .doc, .rtf and .odt are converted to .docx by LibreOffice (portal/importing/convert.py):
# its program, the seconds and the megabytes of address space one conversion may take.
SOFFICE_PATH = env_str("SOFFICE_PATH", "soffice")
CONVERT_TIMEOUT_SECONDS = env_int("CONVERT_TIMEOUT_SECONDS", 60)
CONVERT_MEMORY_MB = env_int("CONVERT_MEMORY_MB", 2048)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Toolbar, headings and General HTML Support rules come from the allow-list the sanitiser
# enforces (portal/allowlist.py): the editor keeps what a save keeps, footnotes included.
CKEDITOR_5_CONFIGS = {"default": {"language": "vi", **editor_config()}}
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "portal:image_upload"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every HTML page (portal.security): scripts only from the
# portal's own files, never inline (CKEditor's configuration is a JSON script tag, which
# the browser does not run). Images also as data: URLs: the authenticator's QR code is an
# inline SVG image, and CKEditor draws some of its icons that way.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
]
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A private feed's token never reaches a log (portal.logs): not on the console, and not
    # in the paths of 404 and 500 answers that django.request hands to Django's own handlers.
    "filters": {"feed_tokens": {"()": "portal.logs.RedactFeedTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["feed_tokens"]}},
    "loggers": {"django.request": {"filters": ["feed_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Where the portal is reached; used to print links outside a request (commands, e-mails).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# E-mail (password reset): EMAIL_URL (smtp://user:password@host:587?tls=1, smtps://…,
# console://) or EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL. Without any: the console in development; in production nothing is sent and
# the password reset page says to ask the administrator (portal.auth).
_email = env_email(debug=DEBUG)
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_SENDS = _email.sends
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a silent server must not hold a worker
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _email.from_email
# Notification e-mail (portal.services.notifications): a failed send is tried again after
# NOTIFY_EMAIL_RETRY_SECONDS, then twice as long, up to NOTIFY_EMAIL_ATTEMPTS in all; those
# who chose the digest get it at NOTIFY_DIGEST_HOUR (local time) from the worker.
NOTIFY_EMAIL_ATTEMPTS = env_int("NOTIFY_EMAIL_ATTEMPTS", 3)
NOTIFY_EMAIL_RETRY_SECONDS = env_int("NOTIFY_EMAIL_RETRY_SECONDS", 60)
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 7)
# A document waiting at its review step more than this many days is highlighted in the
# inbox and its reviewers are reminded once a day (portal.services.waiting).
REVIEW_REMINDER_DAYS = env_int("REVIEW_REMINDER_DAYS", 3)
