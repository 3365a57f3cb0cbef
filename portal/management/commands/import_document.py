"""import_document: a .txt (UTF-8) or .docx file becomes a new draft."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.importing import ImportRefused
from portal.kinds import KINDS
from portal.models import Membership, Organisation
from portal.services.imports import document_import


class Command(BaseCommand):
    help = (
        "Imports one file, UTF-8 text or Word .docx (told apart by content), as a draft of "
        "the issuing department; prints the import report, and last the new document's id "
        "and URL. Files over settings.IMPORT_MAX_BYTES are refused unread."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=list(KINDS))
        parser.add_argument("--issuer", required=True, help="organisation code, e.g. doson-btg")
        parser.add_argument("--as", dest="username", help="default: an editor of the issuer")

    def handle(self, *args, path: str, kind: str, issuer: str, username: str | None, **options):
        _check_argument("--issuer", issuer)
        if username is not None:
            _check_argument("--as", username)
        organisation = Organisation.objects.filter(code=issuer).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức mã {issuer!r}.")
        actor = self._actor(organisation, username)
        data = _read(path, settings.IMPORT_MAX_BYTES)
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


def _check_argument(option: str, value: str) -> None:
    """Refuse a value that is not clean UTF-8 text (the database would raise on it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CommandError(f"Giá trị {option} không hợp lệ: không phải chữ UTF-8.") from exc
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise CommandError(f"Giá trị {option} không hợp lệ: có ký tự điều khiển.")


def _read(path: str, limit: int) -> bytes:
    """The file's bytes; its size is checked before reading (settings.IMPORT_MAX_BYTES)."""
    too_big = f"Tệp {path} quá lớn để nhập (tối đa {limit} byte)."
    try:
        with Path(path).open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > limit:
                raise CommandError(too_big)
            data = handle.read(limit + 1)  # a device or a growing file may say size 0
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
    if len(data) > limit:
        raise CommandError(too_big)
    return data
