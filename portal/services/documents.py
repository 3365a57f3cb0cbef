"""Creating and editing documents: every save is a new revision with a sanitised body."""

import difflib
import html
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.body import OutlineEntry, parse_body
from portal.kinds import KINDS, kind_record
from portal.models import Document, Organisation, Revision, WorkflowEvent
from portal.rules import EDITABLE
from portal.sanitize import sanitize_html, xml_safe
from portal.services.events import document_locked, event_record
from portal.services.monthly import month_free_require
from portal.services.references import references_sync
from portal.services.search import search_entry_sync

SHARED_FIELDS = ("title", "recipients", "authority_line", "signer_title", "signer_name")
# The closing printed under the body: "Nơi nhận" on the left, the signature on the right.
CLOSING_FIELDS = ("recipients", "authority_line", "signer_title", "signer_name")
# The reason of the event written when an autosave starts a revision.
AUTOSAVE_REASON = "Tự động lưu"


class RevisionConflict(Exception):
    """An edit based on an older revision than the current one (optimistic locking).

    The refused body is not lost: it is kept as a revision of its own (``kept``) that is
    not made current, and the 'edit' event written with it says so.
    """

    def __init__(self, *, base_number: int, current: Revision, kept: Revision, changes, refused=()):
        self.base_number = base_number
        self.current = current
        self.kept = kept
        self.changes: list[Change] = changes
        self.refused: list[str] = list(refused)  # other fields it would have changed
        super().__init__(
            f"revision {current.number} saved since base revision {base_number}; "
            f"the refused edit is kept as revision {kept.number}"
        )


@dataclass(frozen=True)
class Change:
    """One paragraph removed or added between two revisions."""

    kind: str  # "removed" or "added"
    text: str


@dataclass
class Prefill:
    """What a new document's form starts with, and where its outline came from."""

    initial: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    month: str = ""  # "2025-01" for the month picker of a new bulletin
    error: str = ""


def audience_of(issuer: Organisation) -> Organisation:
    """The nearest committee at or above the issuer: its subtree reads what it issues."""
    node = issuer
    while node is not None:
        if node.kind == Organisation.Kind.COMMITTEE:
            return node
        node = node.parent
    return issuer


def body_outline(body_html: str) -> tuple[str, list[OutlineEntry]]:
    """The body with an id on every h2–h5 heading, and its outline.

    Used at display time: headings typed in the editor have no id, and the stored HTML is
    never rewritten for the sake of an anchor.
    """
    parsed = parse_body(body_html)
    return parsed.anchored_html, list(parsed.outline)


def skeleton_html(headings: list[tuple[int, str]] | list[tuple[int, str, str]]) -> str:
    """Body HTML of an outline: h2 'I. …', h3 '1. …', h4 '1.1. …' with ids 'h-N'."""
    parts = []
    for number, heading in enumerate(headings, start=1):
        level, text, css = (*heading, "")[:3]
        css_attr = f' class="{css}"' if css else ""
        parts.append(f'<h{level}{css_attr} id="h-{number}">{html.escape(text)}</h{level}>')
    return "".join(parts)


def paragraph_texts(body_html: str) -> list[str]:
    """The text of each block (paragraph, heading, list item, cell), footnotes included."""
    return list(parse_body(body_html).paragraphs)


def revision_changes(*, old_html: str, new_html: str) -> list[Change]:
    """A readable diff of two bodies: the paragraphs removed and added, in order."""
    old, new = paragraph_texts(old_html), paragraph_texts(new_html)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changes.extend(Change("removed", text) for text in old[i1:i2])
        changes.extend(Change("added", text) for text in new[j1:j2])
    return changes


def new_document_prefill(*, kind: str, issuer: Organisation, month: str, today: date) -> Prefill:
    """Title, period, outline and closing lines a new document of a kind starts with.

    The closing (recipients, authority line, signer) is the one of the issuer's last approved
    or published document of the kind, where it has one; else the kind's own defaults.
    """
    prefill = KINDS[kind].prefill(issuer=issuer, month=month, today=today)
    last = last_issued(kind=kind, issuer=issuer)
    closing = {name: getattr(last, name) for name in CLOSING_FIELDS if last and getattr(last, name)}
    if closing:
        prefill.initial.update(closing)
        prefill.note = " ".join(filter(None, [prefill.note, _(
            "Nơi nhận và người ký lấy theo %(kind)s %(document)s, văn bản cùng loại được "
            "duyệt gần nhất của đơn vị."
        ) % {"kind": KINDS[kind].label.lower(), "document": _document_name(last)}]))  # fmt: skip
    return prefill


