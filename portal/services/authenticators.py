"""Authenticator secrets at rest: encrypting those stored before encryption, re-keying the rest.

Writes: ``authenticators_encrypt`` (the command encrypt_authenticators). allauth stores a TOTP
authenticator's key as data["secret"] and a recovery-code set's seed as data["seed"] (and
codes carried over from another library as data["migrated_codes"]), each through the
adapter's encrypt (portal.mfa).
"""

from allauth.mfa.models import Authenticator
from django.db import transaction

from portal.mfa import is_encrypted, reencrypt

SECRET_FIELDS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


def _stored_secrets(data: dict) -> list[str]:
    values = [data[name] for name in SECRET_FIELDS if name in data]
    return values + [value for name in SECRET_LISTS for value in data.get(name, [])]


def _reencrypted(data: dict) -> dict:
    data = dict(data)
    for name in SECRET_FIELDS:
        if name in data:
            data[name] = reencrypt(data[name])
    for name in SECRET_LISTS:
        if name in data:
            data[name] = [reencrypt(value) for value in data[name]]
    return data


@transaction.atomic
def authenticators_encrypt() -> dict[str, int]:
    """Encrypt every stored secret with the first configured key.

    Returns how many authenticators held a plain secret and how many were only re-keyed.
    """
    counts = {"encrypted": 0, "rekeyed": 0}
    authenticators = Authenticator.objects.select_for_update().order_by("pk")
    for authenticator in authenticators:
        secrets = _stored_secrets(authenticator.data)
        if not secrets:
            continue  # a security key (WebAuthn) keeps only its public key
        plain = not all(is_encrypted(value) for value in secrets)
        authenticator.data = _reencrypted(authenticator.data)
        authenticator.save(update_fields=["data"])
        counts["encrypted" if plain else "rekeyed"] += 1
    return counts
