"""import_document: a plain-text file like the seeds becomes a new draft."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.models import Document, Membership, Organisation
from portal.services.imports import document_import


class Command(BaseCommand):
    help = (
        "Imports one UTF-8 text file as a draft of the issuing department, "
        "prints the import report, and last the new document's id and URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=Document.Kind.values)
        parser.add_argument("--issuer", required=True, help="organisation code, e.g. doson-btg")
        parser.add_argument("--as", dest="username", help="default: an editor of the issuer")

    def handle(self, *args, path: str, kind: str, issuer: str, username: str | None, **options):
        organisation = Organisation.objects.filter(code=issuer).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức mã {issuer!r}.")
        actor = self._actor(organisation, username)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp văn bản UTF-8 {path}: {exc}") from exc
        if "\x00" in text:
            raise CommandError(f"Tệp {path} không phải văn bản thuần.")
        document, notes = document_import(text=text, kind=kind, issuer=organisation, actor=actor)
        for note in notes:
            self.stdout.write(note)
        url = settings.SITE_URL + reverse("portal:document_detail", args=[document.pk])
        self.stdout.write(f"{document.pk} {url}")

    def _actor(self, organisation: Organisation, username: str | None):
        users = get_user_model().objects
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {username!r}.")
            return actor
        membership = (
            Membership.objects.filter(organisation=organisation, role=Membership.Role.EDITOR)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if membership is None:
            raise CommandError(f"{organisation.name} chưa có chuyên viên; hãy chỉ rõ --as.")
        return membership.user
