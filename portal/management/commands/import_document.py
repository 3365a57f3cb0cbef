"""import_document: a .txt, .docx, .doc, .rtf or .odt file becomes a new draft."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.access import drafts_for
from portal.importing import ImportRefused
from portal.kinds import KINDS
from portal.models import Membership, Organisation
from portal.services.imports import document_import


class Command(BaseCommand):
    help = (
        "Imports one file, text or Word .docx (.doc, .rtf and .odt converted by LibreOffice; "
        "told apart by content), as a draft of "
        "the issuing organisation, by a user who may draft for it (an editor of it, or of a "
        "department of that committee); prints the import report, and last the new "
        "document's id and URL. Files over settings.IMPORT_MAX_BYTES are refused unread."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=list(KINDS))
        parser.add_argument(
            "--issuer",
            help="organisation code, e.g. doson-btg; default: the one department --as edits for",
        )
        parser.add_argument("--as", dest="username", help="default: an editor of the issuer")

    def handle(
        self, *args, path: str, kind: str, issuer: str | None, username: str | None, **options
    ):
        for option, value in (("--issuer", issuer), ("--as", username)):
            if value is not None:
                _check_argument(option, value)
        if issuer is None and username is None:
            raise CommandError("Hãy chỉ rõ --issuer (mã tổ chức ban hành) hoặc --as (người soạn).")
        if username is None:
            organisation = _organisation(issuer)
            actor = _default_editor(organisation)
        else:
            actor = _user(username)
            organisation = _organisation(issuer) if issuer else _only_department(actor)
            _require_drafts_for(actor, organisation)
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


def _organisation(code: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise CommandError(f"Không có tổ chức mã {code!r}.")
    return organisation


def _user(username: str):
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(f"Không có người dùng {username!r}.")
    return actor


def _default_editor(organisation: Organisation):
    """The first editor of the issuer itself, by username."""
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.EDITOR)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        raise CommandError(f"{organisation.name} chưa có chuyên viên; hãy chỉ rõ --as.")
    return membership.user


def _codes(ids: list[int]) -> str:
    """ "doson-btg (Ban Tuyên giáo Quận ủy Đồ Sơn), doson (Quận ủy Đồ Sơn)", in that order."""
    by_id = Organisation.objects.in_bulk(ids)
    return ", ".join(f"{by_id[pk].code} ({by_id[pk].name})" for pk in ids if pk in by_id)


def _only_department(actor) -> Organisation:
    """The issuer when --issuer is left out: the one organisation the user is an editor of."""
    own = Organisation.objects.filter(
        memberships__user=actor, memberships__role=Membership.Role.EDITOR
    ).distinct()
    if len(own) == 1:
        return own[0]
    choices = drafts_for(actor)
    if not choices:
        raise CommandError(
            f"{actor.username} không là chuyên viên của ban nào nên không soạn được văn bản; "
            "hãy chọn người soạn khác bằng --as."
        )
    raise CommandError(
        f"{actor.username} soạn văn bản cho nhiều tổ chức; hãy chọn một bằng --issuer: "
        f"{_codes(choices)}."
    )


def _require_drafts_for(actor, organisation: Organisation) -> None:
    """Refuse a user who may not draft in the organisation's name (``access.drafts_for``)."""
    choices = drafts_for(actor)
    if organisation.pk in choices:
        return
    if choices:
        allowed = f"người này chỉ soạn cho: {_codes(choices)}"
    else:
        allowed = "người này không là chuyên viên của ban nào"
    raise CommandError(
        f"{actor.username} không được soạn văn bản cho {organisation.code} "
        f"({organisation.name}); {allowed}."
    )


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