def last_issued(*, kind: str, issuer: Organisation) -> Document | None:
    """The issuer's approved or published document of a kind issued last (then approved last)."""
    return (
        Document.objects.filter(
            kind=kind,
            issuer=issuer,
            status__in=(Document.Status.APPROVED, Document.Status.PUBLISHED),
        )
        .annotate(approved_at=Max("events__created_at", filter=Q(events__action="approve")))
        .order_by(
            F("issued_on").desc(nulls_last=True), F("approved_at").desc(nulls_last=True), "-pk"
        )
        .first()
    )


def _document_name(document: Document) -> str:
    if document.number:
        return _("số %(number)s") % {"number": document.number}
    return f"«{document.title}»"


def _shared(fields: dict[str, Any] | None) -> dict[str, Any]:
    """The shared fields among ``fields``, their text made safe for the Word and PDF files."""
    return {
        name: xml_safe(value) if isinstance(value, str) else value
        for name, value in (fields or {}).items()
        if name in SHARED_FIELDS
    }


def _new_revision(*, document: Document, actor, body_html: str, current: bool = True) -> Revision:
    last = document.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    revision = Revision.objects.create(
        document=document, number=last + 1, body_html=sanitize_html(body_html), author=actor
    )
    if current:
        document.current_revision = revision
    return revision


@transaction.atomic
def document_create(
    *,
    kind: str,
    issuer: Organisation,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
    action: str = "create",
    reason: str = "",
) -> Document:
    """Create a draft with its first revision, its kind row and a 'create' event."""
    if kind not in KINDS:
        raise ValidationError(_("Loại văn bản không hợp lệ."))
    if action == "create" and issuer.valid_to and timezone.localdate() >= issuer.valid_to:
        # An archived document of the ended body may still be imported; a new one may not.
        raise ValidationError(
            _("%(org)s đã kết thúc hoạt động: văn bản mới do đơn vị kế thừa soạn.")
            % {"org": issuer.name}
        )
    document = Document.objects.create(
        kind=kind,
        issuer=issuer,
        audience=audience_of(issuer),
        title=xml_safe(title).strip(),
        created_by=actor,
        **_shared(fields),
    )
    revision = _new_revision(document=document, actor=actor, body_html=body_html)
    document.save(update_fields=["current_revision"])
    KINDS[kind].model.objects.create(document=document, **(kind_fields or {}))
    event_record(
        document=document,
        actor=actor,
        action=action,
        from_status="",
        revision=revision,
        reason=reason,
    )
    derived_data_sync(document=document, revision=revision)
    return document


@transaction.atomic
def document_start(
    *,
    kind: str,
    issuer: Organisation,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
    reason: str = "",
) -> Document:
    """Create a document typed in the editor: for a monthly kind, only the first of its month.

    A second one for the issuer's month is refused with MonthTaken and nothing is saved. The
    issuer's row is locked first, so two first saves of one month cannot both pass the check.
    """
    if KINDS.get(kind) and KINDS[kind].monthly:
        Organisation.objects.select_for_update().filter(pk=issuer.pk).first()
        month_free_require(kind=kind, issuer=issuer, kind_fields=kind_fields)
    return document_create(
        kind=kind,
        issuer=issuer,
        actor=actor,
        title=title,
        body_html=body_html,
        fields=fields,
        kind_fields=kind_fields,
        reason=reason,
    )


def derived_data_sync(*, document: Document, revision: Revision) -> None:
    """Re-read what is derived from the body: cited documents, and what its kind derives."""
    references_sync(document=document, revision=revision)
    search_entry_sync(document=document)
    after_save = KINDS[document.kind].after_save
    if after_save is not None:
        after_save(document, revision)
    _rows_keep(document, revision)


def _rows_keep(document: Document, revision: Revision) -> None:
    """Keep the kind's own rows as they print now with the revision (for comparison)."""
    rows = KINDS[document.kind].rows
    if rows is None:
        return
    columns, lines = rows(document)
    revision.rows = {"columns": list(columns), "rows": [[key, list(cells)] for key, cells in lines]}
    revision.save(update_fields=["rows"])


# The events by which a revision was seen by someone other than its writers.
_SEEN_ACTIONS = ("submit", "forward", "return", "approve")


