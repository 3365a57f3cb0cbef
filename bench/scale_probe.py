"""Inside one archive (run with its settings): personas, sessions, query counts, set-ups.

`pages`: for each persona, a signed-in session and the status and query count of every page
(Django's test client in production settings, the second of two requests). `publication`:
an already published city bulletin made new again (its receipts removed) and a session for
each secretary of its cells. `approval-ready N`: N drafts submitted and forwarded to their
approver. `approve IDS`: the approver approves them through the service, as the page does.
`rendered IDS`: how many of them have their PDF. Prints JSON on the last line.
"""

import json
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from portal.models import CitedDocument, Document, Membership, Receipt, RenderedFile  # noqa: E402
from portal.selectors import documents_visible_to  # noqa: E402
from portal.services import workflow  # noqa: E402

Status = Document.Status
Role = Membership.Role


def personas() -> dict:
    """The archive's personas (portal.demo.archive names its accounts by organisation)."""
    cell = (
        Membership.objects.filter(role=Role.READER, organisation__code__startswith="q1-")
        .select_related("user")
        .order_by("organisation__path")
        .first()
    )
    names = {
        "city approver": "tp1.approver",
        "department head": "tp1-btg.head",
        "district editor": "q1-btg.editor1",
    }
    found = {label: Membership.objects.get(user__username=n).user for label, n in names.items()}
    found["cell secretary"] = cell.user
    # The archive has no administrator; the stuck-documents page is theirs alone.
    admin, _ = get_user_model().objects.get_or_create(
        username="bench.admin", defaults={"is_staff": True, "is_superuser": True}
    )
    found["administrator"] = admin
    return found


def session_data(user) -> dict:
    """A signed-in session, with the second step done (allauth's record of it)."""
    return {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "allauth.account.auth_backends.AuthenticationBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        "account_authentication_methods": [{"method": "mfa", "at": time.time()}],
        "account_authentication_methods_user": str(user.pk),
    }


def sessions_create(users: list) -> list[str]:
    """One session per user, written in bulk."""
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    rows = [
        Session(
            session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
            session_data=store.encode(session_data(user)),
            expire_date=expire,
        )
        for user in users
    ]
    Session.objects.bulk_create(rows, batch_size=2000)
    return [row.session_key for row in rows]


def persona_pages(user) -> dict[str, str]:
    """The pages measured for a persona; each document page on its newest published document
    (for a secretary, one the cell has already received, so that measuring writes nothing)."""
    published = documents_visible_to(user).filter(status=Status.PUBLISHED)
    if user.memberships.filter(role=Role.READER).exists():
        cell_id = user.memberships.get(role=Role.READER).organisation_id
        received = Receipt.objects.filter(organisation_id=cell_id).values("document_id")
        published = published.filter(pk__in=received)
    newest = published.order_by("-published_at", "-pk").first()
    cited = CitedDocument.objects.annotate(n=Count("citations")).order_by("-n", "pk").first()
    pages = {
        "reader landing /": "/",
        "inbox /van-ban/": "/van-ban/",
        "library /thu-vien/": "/thu-vien/",
        "stuck /van-ban/ton-dong/": "/van-ban/ton-dong/",
        "propaganda index": "/van-ban-duoc-tuyen-truyen/",
        "cited-document page": f"/van-ban-trich-dan/{cited.pk}/",
    }
    pages["search 'tuyen truyen'"] = "/tim-kiem/?q=tuyen+truyen"
    if newest is not None:
        pages["search by number"] = f"/tim-kiem/?q={quote(newest.number)}"
        pages["document detail"] = f"/van-ban/{newest.pk}/"
        pages["PDF download (302)"] = f"/van-ban/{newest.pk}/pdf/"
    return pages


def measure_pages() -> dict:
    out = {"cookie": settings.SESSION_COOKIE_NAME, "personas": []}
    for label, user in personas().items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions_create([user])[0]
        pages = []
        for page, url in persona_pages(user).items():
            client.get(url)  # the first request fills per-process caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            pages.append({"page": page, "url": url, "status": response.status_code,
                          "queries": len(queries)})  # fmt: skip
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        out["personas"].append({"persona": label, "user": user.username, "session": session,
                                "pages": pages})  # fmt: skip
    return out


def publication() -> dict:
    """The newest published bulletin of the first city, sent again to every cell under it."""
    bulletin = (
        Document.objects.filter(kind="bulletin", status=Status.PUBLISHED, audience__parent=None)
        .order_by("-published_at", "-pk")
        .first()
    )
    Receipt.objects.filter(document=bulletin).delete()
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["published_at"])
    secretaries = (
        Membership.objects.filter(
            role=Role.READER, organisation__path__startswith=bulletin.audience.path
        )
        .select_related("user")
        .order_by("organisation__path")
    )
    users = [m.user for m in secretaries]
    return {"document": bulletin.pk, "audience": bulletin.audience.name,
            "cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions_create(users)}  # fmt: skip


def publication_counted(document_id: int) -> dict:
    receipts = Receipt.objects.filter(document_id=document_id)
    return {
        "receipts": receipts.count(),
        "cells": receipts.values("organisation_id").distinct().count(),
    }


def _reviewer(document: Document, role: str):
    return workflow.step_reviewers(document, role)[0]


def approval_ready(wanted: int) -> dict:
    """Drafts and returned documents of the last months, submitted and forwarded."""
    ready = []
    candidates = Document.objects.filter(status__in=[Status.DRAFT, Status.RETURNED])
    for document in candidates.order_by("-created_at", "-pk").iterator():
        # What the editor fills in before submitting (the archive leaves drafts without it).
        document.recipients = "- Như trên;\n- Lưu Văn phòng."
        document.signer_title, document.signer_name = "PHÓ TRƯỞNG BAN", "Nguyễn Văn An"
        document.save(update_fields=["recipients", "signer_title", "signer_name"])
        try:
            document = workflow.document_submit(document=document, actor=document.created_by)
            chain = document.chain.split(",")
            while document.step < len(chain):
                actor = _reviewer(document, chain[document.step - 1])
                document = workflow.document_forward(document=document, actor=actor)
        except Exception as refused:  # noqa: BLE001 (a document the checklist refuses: next)
            print(f"skipped {document.pk}: {refused}", file=sys.stderr)
            continue
        ready.append(document.pk)
        if len(ready) == wanted:
            break
    return {"documents": ready}


def approve(ids: list[int]) -> dict:
    started = time.perf_counter()
    for document in Document.objects.filter(pk__in=ids).order_by("pk"):
        actor = _reviewer(document, document.chain.split(",")[-1])
        workflow.document_approve(document=document, actor=actor)
    return {"approve_s": time.perf_counter() - started}


def rendered(ids: list[int]) -> dict:
    revisions = Document.objects.filter(pk__in=ids).values("approved_revision_id")
    done = RenderedFile.objects.filter(revision_id__in=revisions, format="pdf")
    return {"rendered": done.values("revision_id").distinct().count()}


def main() -> None:
    command, *args = sys.argv[1:]
    ids = [int(x) for x in args[0].split(",")] if args and "," in args[0] else []
    result = {
        "pages": lambda: measure_pages(),
        "publication": lambda: publication(),
        "publication-counted": lambda: publication_counted(int(args[0])),
        "approval-ready": lambda: approval_ready(int(args[0])),
        "approve": lambda: approve(ids),
        "rendered": lambda: rendered(ids),
    }[command]()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
