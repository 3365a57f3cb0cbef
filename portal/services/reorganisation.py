"""Reorganising the tree: one reviewed plan (create, rename, move, memberships, end), applied
in one transaction with its audit entry, or previewed and rolled back.

The plan is JSON (``manage.py reorganise`` and the admin page take the same)::

    {"name": "...", "effective_on": "2025-07-01",
     "create": [{"code", "name", "kind", "parent", "parent_line", "print_name", "symbol",
                 "place", "review_chain"}],
     "rename": [{"code", "name", "parent_line", "print_name", "symbol", "place"}],
     "move": [{"code", "to"}],
     "memberships": [{"user", "role", "from", "to"}],
     "end": [{"code", "how", "into": [codes], "drafts_to": code}]}

An ended organisation keeps its documents, numbers and audience; its open documents pass to
``drafts_to``; its successors' staff and the units now under them read its archive through
``Organisation.heritage`` (``heritage_sync``).
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from portal.models import (
    Document,
    Membership,
    Organisation,
    PrintedLines,
    RegisterEntry,
    Reorganisation,
    Succession,
    WorkflowEvent,
)
from portal.services.documents import audience_of
from portal.services.events import event_record

OPEN_STATUSES = (Document.Status.DRAFT, Document.Status.SUBMITTED, Document.Status.RETURNED)
LINE_FIELDS = ("name", "parent_line", "print_name", "symbol", "place")
# The keys each section's entries may carry (the first ones are required).
SECTIONS = {
    "create": (
        ("code", "name", "kind"),
        ("parent", *LINE_FIELDS[1:], "review_chain"),
    ),
    "rename": (("code",), LINE_FIELDS),
    "move": (("code", "to"), ()),
    "memberships": (("user", "role", "from"), ("to",)),
    "end": (("code", "how", "into"), ("drafts_to",)),
}
MOVABLE = {Organisation.Kind.CELL, Organisation.Kind.GRASSROOTS}
HOLDS_UNITS = {Organisation.Kind.COMMITTEE, Organisation.Kind.GRASSROOTS}
REVIEW_ROLES = {Membership.Role.HEAD, Membership.Role.APPROVER}
# Handing an open document to the successor is recorded without an actor: nobody wrote its
# content (four eyes), and the Reorganisation row says who applied it.
HANDOVER = WorkflowEvent.Action.HANDOVER


def reorganisation_apply(*, plan: dict, actor=None) -> Reorganisation:
    """Apply the plan in one transaction and record it, with what it did, as one entry."""
    with transaction.atomic():
        reorganisation, _report = _run(plan, actor)
    return reorganisation


def reorganisation_preview(*, plan: dict, actor=None) -> dict:
    """What the plan would do, measured by applying it in a transaction rolled back."""
    with transaction.atomic():
        _reorganisation, report = _run(plan, actor)
        transaction.set_rollback(True)
    return report


def heritage_sync() -> int:
    """Recompute every organisation's heritage (all the organisations it succeeded, from the
    Succession table) and reading heritage (those of it and of all above it); returns how
    many rows changed. Two reads and one batched write, whatever the tree's size."""
    predecessors: dict[int, set[int]] = {}
    for predecessor_id, successor_id in Succession.objects.values_list(
        "predecessor_id", "successor_id"
    ):
        predecessors.setdefault(successor_id, set()).add(predecessor_id)
    known: dict[int, set[int]] = {}

    def heritage_of(pk: int) -> set[int]:
        if pk not in known:
            known[pk] = set()  # a cycle in the table ends here instead of looping
            found = set()
            for predecessor in predecessors.get(pk, ()):
                found |= {predecessor} | heritage_of(predecessor)
            known[pk] = found - {pk}
        return known[pk]

    rows = list(Organisation.objects.only("id", "path", "heritage", "reading_heritage"))
    changed = []
    for organisation in rows:
        own = heritage_of(organisation.pk)
        reading = set().union(*(heritage_of(pk) for pk in organisation.ancestor_ids))
        heritage, reading_heritage = _as_path(own), _as_path(reading)
        if (organisation.heritage, organisation.reading_heritage) != (heritage, reading_heritage):
            organisation.heritage, organisation.reading_heritage = heritage, reading_heritage
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["heritage", "reading_heritage"], batch_size=500)
    return len(changed)


