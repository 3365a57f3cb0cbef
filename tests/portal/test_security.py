"""Content-Security-Policy, Permissions-Policy and Referrer-Policy, and pages that keep them."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.security import permissions_header, policy_header
from tests.factories import login_two_step, make_document

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def test_policy_header_is_built_from_the_setting():
    policy = {"default-src": ["'self'"], "img-src": ["'self'", "data:"], "sandbox": True}
    assert policy_header(policy) == "default-src 'self'; img-src 'self' data:; sandbox"
    assert permissions_header(["camera", "geolocation"]) == "camera=(), geolocation=()"


@pytest.mark.django_db
def test_every_response_carries_the_policies(client, users):
    login = client.get(reverse("account_login"))
    client.force_login(users["doson.editor"])
    missing = client.get("/khong-co-trang-nay/")
    upload = client.post(reverse("portal:image_upload") + "?document=0")
    for response in (login, missing, upload):
        directives = _directives(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        features = response["Permissions-Policy"].split(", ")
        assert {"camera=()", "microphone=()", "geolocation=()", "payment=()"} <= set(features)
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert missing.status_code == 404 and upload.status_code == 404
    assert "style-src-attr" not in login["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_pdf_shown_in_the_browser_has_no_page_policy(client, users, orgs):
    """The browser's PDF viewer runs inside the PDF's response: no page policy there."""
    draft = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    response = client.get(reverse("portal:document_draft_pdf", args=[draft.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_only_the_editors_pages_allow_style_attributes(client, users, orgs):
    """CKEditor 5 sizes images and progress bars through style attributes; nothing else may."""
    draft = make_document(users, orgs)
    client.force_login(users["doson.editor"])
    for url in (
        reverse("portal:document_edit", args=[draft.pk]),
        reverse("portal:document_new", args=["guidance"]),
    ):
        directives = _directives(client.get(url))
        assert directives["style-src-attr"] == ["'unsafe-inline'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
    detail = client.get(reverse("portal:document_detail", args=[draft.pk]))
    assert "style-src-attr" not in _directives(detail)


class _InlineCode(HTMLParser):
    """What a strict policy would block: inline scripts, handlers, style elements/attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = "src" not in attributes and attributes.get("type") != "application/json"
        if tag == "script" and runs:
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def test_the_scan_finds_inline_code():
    page = (
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<script src="/static/a.js"></script><style>p{}</style>'
        '<p onclick="x()" style="color:red"><a href="javascript:x()">a</a></p>'
    )
    assert len(_inline_code(page)) == 5


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TEMPLATES.rglob("*.html") if "print" not in p.relative_to(TEMPLATES).parts),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_hold_no_inline_script_or_style(path: Path):
    assert _inline_code(path.read_text(encoding="utf-8")) == []


@pytest.mark.django_db
def test_main_pages_render_without_inline_script_or_style(client, users, orgs):
    draft = make_document(users, orgs)
    published = make_document(users, orgs, kind="guidance", state="published", title="HD")
    report = make_document(users, orgs, kind="report", issuer="hp", editor="hp.editor")
    forwarded = make_document(
        users, orgs, kind="report", state="forwarded", issuer="doson-btg", title="BC quý"
    )
    pages = {
        None: [reverse("account_login"), "/tai-khoan/password/reset/"],
        "doson.editor": [
            reverse("portal:document_list"),
            reverse("portal:document_new", args=["bulletin"]),
            reverse("portal:document_edit", args=[draft.pk]),
            reverse("portal:document_detail", args=[draft.pk]),
            reverse("portal:document_detail", args=[published.pk]),
            reverse("portal:document_import"),
            reverse("portal:library"),
            reverse("portal:propaganda"),
            reverse("mfa_index"),
        ],
        "vanhuong.secretary": [reverse("portal:home"), reverse("portal:library")],
        "hp.editor": [f"/bao-cao/{report.pk}/chi-tieu/"],
    }
    # The approver's confirmation page answers the first press of "Phê duyệt" (a POST).
    approve = reverse("portal:document_transition", args=[forwarded.pk, "approve"])
    for username, urls in pages.items():
        client.logout()
        if username:
            client.force_login(users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith("text/html")
            assert _inline_code(response.content.decode()) == [], url
    login_two_step(client, users["hp.approver"])
    confirmation = client.post(approve)
    assert 'id="approve-confirm"' in confirmation.content.decode()
    assert _inline_code(confirmation.content.decode()) == []
