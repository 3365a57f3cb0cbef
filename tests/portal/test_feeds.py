"""Private feeds: an address with a revocable token, the library's scope, Atom and JSON."""

import hashlib
import logging
import re
import runpy
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from portal.logs import RedactFeedTokens
from portal.models import FeedToken, Membership
from portal.services.feeds import feed_token_create, feed_token_revoke
from portal.services.workflow import document_approve
from tests.factories import make_document

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom_url(token: str) -> str:
    return reverse("portal:feed_atom", args=[token])


def _json_url(token: str) -> str:
    return reverse("portal:feed_json", args=[token])


def _feed(client, token: str) -> etree._Element:
    """The Atom feed of the token, parsed, after checking what makes it Atom 1.0."""
    response = client.get(_atom_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{name}"), name
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/")
    for entry in feed.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{name}"), name
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/van-ban/")
    return feed


def _entry_links(feed: etree._Element) -> list[str]:
    return [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]


def _document_url(document) -> str:
    return "http://testserver" + reverse("portal:document_detail", args=[document.pk])


def _published(users, orgs, title: str, **fields):
    return make_document(users, orgs, state="published", render=False, title=title, **fields)


def _published_in_hanoi(users, orgs):
    """A guidance of Hà Nội's city department, read in Hà Nội only."""
    document = make_document(users, orgs, kind="guidance", issuer="hn-btg", editor="hn.editor",
                             state="forwarded", title="Hướng dẫn của Hà Nội")  # fmt: skip
    approver = users["hn.approver"]
    return document_approve(document=document, actor=approver, publish_at=timezone.now())


# The page ---------------------------------------------------------------------------------


def test_the_page_asks_to_sign_in(client, db):
    response = client.get(reverse("portal:feeds"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("portal:feed_new")).status_code == 302
    assert not FeedToken.objects.exists()


def test_the_library_links_to_the_page(client, users):
    client.force_login(users["vanhuong.secretary"])
    page = client.get(reverse("portal:library")).content.decode()
    assert f'href="{reverse("portal:feeds")}" id="library-feeds"' in page


def test_a_new_address_is_shown_once_and_only_its_digest_is_stored(client, users):
    client.force_login(users["vanhuong.secretary"])
    page = client.get(reverse("portal:feeds")).content.decode()
    assert 'id="feed-none"' in page and 'id="feed-revoke"' not in page
    assert "giữ kín" in page  # anyone holding the address reads the list

    response = client.post(reverse("portal:feed_new"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    stored = FeedToken.objects.get(user=users["vanhuong.secretary"])
    token = re.search(r"/nguon-tin/([\w-]+)/atom\.xml", page).group(1)
    assert len(token) >= 43  # 32 random bytes
    assert f'value="http://testserver{_atom_url(token)}"' in page
    assert f'value="http://testserver{_json_url(token)}"' in page
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash

    page = client.get(reverse("portal:feeds")).content.decode()
    assert token not in page
    assert 'id="feed-exists"' in page and 'id="feed-revoke"' in page


def test_revoking_on_the_page_closes_the_address_at_once(client, users):
    reader = users["vanhuong.secretary"]
    token = feed_token_create(user=reader)
    assert client.get(_atom_url(token)).status_code == 200
    client.force_login(reader)
    response = client.post(reverse("portal:feed_revoke"))
    assert response.status_code == 302
    assert client.get(_atom_url(token)).status_code == 404
    assert client.get(_json_url(token)).status_code == 404
    assert 'id="feed-none"' in client.get(reverse("portal:feeds")).content.decode()


def test_a_new_address_replaces_the_old_one(client, users):
    reader = users["vanhuong.secretary"]
    old = feed_token_create(user=reader)
    client.force_login(reader)
    client.post(reverse("portal:feed_new"))
    new = FeedToken.objects.get(user=reader)
    assert new.token_hash != FeedToken.digest(old)
    assert client.get(_atom_url(old)).status_code == 404
    client.logout()  # a feed reader has no session
    assert client.get(_atom_url(feed_token_create(user=reader))).status_code == 200


# The Atom feed ----------------------------------------------------------------------------


def test_the_atom_feed_is_the_readers_library(client, users, orgs):
    doson = _published(users, orgs, "Bản tin tháng 12 của Đồ Sơn")
    draft = make_document(users, orgs, title="Bản tin còn là bản nháp")
    hanoi = _published_in_hanoi(users, orgs)
    secretary = feed_token_create(user=users["vanhuong.secretary"])
    elsewhere = feed_token_create(user=users["ngoquyen.secretary"])
    hanoi_reader = feed_token_create(user=users["hn.approver"])
    writer = feed_token_create(user=users["doson.editor"])  # who may open the draft

    assert _entry_links(_feed(client, secretary)) == [_document_url(doson)]
    feed = _feed(client, writer)
    assert _entry_links(feed) == [_document_url(doson)]
    assert draft.title not in etree.tostring(feed, encoding="unicode")
    assert _entry_links(_feed(client, elsewhere)) == []
    assert _entry_links(_feed(client, hanoi_reader)) == [_document_url(hanoi)]


def test_an_entry_carries_title_time_issuer_number_kind_and_summary(client, users, orgs):
    document = _published(users, orgs, "Bản tin tháng 12 & Tết")
    reader = users["vanhuong.secretary"]
    feed = _feed(client, feed_token_create(user=reader))
    assert feed.findtext(f"{ATOM}title").endswith(f"{reader.last_name} {reader.first_name}")
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Bản tin tháng 12 & Tết"
    assert entry.findtext(f"{ATOM}id") == _document_url(document)
    published = datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert published == document.published_at
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == document.issuer.name
    assert entry.find(f"{ATOM}category").get("term") == "Bản tin"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert f"Số {document.number}" in summary.text and document.number
    assert "Chủ tịch nước Lương Cường" in summary.text  # the beginning of the text


def test_the_feed_is_newest_first_and_keeps_only_the_latest(client, users, orgs, monkeypatch):
    monkeypatch.setattr("portal.selectors.FEED_SIZE", 2)
    first, second, third = (_published(users, orgs, f"Văn bản {n}") for n in (1, 2, 3))
    feed = _feed(client, feed_token_create(user=users["vanhuong.secretary"]))
    assert _entry_links(feed) == [_document_url(third), _document_url(second)]


def test_the_feed_answers_privately_and_unindexed(client, users):
    token = feed_token_create(user=users["vanhuong.secretary"])
    for url in (_atom_url(token), _json_url(token)):
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Robots-Tag"] == "noindex"


def test_a_wrong_token_is_not_found(client, users):
    token = feed_token_create(user=users["vanhuong.secretary"])
    assert client.get(_atom_url(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    assert client.get(_atom_url("khong-co")).status_code == 404
    assert client.get(_json_url("khong-co")).status_code == 404


def test_the_scope_is_read_at_each_request(client, users, orgs):
    document = _published(users, orgs, "Bản tin tháng 12")
    reader = users["vanhuong.secretary"]
    token = feed_token_create(user=reader)
    assert _entry_links(_feed(client, token)) == [_document_url(document)]

    Membership.objects.filter(user=reader).delete()  # no longer a cell's secretary
    assert _entry_links(_feed(client, token)) == []

    reader.is_active = False
    reader.save()
    assert client.get(_atom_url(token)).status_code == 404
    assert client.get(_json_url(token)).status_code == 404


def test_the_feed_runs_as_many_queries_for_three_documents_as_for_one(client, users, orgs):
    token = feed_token_create(user=users["vanhuong.secretary"])
    _published(users, orgs, "Văn bản 1")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _feed(client, token)
        return len(captured)

    for_one = queries()
    _published(users, orgs, "Văn bản 2")
    _published(users, orgs, "Văn bản 3")
    assert queries() == for_one


# The JSON list ----------------------------------------------------------------------------


def test_the_json_list_holds_the_feeds_documents(client, users, orgs):
    older = _published(users, orgs, "Bản tin tháng 11")
    newer = _published(users, orgs, "Hướng dẫn tuyên truyền", kind="guidance")
    make_document(users, orgs, title="Bản nháp")
    token = feed_token_create(user=users["vanhuong.secretary"])

    response = client.get(_json_url(token))
    assert response.status_code == 200
    entries = response.json()
    assert [e["url"] for e in entries] == _entry_links(_feed(client, token))
    assert [e["id"] for e in entries] == [newer.pk, older.pk]
    entry = entries[0]
    assert entry["title"] == "Hướng dẫn tuyên truyền"
    assert (entry["kind"], entry["number"]) == ("guidance", newer.number)
    assert entry["issuer"]["name"] == newer.issuer.name
    assert datetime.fromisoformat(entry["published_at"]) == newer.published_at
    assert entry["pdf_url"] == "http://testserver" + reverse("portal:document_pdf", args=[newer.pk])


def test_the_json_lists_pdf_page_asks_to_sign_in(client, users, orgs):
    _published(users, orgs, "Bản tin tháng 12")
    entries = client.get(_json_url(feed_token_create(user=users["vanhuong.secretary"]))).json()
    response = client.get(urlsplit(entries[0]["pdf_url"]).path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_revoking_by_the_service_says_whether_there_was_an_address(users):
    reader = users["ngoquyen.secretary"]
    assert feed_token_revoke(user=reader) is False
    feed_token_create(user=reader)
    assert feed_token_revoke(user=reader) is True
    assert not FeedToken.objects.filter(user=reader).exists()


# Logs -------------------------------------------------------------------------------------


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_feed_address_in_a_logged_path_loses_its_token(client, users, caplog):
    token = feed_token_create(user=users["vanhuong.secretary"])
    feed_token_revoke(user=users["vanhuong.secretary"])
    django_own = _Kept()  # where Django's own handlers (mail to the admins) would see it
    logging.getLogger("django").addHandler(django_own)
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            assert client.get(_atom_url(token)).status_code == 404
    finally:
        logging.getLogger("django").removeHandler(django_own)
    assert django_own.messages == ["Not Found: /nguon-tin/…/atom.xml"]
    assert "/nguon-tin/…/atom.xml" in caplog.text
    assert token not in caplog.text


def test_the_access_log_of_every_gunicorn_worker_loses_the_token():
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    access = logging.getLogger("gunicorn.access")
    before = list(access.filters)
    try:
        config["post_fork"](None, None)
        added = [f for f in access.filters if f not in before]
        assert [type(f) for f in added] == [RedactFeedTokens]
        record = logging.LogRecord(
            "gunicorn.access", logging.INFO, "", 0, '"%(r)s" 200', None, None
        )
        record.args = {"r": "GET /nguon-tin/s3cr3t-T0ken_x/van-ban.json HTTP/1.1"}
        assert added[0].filter(record)
        assert record.getMessage() == '"GET /nguon-tin/…/van-ban.json HTTP/1.1" 200'
    finally:
        access.filters[:] = before


def test_the_pages_own_paths_are_left_as_they_are():
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden: %s",
                               ("/nguon-tin/thu-hoi/",), None)  # fmt: skip
    assert RedactFeedTokens().filter(record)
    assert record.getMessage() == "Forbidden: /nguon-tin/thu-hoi/"


@pytest.mark.parametrize("name", ["feed_atom", "feed_json"])
def test_the_feeds_need_no_session(client, users, orgs, name):
    document = _published(users, orgs, "Bản tin tháng 12")
    token = feed_token_create(user=users["vanhuong.secretary"])
    response = client.get(reverse(f"portal:{name}", args=[token]))
    assert response.status_code == 200
    assert _document_url(document) in response.content.decode()
    assert "sessionid" not in response.cookies