def _as_path(ids: set[int]) -> str:
    return "".join(f"/{pk}" for pk in sorted(ids)) + "/" if ids else ""


# --- validation ------------------------------------------------------------------------


def _refuse(entry: str, message: str, **values) -> None:
    raise ValidationError(
        _("%(entry)s: %(message)s") % {"entry": entry, "message": message % values}
    )


def _entry_name(section: str, index: int, item) -> str:
    code = item.get("code") or item.get("user") if isinstance(item, dict) else None
    return f"{section} #{index + 1}" + (f" ({code})" if code else "")


def _validate_shape(plan) -> date:
    """Refuse a plan that is not of the documented form; returns its effective day."""
    if not isinstance(plan, dict):
        raise ValidationError(_("Phương án phải là một đối tượng JSON."))
    errors = []
    unknown = set(plan) - {"name", "effective_on", *SECTIONS}
    if unknown:
        errors.append(
            _("Phương án có mục không hiểu: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    if not isinstance(plan.get("name"), str) or not plan["name"].strip():
        errors.append(_("Phương án thiếu tên (name)."))
    try:
        effective_on = date.fromisoformat(str(plan.get("effective_on")))
    except ValueError:
        errors.append(_("Ngày hiệu lực (effective_on) phải có dạng YYYY-MM-DD."))
        effective_on = None
    for section, (required, optional) in SECTIONS.items():
        items = plan.get(section, [])
        if not isinstance(items, list):
            errors.append(_("Mục %(section)s phải là một danh sách.") % {"section": section})
            continue
        for index, item in enumerate(items):
            entry = _entry_name(section, index, item)
            if not isinstance(item, dict):
                errors.append(_("%(entry)s: phải là một đối tượng JSON.") % {"entry": entry})
                continue
            missing = [key for key in required if item.get(key) in (None, "", [])]
            extra = set(item) - set(required) - set(optional)
            if missing:
                errors.append(
                    _("%(entry)s: thiếu %(keys)s.") % {"entry": entry, "keys": ", ".join(missing)}
                )
            if extra:
                errors.append(
                    _("%(entry)s: không hiểu %(keys)s.")
                    % {"entry": entry, "keys": ", ".join(sorted(extra))}
                )
    if errors:
        raise ValidationError(errors)
    return effective_on


# --- the steps -------------------------------------------------------------------------


class _Run:
    """One application of a plan: the steps, in order, each checking its own entries."""

    def __init__(self, plan: dict, actor, effective_on: date):
        self.plan, self.actor, self.day = plan, actor, effective_on
        self.ending = {item["code"] for item in plan.get("end", [])}
        self.report: dict = {
            "name": plan["name"],
            "effective_on": effective_on.isoformat(),
            "organisations": [],
            "memberships": [],
            "open_documents": [],
            "documents": [],
            "registers": [],
        }

    def org(self, entry: str, code, *, live: bool = True, ending_ok: bool = False) -> Organisation:
        """The organisation of a code, read afresh (earlier steps may have moved it)."""
        organisation = Organisation.objects.filter(code=code).select_related("parent").first()
        if organisation is None:
            _refuse(entry, _("không có tổ chức mã “%(code)s”."), code=code)
        if live and organisation.valid_to is not None:
            _refuse(
                entry,
                _("%(org)s đã kết thúc hoạt động từ ngày %(day)s."),
                org=organisation.name,
                day=organisation.valid_to.strftime("%d/%m/%Y"),
            )
        if live and not ending_ok and code in self.ending:
            _refuse(entry, _("%(org)s kết thúc trong chính phương án này."), org=organisation.name)
        return organisation

    def note(self, section: str, organisation: Organisation, text: str) -> None:
        self.report["organisations"].append(
            {"action": section, "code": organisation.code, "name": organisation.name, "text": text}
        )

    def create(self, index: int, item: dict) -> None:
        entry = _entry_name("create", index, item)
        if Organisation.objects.filter(code=item["code"]).exists():
            _refuse(entry, _("mã “%(code)s” đã có."), code=item["code"])
        if item["kind"] not in Organisation.Kind.values:
            _refuse(entry, _("loại “%(kind)s” không có."), kind=item["kind"])
        chain = [role.strip() for role in item.get("review_chain", "").split(",") if role.strip()]
        if set(chain) - REVIEW_ROLES:
            _refuse(entry, _("các bước duyệt chỉ gồm head, approver."))
        parent = self.org(entry, item["parent"]) if item.get("parent") else None
        organisation = Organisation.objects.create(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            parent=parent,
            valid_from=self.day,
            review_chain=",".join(chain),
            **{key: item.get(key, "") for key in LINE_FIELDS[1:]},
        )
        organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
        organisation.save(update_fields=["path"])
        where = parent.name if parent else _("gốc của cây")
        self.note("create", organisation, _("thành lập, trực thuộc %(parent)s") % {"parent": where})

    def rename(self, index: int, item: dict) -> None:
        entry = _entry_name("rename", index, item)
        organisation = self.org(entry, item["code"])
        changes = {key: item[key] for key in LINE_FIELDS if key in item}
        if not changes:
            _refuse(entry, _("không có dòng nào để đổi."))
        if PrintedLines.objects.filter(organisation=organisation, until=self.day).exists():
            _refuse(entry, _("%(org)s đã đổi dòng in từ ngày này."), org=organisation.name)
        PrintedLines.objects.create(
            organisation=organisation,
            until=self.day,
            **{key: getattr(organisation, key) for key in LINE_FIELDS},
        )
        old_name = organisation.name
        Organisation.objects.filter(pk=organisation.pk).update(**changes)
        self.note(
            "rename", organisation, _("đổi thành %(new)s") % {"new": changes.get("name", old_name)}
        )

    def move(self, index: int, item: dict) -> None:
        entry = _entry_name("move", index, item)
        organisation = self.org(entry, item["code"])
        target = self.org(entry, item["to"])
        if organisation.kind not in MOVABLE:
            _refuse(entry, _("chỉ chuyển được chi bộ hoặc tổ chức cơ sở đảng."))
        if target.kind not in HOLDS_UNITS:
            _refuse(entry, _("%(org)s không nhận tổ chức trực thuộc."), org=target.name)
        if target.path.startswith(organisation.path):
            _refuse(entry, _("không chuyển được vào chính tổ chức trực thuộc mình."))
        old_prefix = organisation.path
        new_prefix = f"{target.path}{organisation.pk}/"
        Organisation.objects.filter(pk=organisation.pk).update(parent=target)
        Organisation.objects.filter(path__startswith=old_prefix).update(
            path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1))
        )
        self.note(
            "move",
            organisation,
            _("chuyển từ %(old)s về %(new)s")
            % {"old": organisation.parent.name if organisation.parent else "—", "new": target.name},
        )

    def membership(self, index: int, item: dict) -> None:
        entry = _entry_name("memberships", index, item)
        if item["role"] not in Membership.Role.values:
            _refuse(entry, _("vai trò “%(role)s” không có."), role=item["role"])
        user = get_user_model().objects.filter(username=item["user"]).first()
        if user is None:
            _refuse(entry, _("không có tài khoản “%(user)s”."), user=item["user"])
        source = self.org(entry, item["from"], live=False)
        membership = Membership.objects.filter(
            user=user, organisation=source, role=item["role"]
        ).first()
        if membership is None:
            _refuse(
                entry,
                _("%(user)s không giữ vai trò này ở %(org)s."),
                user=item["user"],
                org=source.name,
            )
        target = self.org(entry, item["to"]) if item.get("to") else None
        membership.delete()
        if target is not None:
            Membership.objects.get_or_create(user=user, organisation=target, role=item["role"])
        self.moved_member(item["user"], item["role"], source, target)

    def moved_member(self, username: str, role: str, source, target) -> None:
        self.report["memberships"].append(
            {
                "user": username,
                "role": role,
                "from": source.name,
                "to": target.name if target is not None else None,
            }
        )

    def end(self, index: int, item: dict, seen: set[str]) -> None:
        entry = _entry_name("end", index, item)
        if item["code"] in seen:
            _refuse(entry, _("tổ chức này đã kết thúc ở mục trước của phương án."))
        seen.add(item["code"])
        organisation = self.org(entry, item["code"], ending_ok=True)
        how = item["how"]
        if how not in Succession.Kind.values:
            _refuse(entry, _("hình thức “%(how)s” không có."), how=how)
        into = item["into"] if isinstance(item["into"], list) else [item["into"]]
        if how == Succession.Kind.SPLIT_INTO and len(into) < 2:
            _refuse(entry, _("chia tách phải có ít nhất hai đơn vị kế thừa."))
        if how != Succession.Kind.SPLIT_INTO and len(into) != 1:
            _refuse(entry, _("hình thức này có đúng một đơn vị kế thừa."))
        successors = [self.org(entry, code) for code in into]
        if organisation.pk in {s.pk for s in successors}:
            _refuse(entry, _("một tổ chức không kế thừa chính nó."))
        open_documents = list(
            Document.objects.filter(issuer=organisation, status__in=OPEN_STATUSES).order_by("pk")
        )
        drafts_to = None
        if item.get("drafts_to"):
            drafts_to = self.org(entry, item["drafts_to"])
        elif open_documents:
            _refuse(
                entry,
                _("%(org)s còn %(count)s văn bản đang soạn hoặc chờ duyệt: hãy ghi drafts_to."),
                org=organisation.name,
                count=len(open_documents),
            )
        Organisation.objects.filter(pk=organisation.pk).update(valid_to=self.day)
        for successor in successors:
            Succession.objects.create(
                predecessor=organisation,
                successor=successor,
                kind=how,
                on=self.day,
                reorganisation=self.reorganisation,
            )
        for document in open_documents:
            self.hand_over(document, organisation, drafts_to)
        for membership in Membership.objects.filter(organisation=organisation).select_related(
            "user"
        ):
            self.moved_member(membership.user.username, membership.role, organisation, None)
            membership.delete()
        self.note(
            "end",
            organisation,
            _("%(how)s %(into)s")
            % {
                "how": Succession.Kind(how).label,
                "into": ", ".join(s.name for s in successors),
            },
        )
        self.close_registers(organisation)

    def hand_over(self, document: Document, source: Organisation, target: Organisation) -> None:
        document.issuer = target
        document.audience = audience_of(target)
        document.save(update_fields=["issuer", "audience"])
        event_record(
            document=document,
            action=HANDOVER,
            reason=_(
                "Chuyển từ %(old)s sang %(new)s theo phương án sắp xếp “%(plan)s” "
                "có hiệu lực từ ngày %(day)s."
            )
            % {
                "old": source.name,
                "new": target.name,
                "plan": self.plan["name"],
                "day": self.day.strftime("%d/%m/%Y"),
            },
        )
        self.report["open_documents"].append(
            {
                "id": document.pk,
                "title": document.title,
                "status": document.status,
                "from": source.name,
                "to": target.name,
            }
        )

    def close_registers(self, organisation: Organisation) -> None:
        for row in (
            RegisterEntry.objects.filter(issuer=organisation)
            .values("kind", "term_start")
            .annotate(last=Max("sequence"), count=Count("pk"))
            .order_by("kind", "term_start")
        ):
            self.report["registers"].append({"organisation": organisation.name, **row})

    def live_children_of_ended(self) -> None:
        left = (
            Organisation.objects.filter(parent__code__in=self.ending, valid_to__isnull=True)
            .select_related("parent")
            .order_by("path")
            .first()
        )
        if left is not None:
            codes = [item["code"] for item in self.plan["end"]]
            index = codes.index(left.parent.code)
            _refuse(
                _entry_name("end", index, {"code": left.parent.code}),
                _("%(child)s vẫn trực thuộc %(org)s: hãy chuyển hoặc kết thúc nó trong phương án."),
                child=left.name,
                org=left.parent.name,
            )


