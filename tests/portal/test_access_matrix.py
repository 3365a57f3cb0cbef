"""Every URL of the portal × every persona → the expected status."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.services.images import image_upload
from tests.conftest import PERSONAS
from tests.factories import APPROVE_NOW, login_two_step, make_document

# persona order: doson.editor, ngoquyen.editor, doson.head, hp.approver,
#                vanhuong.secretary, ngoquyen.secretary, hn.approver
MATRIX = {
    # Staff are sent to their lists; a cell secretary's home is their own page.
    ("get", "home", None): [302, 302, 302, 302, 200, 200, 302],
    ("get", "document_list", None): [200] * 7,
    ("get", "library", None): [200] * 7,
    ("get", "search", None): [200] * 7,
    # The board is everyone's page (empty for those following no deadline); setting them
    # is the city's approver's and the heads' whose department's committee has units below.
    ("get", "deadline_board", None): [200] * 7,
    ("get", "deadline_settings", None): [403, 403, 200, 200, 403, 403, 200],
    ("get", "feeds", None): [200] * 7,
    ("get", "document_new", "bulletin"): [200, 200, 403, 403, 403, 403, 403],
    ("get", "document_new", "report"): [200, 200, 403, 403, 403, 403, 403],
    ("get", "document_import", None): [200, 200, 403, 403, 403, 403, 403],
    ("get", "document_detail", "draft"): [200, 404, 200, 404, 404, 404, 404],
    ("get", "document_detail", "submitted"): [200, 404, 200, 200, 404, 404, 404],
    ("get", "document_detail", "published"): [200, 404, 200, 200, 200, 404, 404],
    ("get", "document_edit", "draft"): [200, 404, 403, 404, 404, 404, 404],
    ("get", "document_edit", "published"): [403, 404, 403, 403, 403, 404, 404],
    ("get", "document_pdf", "published"): [302, 404, 302, 302, 302, 404, 404],
    ("get", "document_docx", "published"): [302, 404, 302, 302, 302, 404, 404],
    ("get", "document_pdf", "draft"): [403, 404, 403, 404, 404, 404, 404],
    ("get", "document_draft_pdf", "draft"): [200, 404, 200, 404, 404, 404, 404],
    ("get", "document_draft_pdf", "submitted"): [200, 404, 200, 200, 404, 404, 404],
    ("get", "document_draft_pdf", "published"): [403, 404, 403, 403, 403, 404, 404],
    ("get", "document_correct", "published"): [403, 404, 403, 200, 403, 404, 404],
    ("get", "document_correct", "approved"): [403, 404, 403, 403, 404, 404, 404],
    ("post", "document_recall", "published"): [403, 404, 403, 302, 403, 404, 404],
    ("get", "receipts_board", "published"): [200, 404, 200, 200, 403, 404, 404],
    ("get", "receipts_board", "draft"): [403, 404, 403, 404, 404, 404, 404],
    ("get", "document_json", "draft"): [200, 404, 200, 404, 404, 404, 404],
    ("get", "document_json", "published"): [200, 404, 200, 200, 200, 404, 404],
    # A body image: whoever may view its document (portal.image_views).
    ("get", "document_image", "draft"): [200, 404, 200, 404, 404, 404, 404],
    ("get", "document_image", "published"): [200, 404, 200, 200, 200, 404, 404],
    ("post", "submit", "draft"): [302, 404, 403, 404, 404, 404, 404],
    ("post", "forward", "submitted"): [403, 404, 302, 403, 404, 404, 404],
    ("post", "approve", "forwarded"): [403, 404, 403, 302, 404, 404, 404],
    ("post", "publish", "approved"): [302, 404, 302, 302, 404, 404, 404],
    ("post", "image_upload", "draft"): [400, 404, 403, 404, 404, 404, 404],
    ("post", "document_autosave", "draft"): [400, 404, 403, 404, 404, 404, 404],
    # An empty post saves nothing: refused as before (a real save gets its page back, 409).
    ("post", "document_autosave", "submitted"): [403, 404, 403, 403, 404, 404, 404],
    ("post", "document_edit", "submitted"): [403, 404, 403, 403, 404, 404, 404],
    ("post", "document_autosave_new", "bulletin"): [400, 400, 403, 403, 403, 403, 403],
}
# The smallest GIF: one transparent pixel.
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)
CASES = [
    (method, name, arg, persona, statuses[i])
    for (method, name, arg), statuses in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]
STATES = {"draft", "submitted", "forwarded", "approved", "published"}


def _url(name: str, arg: str | None, document) -> str:
    if name == "image_upload":
        return reverse("portal:image_upload") + f"?document={document.pk}"
    if name == "document_image":
        upload = SimpleUploadedFile("a.gif", GIF, "image/gif")
        image = image_upload(document=document, actor=document.created_by, upload=upload)
        return image.file.url
    if name in {"submit", "forward", "approve", "publish"}:
        return reverse("portal:document_transition", args=[document.pk, name])
    if arg in STATES:
        return reverse(f"portal:{name}", args=[document.pk])
    if name == "document_autosave_new":
        return reverse("portal:document_autosave_new", args=[arg])
    return reverse(f"portal:{name}", args=[arg] if arg else [])


@pytest.mark.parametrize(("method", "name", "arg", "persona", "expected"), CASES)
def test_access(client, users, orgs, method, name, arg, persona, expected):
    document = make_document(users, orgs, state=arg) if arg in STATES else None
    login_two_step(client, users[persona])  # as signed in, with the app's code for approvers
    url = _url(name, arg, document)
    response = (
        client.post(url, APPROVE_NOW if name == "approve" else {})
        if method == "post"
        else client.get(url)
    )
    assert response.status_code == expected, (persona, url, response.content[:300])


@pytest.mark.parametrize(
    "name", ["home", "document_list", "library", "search", "feeds", "document_import"]
)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(f"portal:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_healthz_answers_when_the_database_answers(client, db):
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
