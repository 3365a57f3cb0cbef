"""Loading the demo data: idempotent, through the same services users go through."""

from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction

from portal.demo.tree import (
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    ORGANISATIONS,
    SEEDS,
    USERS,
)
from portal.models import Membership, Organisation, WorkflowEvent
from portal.services.imports import document_import
from portal.services.organisations import membership_grant, organisation_create
from portal.services.workflow import document_publish_imported

SEED_DIR = Path(__file__).resolve().parent.parent / "demo" / "seeds"


def _organisations() -> dict[str, Organisation]:
    by_code = {o.code: o for o in Organisation.objects.all()}
    for code, parent, kind, name, parent_line, print_name, symbol, place in ORGANISATIONS:
        if code not in by_code:
            by_code[code] = organisation_create(
                code=code,
                name=name,
                kind=kind,
                parent=by_code[parent] if parent else None,
                parent_line=parent_line,
                print_name=print_name,
                symbol=symbol,
                place=place,
            )
    return by_code


def _users(by_code: dict[str, Organisation]) -> dict:
    user_model = get_user_model()
    users = {}
    admin, created = user_model.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": _demo_email("admin")},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    users["admin"] = admin
    for username, code, role, full_name in USERS:
        last_name, _sep, first_name = full_name.rpartition(" ")
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": _demo_email(username),
            },
        )
        if created:  # an account that exists already keeps its password and its app
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == Membership.Role.APPROVER:
                TOTP.activate(user, DEMO_TOTP_SECRET)  # approvers sign in in two steps
        membership_grant(user=user, organisation=by_code[code], role=role)
        users[username] = user
    return users


def _demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


@transaction.atomic
def demo_tree_load() -> tuple[dict[str, Organisation], dict]:
    """Create the demo organisations and users that are not there yet."""
    by_code = _organisations()
    return by_code, _users(by_code)


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo tree, users and published seed documents that are not there yet."""
    by_code, users = demo_tree_load()
    imported = 0
    for filename, kind, issuer_code, username, issued_on in SEEDS:
        text = (SEED_DIR / filename).read_text(encoding="utf-8")
        issuer = by_code[issuer_code]
        reason = f"Dữ liệu mẫu: văn bản đã ban hành trên giấy, nhập từ {filename}."
        if WorkflowEvent.objects.filter(action="publish_imported", reason=reason).exists():
            continue
        document, _ = document_import(text=text, kind=kind, issuer=issuer, actor=users[username])
        document_publish_imported(
            document=document,
            actor=users[username],
            reason=reason,
            issued_on=issued_on,
        )
        imported += 1
    return {
        "organisations": len(by_code),
        "users": len(users),
        "documents": imported,
    }
