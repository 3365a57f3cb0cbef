"""Named personas shared by all tests, built from the demo tree."""

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from portal.services.demo import demo_tree_load

PERSONAS = [
    "doson.editor",  # an editor of Đồ Sơn
    "ngoquyen.editor",  # an editor of another district
    "doson.head",  # a head
    "hp.approver",  # a city approver
    "vanhuong.secretary",  # a cell secretary of Đồ Sơn
    "ngoquyen.secretary",  # a cell secretary elsewhere
    "hn.approver",  # an outsider: another city's approver
]


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in the interface language: a test that switched to English (or a
    request that did) must not leave its language to the next test's services."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Stored PDFs and images of a test go to its own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def tree(db):
    """The demo organisations and users."""
    organisations, users = demo_tree_load()
    return organisations, users


@pytest.fixture
def orgs(tree):
    return tree[0]


@pytest.fixture
def users(tree):
    return tree[1]
