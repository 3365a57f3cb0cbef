"""Private feed addresses: a random token shown once when made, revoked at once.

The token is the whole secret of the address (feed readers do not sign in): 32 random bytes,
of which only the SHA-256 digest is stored (``FeedToken``). Logs name the user, never the
token.
"""

import logging
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from portal.models import FeedToken

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32


def feed_token_create(*, user: AbstractBaseUser) -> str:
    """A new feed token for the user, replacing (so revoking) the one before.

    Returns the token itself, this once: it cannot be read back from what is stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    FeedToken.objects.update_or_create(
        user=user, defaults={"token_hash": FeedToken.digest(token), "created_at": timezone.now()}
    )
    logger.info("Feed address made for user %s", user.pk)
    return token


def feed_token_revoke(*, user: AbstractBaseUser) -> bool:
    """Revoke the user's feed address: its URLs answer 404 from the next request on.

    Returns whether there was one."""
    deleted, _rows = FeedToken.objects.filter(user=user).delete()
    if deleted:
        logger.info("Feed address revoked for user %s", user.pk)
    return bool(deleted)
