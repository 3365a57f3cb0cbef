"""What an instance holds, read without the backup's code; and, run as a program in a restored
instance (`python -m tests.portal.backup_probe …`), that the instance works.

The program prints one JSON line: the rows and stored files it found, the number a new
approval took, the sha256 of a PDF downloaded through the reader's link, and the id of a
newly created document.
"""

import argparse
import datetime
import decimal
import hashlib
import json
import os
import sys
import uuid
from pathlib import Path

# The portal's own tables, and those of the libraries that hold its users' data.
APPS = ("portal", "bulletins", "guidance")
OTHER_TABLES = (
    "auth.user",
    "auth.group",
    "account.emailaddress",
    "mfa.authenticator",
    "admin.logentry",
    "django_tasks_database.dbtaskresult",
)


def _plain(value):
    """A value as text that keeps every digit (JSON would cut datetimes)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def table_rows() -> dict[str, list[dict]]:
    """Every row of the compared tables, ordered by primary key, every field."""
    from django.apps import apps

    models = [m for label in APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model(label) for label in OTHER_TABLES]
    return {
        model._meta.label_lower: [
            {name: _plain(value) for name, value in row.items()}
            for row in model._base_manager.order_by("pk").values()
        ]
        for model in models
    }


def stored_files() -> dict[str, str]:
    """Every file under MEDIA_ROOT and PRIVATE_ROOT, by path, with its sha256."""
    from django.conf import settings

    files = {}
    for folder, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_ROOT)):
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                relative = path.relative_to(root).as_posix()
                files[f"{folder}/{relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def _works(*, approve: int, download: int, reader: str) -> dict:
    """Approve a document, download a restored PDF as a reader, start a new document."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from portal.models import Document
    from portal.services.documents import document_create
    from portal.services.workflow import document_approve

    users = get_user_model().objects
    approved = document_approve(
        document=Document.objects.get(pk=approve), actor=users.get(username="hp.approver")
    )
    client = Client()
    client.force_login(users.get(username=reader))
    link = client.get(f"/van-ban/{download}/pdf/")
    served = client.get(link["Location"])
    body = b"".join(served.streaming_content) if served.status_code == 200 else b""
    created = document_create(
        kind="guidance",
        issuer=Document.objects.get(pk=approve).issuer,
        actor=users.get(username="doson.editor"),
        title="Hướng dẫn viết sau khi khôi phục",
        body_html="<p>Nội dung.</p>",
        fields={},
        kind_fields={},
    )
    return {
        "number": approved.number,
        "link_status": link.status_code,
        "download_status": served.status_code,
        "download_sha256": hashlib.sha256(body).hexdigest(),
        "new_document": created.pk,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--approve", type=int, required=True)
    parser.add_argument("--download", type=int, required=True)
    parser.add_argument("--reader", required=True)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    found = {"rows": table_rows(), "files": stored_files()}
    found["works"] = _works(
        approve=arguments.approve, download=arguments.download, reader=arguments.reader
    )
    sys.stdout.write(json.dumps(found, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
