"""Steps of the worker crash test, each run as its own process on the shared database.

    python -m tests.worker_crash.steps approve [--claimed-by WORKER]
    python -m tests.worker_crash.steps state DOCUMENT [--wait]

Each prints one JSON object on its last line.
"""

import argparse
import json
import time

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from portal.models import Document, RenderedFile  # noqa: E402
from portal.services.demo import demo_tree_load  # noqa: E402
from portal.tasks import render_revision  # noqa: E402
from tests.factories import make_document  # noqa: E402

WAIT_SECONDS = 120


def approve(claimed_by: str) -> dict:
    """A document approved and published; its render task already claimed by a worker that
    will never run it, if asked (in the approving transaction: no live worker sees it free)."""
    organisations, users = demo_tree_load()
    with transaction.atomic():
        document = make_document(users, organisations, state="published", render=False)
        if claimed_by:
            _render_tasks(document).update(
                status="RUNNING", started_at=timezone.now(), worker_ids=[claimed_by]
            )
    return {"document": document.pk, "revision": document.approved_revision_id}


def _render_tasks(document: Document):
    return DBTaskResult.objects.filter(
        task_path=render_revision.module_path,
        args_kwargs__args__0=document.approved_revision_id,
    ).order_by("enqueued_at")


def _rendered(document: Document) -> bool:
    files = RenderedFile.objects.filter(revision=document.approved_revision_id, format="pdf")
    finished = not _render_tasks(document).exclude(status="SUCCESSFUL").exists()
    return files.exists() and finished


def _download(document: Document) -> dict:
    """The reader's download through the access check and its signed link."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="vanhuong.secretary"))
    response = client.get(reverse("portal:document_pdf", args=[document.pk]))
    result = {"status": response.status_code}
    if response.status_code == 302:
        served = client.get(response["Location"])
        body = b"".join(served.streaming_content) if served.streaming else served.content
        result.update(file_status=served.status_code, head=body[:5].decode("latin-1"))
    return result


def state(document_id: int, wait: bool) -> dict:
    """What the database says of the document's rendering, after its PDF is made if asked."""
    document = Document.objects.get(pk=document_id)
    deadline = time.monotonic() + WAIT_SECONDS
    while wait and not _rendered(document):
        if time.monotonic() > deadline:
            break  # the test reads the state and says what is missing
        time.sleep(0.1)
    events = document.events.order_by("pk").values_list("action", "revision_id", "reason")
    formats = RenderedFile.objects.filter(revision=document.approved_revision_id)
    return {
        "events": [list(event) for event in events],
        "tasks": [[task.status, task.worker_ids] for task in _render_tasks(document)],
        "formats": sorted(formats.values_list("format", flat=True)),
        "download": _download(document) if wait else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    steps = parser.add_subparsers(dest="step", required=True)
    approving = steps.add_parser("approve")
    approving.add_argument("--claimed-by", default="")
    reading = steps.add_parser("state")
    reading.add_argument("document", type=int)
    reading.add_argument("--wait", action="store_true")
    options = parser.parse_args()
    if options.step == "approve":
        print(json.dumps(approve(options.claimed_by)))
    else:
        print(json.dumps(state(options.document, options.wait)))