@transaction.atomic
def document_rows_changed(*, document: Document, actor) -> Revision:
    """The kind's own rows changed outside the body (a report's figures typed in their
    form): kept with the current revision, or with a new revision of the same body when the
    current one has been submitted or reviewed, so that what a reviewer saw stays as it was
    and the next comparison shows the new figures row by row."""
    revision = Revision.objects.select_for_update().get(pk=document.current_revision_id)
    seen = (
        revision.pk == document.approved_revision_id
        or WorkflowEvent.objects.filter(revision=revision, action__in=_SEEN_ACTIONS).exists()
    )
    if seen:
        revision = _new_revision(document=document, actor=actor, body_html=revision.body_html)
        document.save(update_fields=["current_revision"])
    _rows_keep(document, revision)
    return revision


def document_update(
    *,
    document: Document,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
    base_revision: int | None = None,
    reason: str = "",
) -> Revision:
    """Save an edit of a draft or returned document as a new revision.

    With ``base_revision`` (the revision number the editor started from), an edit made
    while someone else saved a newer revision is refused with RevisionConflict; its body is
    kept as a revision that is not current, so nothing typed is lost. None skips the check.
    """
    outcome = _update_or_keep(
        document=document,
        actor=actor,
        title=title,
        body_html=body_html,
        fields=fields,
        kind_fields=kind_fields,
        base_revision=base_revision,
        reason=reason,
    )
    if isinstance(outcome, RevisionConflict):
        raise outcome  # raised after the commit, so the kept revision stays saved
    return outcome


@transaction.atomic
def _update_or_keep(
    *, document, actor, title, body_html, fields, kind_fields, base_revision, reason
) -> Revision | RevisionConflict:
    document = document_locked(document)
    if document.status not in EDITABLE:
        raise ValidationError(
            _(
                "Văn bản đã được trình hoặc phê duyệt nên không thể sửa; "
                "bản đã duyệt được giữ nguyên."
            )
        )
    month_free_require(
        kind=document.kind, issuer=document.issuer, kind_fields=kind_fields, document=document
    )
    current = document.current_revision
    if base_revision is not None and current is not None and current.number != base_revision:
        refused = _changed_fields(document, {"title": title.strip(), **(fields or {})},
                                  kind_fields or {})  # fmt: skip
        return _keep_conflicting(
            document=document,
            actor=actor,
            body_html=body_html,
            base_revision=base_revision,
            refused=refused,
        )
    document.title = xml_safe(title).strip()
    for name, value in _shared(fields).items():
        setattr(document, name, value)
    revision = _new_revision(document=document, actor=actor, body_html=body_html)
    document.save()
    record = kind_record(document)
    for name, value in (kind_fields or {}).items():
        setattr(record, name, value)
    record.save()
    event_record(document=document, actor=actor, action="edit", revision=revision, reason=reason)
    derived_data_sync(document=document, revision=revision)
    return revision


def document_working_copy_save(
    *,
    document: Document,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
    base_revision: int | None = None,
    editing_session: str = "",
) -> Revision:
    """Save what the editor holds into its editing session's working copy.

    The working copy is one revision (``autosaved``) per editing session: the session's
    next autosaves rewrite it in place, so its number stays the editor's base and no event
    is added, instead of a revision every few seconds. It is only rewritten while it is the
    current revision, the author's own and the last thing that happened to the document;
    otherwise (another save, a submission, a return, a conflict kept) the autosave is an
    ordinary edit (document_update's rules: refused and kept on a conflict) whose new
    revision becomes the session's working copy, so a revision that was submitted or built
    upon is never changed. An explicit save makes an ordinary revision on top of it.

    A second editor who opened the page on a working copy and saves while it is still
    being rewritten is not refused (the base number is the same); the rewritten working
    copy stays in the history, and the first editor's next autosave is refused as a
    conflict, its text kept: nothing is lost, but the conflict shows to the first editor.

    The cited documents and the kind's derived data are synchronised on every autosave, as
    on any save, rather than deferred to the explicit save: a draft's detail page lists its
    citations and the propaganda index counts the drafts a user may see, so they must follow
    the text even when the editor is closed without saving. Both run a fixed number of
    statements whatever the number of citations (SQLite splits a bulk insert past 999
    parameters; PostgreSQL does not).
    """
    outcome = _autosave_or_keep(
        document=document,
        actor=actor,
        title=title,
        body_html=body_html,
        fields=fields,
        kind_fields=kind_fields,
        base_revision=base_revision,
        editing_session=editing_session,
    )
    if isinstance(outcome, RevisionConflict):
        raise outcome  # raised after the commit, so the kept revision stays saved
    return outcome


