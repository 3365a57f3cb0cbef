"""reorganise: preview or apply a reorganisation plan (JSON) of the organisation tree."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.services.reorganisation import reorganisation_apply, reorganisation_preview


class Command(BaseCommand):
    help = (
        "Reads a reorganisation plan (JSON: name, effective_on, create, rename, move, "
        "memberships, end) and prints its preview, one line per organisation, membership, "
        "open document passed on, published document whose reading cells change and register "
        "closed, then a summary line; nothing is changed. With --apply, applies it in one "
        "transaction and records the reorganisation (applied by --user, or nobody)."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", help="the plan's JSON file")
        parser.add_argument("--apply", action="store_true", help="apply the plan")
        parser.add_argument("--user", help="the username recorded as applying it")

    def handle(self, *args, plan: str, apply: bool, user: str | None, **options):
        try:
            data = json.loads(Path(plan).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được phương án {plan}: {exc}") from exc
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản “{user}”.")
        try:
            if apply:
                reorganisation = reorganisation_apply(plan=data, actor=actor)
            else:
                report = reorganisation_preview(plan=data, actor=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if apply:
            self.stdout.write(
                f"Đã áp dụng phương án “{reorganisation.name}” (số {reorganisation.pk}): "
                f"{_counts(reorganisation.summary)}."
            )
            return
        for line in preview_lines(report):
            self.stdout.write(line)
        self.stdout.write(f"Xem trước, chưa thay đổi gì: {_counts(report)}.")


def _counts(report: dict) -> str:
    counts = report["counts"]
    return (
        f"{counts['organisations']} thay đổi tổ chức, {counts['memberships']} thành viên chuyển "
        f"hoặc thôi, {counts['open_documents']} văn bản đang xử lý chuyển giao, "
        f"{counts['documents']} văn bản đổi chi bộ được đọc, {counts['registers']} sổ văn bản khóa"
    )


def preview_lines(report: dict) -> list[str]:
    """The preview as lines of text, one per item."""
    lines = [f"Tổ chức: {o['name']} ({o['code']}): {o['text']}" for o in report["organisations"]]
    for m in report["memberships"]:
        where = f"chuyển sang {m['to']}" if m["to"] else "thôi"
        lines.append(f"Thành viên: {m['user']} ({m['role']}) ở {m['from']}: {where}")
    for d in report["open_documents"]:
        lines.append(
            f"Văn bản đang xử lý #{d['id']} “{d['title']}” ({d['status']}): {d['from']} → {d['to']}"
        )
    for d in report["documents"]:
        lines.append(
            f"Văn bản #{d['id']} {d['number']} “{d['title']}”: "
            f"chi bộ được đọc {d['before']} → {d['after']}"
        )
    for r in report["registers"]:
        lines.append(
            f"Sổ văn bản khóa: {r['organisation']}, {r['kind']} nhiệm kỳ {r['term_start']}, "
            f"số cuối {r['last']}"
        )
    return lines
