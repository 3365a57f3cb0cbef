"""The portal's settings for the servers tests/portal/test_processes.py starts, with the fast
password hasher every test uses (tests/conftest.py): the production hasher is slow on purpose,
and the speed of a hash is not what those tests are about."""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
