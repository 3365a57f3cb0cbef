"""Two-step sign-in (allauth.mfa): secrets encrypted at rest, used codes remembered while valid.

Written against django-allauth 65.21.1 (requirements.txt). The encryption goes through the
adapter hooks allauth documents; remembering used codes has no hook, so it replaces one
method, and tests/portal/test_mfa.py fails when the library changes under it.
"""

import base64
import hashlib
import logging
from functools import lru_cache

from allauth.mfa import app_settings
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# Marks a stored value as encrypted; a value without it predates encryption at rest.
ENCRYPTED_PREFIX = "fernet:"


def _fernet(key: str) -> Fernet:
    """A Fernet key derived from a configured key of any length (a passphrase or SECRET_KEY)."""
    digest = hashlib.sha256(f"portal.mfa.encryption:{key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@lru_cache(maxsize=8)
def _keyring_of(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])


def keyring() -> MultiFernet:
    """The configured keys: the first encrypts, any of them decrypts."""
    return _keyring_of(tuple(settings.MFA_ENCRYPTION_KEYS))


def is_encrypted(value: str) -> bool:
    return value.startswith(ENCRYPTED_PREFIX)


def encrypt(text: str) -> str:
    return ENCRYPTED_PREFIX + keyring().encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    """The plain text of a stored value; a value stored before encryption is returned as is."""
    if not is_encrypted(value):
        logger.warning(
            "An authenticator secret is stored in plain text: run manage.py encrypt_authenticators."
        )
        return value
    try:
        return keyring().decrypt(value.removeprefix(ENCRYPTED_PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An authenticator secret does not decrypt with any key of MFA_ENCRYPTION_KEY "
            "(or SECRET_KEY when it is unset): restore the key it was encrypted with, "
            "listed after the new one."
        ) from exc


def reencrypt(value: str) -> str:
    """The value encrypted with the first key, whatever it was stored as."""
    if not is_encrypted(value):
        return encrypt(value)
    token = keyring().rotate(value.removeprefix(ENCRYPTED_PREFIX).encode())
    return ENCRYPTED_PREFIX + token.decode()


class EncryptingMFAAdapter(DefaultMFAAdapter):
    """allauth's adapter, with the TOTP secrets and recovery-code seeds encrypted at rest."""

    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


def used_code_memory_seconds() -> int:
    """How long a code stays acceptable after its first use: its whole window.

    A code is accepted while the clock is within TOTP_TOLERANCE periods of its own, that is
    during 2 * tolerance + 1 periods; it may be used at the start of that window.
    """
    return (2 * app_settings.TOTP_TOLERANCE + 1) * app_settings.TOTP_PERIOD


def _mark_code_used(self, code: str) -> bool:
    """allauth's TOTP._mark_code_used, remembering the code for its whole window.

    allauth 65.21.1 remembers a used code for one period while accepting it for three (with
    the tolerance of 1): the same code was accepted again 35 s later.
    """
    key = self._get_used_cache_key(code)
    return cache.add(key, "y", timeout=used_code_memory_seconds())


def remember_used_codes_while_valid() -> None:
    """Install _mark_code_used in allauth's TOTP (from PortalConfig.ready)."""
    from allauth.mfa.totp.internal.auth import TOTP

    for name in ("_mark_code_used", "_get_used_cache_key"):
        if not callable(getattr(TOTP, name, None)):
            raise ImproperlyConfigured(
                f"django-allauth has no TOTP.{name} any more: review portal/mfa.py, which "
                "makes a used code refused for as long as it would be accepted."
            )
    TOTP._mark_code_used = _mark_code_used
