"""Signed download links end with the session that asked for them."""

from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_document

SECRETARY = "vanhuong.secretary"
# Whatever engine the sessions live in, the link asks that engine.
ENGINES = [
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
    "django.contrib.sessions.backends.cache",
]


def _signed_in(user) -> tuple[Client, str]:
    client = Client()  # a new client: the session middleware reads the engine once
    client.force_login(user)
    return client, client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _link(client: Client, document) -> str:
    response = client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_a_link_ends_with_its_session_whatever_the_engine(users, orgs, settings):
    document = make_document(users, orgs, state="published")
    for engine in ENGINES:
        settings.SESSION_ENGINE = engine
        client, session_key = _signed_in(users[SECRETARY])
        link = _link(client, document)
        assert client.get(link).status_code == 200, engine
        other, _key = _signed_in(users["ngoquyen.secretary"])
        assert other.get(link).status_code == 403, engine  # someone else's live session

        assert client.post("/tai-khoan/logout/").status_code == 302
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session_key  # replayed
        refused = client.get(link)
        assert refused.status_code == 403, engine
        assert "hết hạn hoặc không hợp lệ" in refused.content.decode()


def test_a_download_costs_one_session_lookup(users, orgs, settings, django_assert_num_queries):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    document = make_document(users, orgs, state="published")
    client, _key = _signed_in(users[SECRETARY])
    link = _link(client, document)
    with django_assert_num_queries(1):  # does the session exist; no user, no document
        response = client.get(link)
    assert response.status_code == 200
