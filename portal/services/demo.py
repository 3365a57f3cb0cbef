"""Loading the demo data: idempotent, through the same services users go through.

The demo shows both worlds: the 2024 tree with the seeds as they were issued, the
reorganisation of 1 July 2025 applied as one plan, then this month's bulletins of new wards.
"""

import html
import json
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.demo.tree import (
    CURRENT_BULLETIN_TEXT,
    CURRENT_BULLETINS,
    CURRENT_KIND,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    ORGANISATIONS,
    REORGANISATION_PLAN,
    SEEDS,
    USERS,
)
from portal.handoff import person_name
from portal.kinds import KINDS, PERIOD_FIELDS, period_condition
from portal.models import Document, Membership, Organisation, Reorganisation, WorkflowEvent
from portal.services.deadlines import deadline_set
from portal.services.documents import body_outline, document_start, new_document_prefill
from portal.services.imports import document_import
from portal.services.organisations import membership_grant, organisation_create
from portal.services.reorganisation import reorganisation_apply
from portal.services.workflow import (
    document_approve,
    document_forward,
    document_publish_imported,
    document_submit,
)

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
        if by_code[code].valid_to is None:  # an ended body's staff moved with the plan
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


def _seeds(by_code: dict[str, Organisation], users: dict) -> int:
    """Import and publish the seeds as issued on paper, those not imported yet."""
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
    return imported


def demo_plan() -> dict:
    """The demo's reorganisation of 1 July 2025, as the plan file gives it."""
    return json.loads(REORGANISATION_PLAN.read_text(encoding="utf-8"))


def _reorganise(users: dict) -> bool:
    """Apply the demo's reorganisation once; False when it was applied already."""
    plan = demo_plan()
    if Reorganisation.objects.filter(name=plan["name"]).exists():
        return False
    reorganisation_apply(plan=plan, actor=users["admin"])
    return True


def _filled_outline(skeleton: str) -> str:
    """The outline an editor starts from, with the demo's paragraphs under its headings."""
    parts = []
    for entry in body_outline(skeleton)[1]:
        level, text = entry.level, html.escape(entry.text)
        parts.append(f"<h{level}>{text}</h{level}>")
        label = entry.text.split(" ", 1)[0]
        parts += [f"<p>{html.escape(line)}</p>" for line in CURRENT_BULLETIN_TEXT.get(label, [])]
    return "".join(parts)


def _current_bulletins(users: dict) -> int:
    """This month's bulletin of each demo ward that has none yet: drafted by the ward's
    editor, forwarded by its head, approved and published by the city's approver."""
    today = timezone.localdate()
    made = 0
    for issuer_code, editor, head, approver in CURRENT_BULLETINS:
        issuer = Organisation.objects.get(code=issuer_code)
        month = period_condition(today.year, today.month)
        if Document.objects.filter(month, issuer=issuer, kind=CURRENT_KIND).exists():
            continue
        prefill = new_document_prefill(
            kind=CURRENT_KIND, issuer=issuer, month=f"{today:%Y-%m}", today=today
        )
        body = _filled_outline(prefill.initial["body"])
        document = document_start(
            kind=CURRENT_KIND,
            issuer=issuer,
            actor=users[editor],
            title=prefill.initial["title"],
            body_html=body,
            fields={
                "recipients": "Các chi bộ trực thuộc\nLưu BXDĐ",
                "signer_name": person_name(users[head]),
            },
            kind_fields=dict(zip(PERIOD_FIELDS, (today.month, today.year), strict=True)),
        )
        document = document_submit(document=document, actor=users[editor])
        document = document_forward(document=document, actor=users[head])
        document_approve(document=document, actor=users[approver], publish_at=timezone.now())
        made += 1
    return made


def _deadlines(users: dict) -> None:
    """Each city's deadlines for the units below it: the bulletin of month M by the 25th of
    M−1, the quarterly report by the 15th of the quarter's last month."""
    for city, approver in (("hp", "hp.approver"), ("hn", "hn.approver")):
        organisation = Organisation.objects.get(code=city)
        for kind in KINDS.values():
            if not kind.period_length:
                continue
            # A monthly kind by the 25th of the month before; a longer period by the 15th
            # of its last month.
            offset, day = (-1, 25) if kind.period_length == 1 else (kind.period_length - 1, 15)
            deadline_set(organisation=organisation, kind=kind.name, month_offset=offset,
                         day=day, remind_days=3, actor=users[approver])  # fmt: skip


def _fresh(users: dict) -> dict:
    """The users read again: the reorganisation moved their memberships."""
    return {u.username: u for u in get_user_model().objects.filter(username__in=users)}


@transaction.atomic
def demo_reorganised_load() -> tuple[dict, int]:
    """The 2024 tree and seeds, then the reorganisation of 1 July 2025 (each once): the demo
    users and how many documents were imported now."""
    by_code, users = demo_tree_load()
    imported = _seeds(by_code, users)
    _reorganise(users)
    return _fresh(users), imported


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create what the demo lacks: the 2024 tree, users and published seeds, the
    reorganisation of 1 July 2025, this month's bulletins of the new wards, and the cities'
    deadlines."""
    users, imported = demo_reorganised_load()
    imported += _current_bulletins(users)
    _deadlines(users)
    return {
        "organisations": Organisation.objects.count(),
        "users": len(users),
        "documents": imported,
    }