def _scope_require(plan: dict, actor) -> None:
    """An administrator who is not a superuser reorganises only the subtrees they administer."""
    if actor is None or actor.is_superuser:
        return
    roots = list(
        Membership.objects.filter(user=actor, role=Membership.Role.ADMIN).values_list(
            "organisation__path", flat=True
        )
    )
    codes = set()
    for section in ("rename", "move", "end"):
        codes |= {item.get("code") for item in plan.get(section, [])}
    codes |= {item.get("parent") for item in plan.get("create", [])}
    codes |= {item.get("to") for item in plan.get("move", [])}
    for item in plan.get("memberships", []):
        codes |= {item.get("from"), item.get("to")}
    for item in plan.get("end", []):
        codes |= {item.get("drafts_to"), *(item.get("into") or [])}
    paths = Organisation.objects.filter(code__in=codes - {None}).values_list("path", flat=True)
    outside = [path for path in paths if not any(path.startswith(root) for root in roots)]
    if not roots or outside:
        raise PermissionDenied(_("Phương án có tổ chức ngoài phạm vi bạn quản trị."))


def _reading_cells() -> dict[int, frozenset[int]]:
    """For each audience of a published document: the live cells that read it."""
    audiences = set(
        Document.objects.filter(status=Document.Status.PUBLISHED)
        .values_list("audience_id", flat=True)
        .distinct()
    )
    readers: dict[int, set[int]] = {audience: set() for audience in audiences}
    cells = Organisation.objects.filter(kind=Organisation.Kind.CELL, valid_to__isnull=True)
    for pk, path, reading_heritage in cells.values_list("pk", "path", "reading_heritage"):
        for part in f"{path}{reading_heritage}".split("/"):
            if part and int(part) in readers:
                readers[int(part)].add(pk)
    return {audience: frozenset(cells) for audience, cells in readers.items()}