@transaction.atomic
def _autosave_or_keep(
    *, document, actor, title, body_html, fields, kind_fields, base_revision, editing_session
) -> Revision | RevisionConflict:
    document = document_locked(document)
    working = document.current_revision
    if (
        document.status not in EDITABLE
        or working is None
        or base_revision not in (None, working.number)
        or not _open_working_copy(document, actor=actor, editing_session=editing_session)
    ):  # refused, kept or saved as a new revision by the rules of any edit
        outcome = _update_or_keep(
            document=document,
            actor=actor,
            title=title,
            body_html=body_html,
            fields=fields,
            kind_fields=kind_fields,
            base_revision=base_revision,
            reason=AUTOSAVE_REASON,
        )
        if isinstance(outcome, Revision):  # it becomes the session's working copy
            outcome.autosaved, outcome.editing_session = True, editing_session
            outcome.save(update_fields=["autosaved", "editing_session"])
        return outcome
    month_free_require(
        kind=document.kind, issuer=document.issuer, kind_fields=kind_fields, document=document
    )
    working.body_html = sanitize_html(body_html)
    working.created_at = timezone.now()  # when it was last saved, shown to the editor
    working.save(update_fields=["body_html", "created_at"])
    document.title = xml_safe(title).strip()
    for name, value in _shared(fields).items():
        setattr(document, name, value)
    document.save()
    record = kind_record(document)
    for name, value in (kind_fields or {}).items():
        setattr(record, name, value)
    record.save()
    derived_data_sync(document=document, revision=working)
    return working


def _open_working_copy(document: Document, *, actor, editing_session: str) -> bool:
    """Whether the current revision is this session's working copy, still open to rewrite."""
    current = document.current_revision
    if not (
        editing_session
        and current is not None
        and current.autosaved
        and current.editing_session == editing_session
        and current.author_id == actor.pk
    ):
        return False
    last = document.events.order_by("-pk").values_list("revision_id", "action").first()
    return last == (current.pk, "edit") or last == (current.pk, "create")


@transaction.atomic
def document_working_copy_start(
    *,
    kind: str,
    issuer: Organisation,
    actor,
    title: str,
    body_html: str,
    fields: dict[str, Any] | None = None,
    kind_fields: dict[str, Any] | None = None,
    editing_session: str = "",
) -> Document:
    """The first autosave of a new document: its draft, whose first revision is the
    session's working copy (document_start's rules apply)."""
    document = document_start(
        kind=kind,
        issuer=issuer,
        actor=actor,
        title=title,
        body_html=body_html,
        fields=fields,
        kind_fields=kind_fields,
        reason=AUTOSAVE_REASON,
    )
    Revision.objects.filter(pk=document.current_revision_id).update(
        autosaved=True, editing_session=editing_session
    )
    return document


def _changed_fields(document: Document, fields: dict, kind_fields: dict) -> list[str]:
    """The fields an edit would change, as "label: «value»" lines for the history."""
    record = kind_record(document)
    changed = [
        (target, name, value)
        for target, values in ((document, fields), (record, kind_fields))
        for name, value in values.items()
        if (target is record or name in SHARED_FIELDS) and getattr(target, name) != value
    ]
    with translation.override("vi"):
        return [
            f"{str(target._meta.get_field(name).verbose_name).capitalize()}: «{value or ''}»"
            for target, name, value in changed
        ]


def _keep_conflicting(
    *, document, actor, body_html, base_revision: int, refused: list[str]
) -> RevisionConflict:
    """Store a refused edit as a non-current revision and say so in the history.

    The revision holds the refused body; the other fields the edit would have changed
    (title, signer …) are written out in its event, so nothing typed is lost.
    """
    current = document.current_revision
    kept = _new_revision(document=document, actor=actor, body_html=body_html, current=False)
    event_record(
        document=document,
        actor=actor,
        action="edit",
        revision=kept,
        reason=(
            f"Bản sửa dựa trên bản số {base_revision} không được lưu thành bản hiện hành vì "
            f"bản số {current.number} đã được lưu trước đó; nội dung được giữ lại ở bản số "
            f"{kept.number}." + "".join(f"\nÔ đã sửa chưa lưu: {line}" for line in refused)
        ),
    )
    base = document.revisions.filter(number=base_revision).first()
    changes = revision_changes(old_html=base.body_html if base else "", new_html=current.body_html)
    return RevisionConflict(
        base_number=base_revision, current=current, kept=kept, changes=changes, refused=refused
    )
