"""import_document: a .txt (UTF-8) or .docx file becomes a new draft."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.importer_docx import ImportRefused
from portal.models import Document, Membership, Organisation
from portal.services.imports import document_import


class Command(BaseCommand):
    help = (
        "Imports one file, UTF-8 text or Word .docx (told apart by content), as a draft of "
        "the issuing department; prints the import report, and last the new document's id "
        "and URL."
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
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
        try:
            document, notes = document_import(
                data=data, kind=kind, issuer=organisation, actor=actor
            )
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc}") from exc
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