def _documents_with_new_readers(before: dict, after: dict) -> list[dict]:
    changed = [a for a in before if before[a] != after.get(a, frozenset())]
    documents = Document.objects.filter(
        status=Document.Status.PUBLISHED, audience_id__in=changed
    ).select_related("issuer")
    return [
        {
            "id": document.pk,
            "title": document.title,
            "number": document.number,
            "issuer": document.issuer.name,
            "before": len(before[document.audience_id]),
            "after": len(after.get(document.audience_id, ())),
        }
        for document in documents.order_by("issuer__path", "issued_on", "pk")
    ]


def _run(plan: dict, actor) -> tuple[Reorganisation, dict]:
    effective_on = _validate_shape(plan)
    _scope_require(plan, actor)
    readers_before = _reading_cells()
    run = _Run(plan, actor, effective_on)
    run.reorganisation = Reorganisation.objects.create(
        name=plan["name"].strip(), effective_on=effective_on, plan=plan, applied_by=actor
    )
    for index, item in enumerate(plan.get("create", [])):
        run.create(index, item)
    for index, item in enumerate(plan.get("rename", [])):
        run.rename(index, item)
    for index, item in enumerate(plan.get("move", [])):
        run.move(index, item)
    for index, item in enumerate(plan.get("memberships", [])):
        run.membership(index, item)
    seen: set[str] = set()
    for index, item in enumerate(plan.get("end", [])):
        run.end(index, item, seen)
    run.live_children_of_ended()
    heritage_sync()
    report = run.report
    report["documents"] = _documents_with_new_readers(readers_before, _reading_cells())
    report["counts"] = {
        key: len(report[key])
        for key in ("organisations", "memberships", "open_documents", "documents", "registers")
    }
    run.reorganisation.summary = report
    run.reorganisation.save(update_fields=["summary"])
    return run.reorganisation, report
