"""Reads that cross relations, scoped to the user, with their joins applied."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import held_roles, inherited_for, works_for
from portal.kinds import KINDS, kind_related_names
from portal.models import (
    Citation,
    Document,
    DocumentImage,
    FeedToken,
    Membership,
    Organisation,
    Receipt,
    Revision,
    WorkflowEvent,
)
from portal.rules import ACTIONS, CONTENT_ACTIONS

STAFF_ROLES = {Membership.Role.EDITOR, Membership.Role.HEAD}


def _visibility(user) -> Q:
    """What a user may see: their department's work, their city's reviews, published reading.

    Every condition is on a column of the document with an index (issuer, status and
    audience), so the database reads a few index ranges instead of scanning documents: a
    city's issuers are read from the organisation tree first."""
    held = held_roles(user)
    staff_orgs = set(works_for(user, STAFF_ROLES)) | set(inherited_for(user, STAFF_ROLES))
    approver_cities = {h.approved_city for h in held} - {None}
    reading_ids = {organisation for h in held for organisation in h.reading_ids}
    condition = Q(pk__in=[])
    if staff_orgs:
        condition |= Q(issuer_id__in=staff_orgs)
    if approver_cities:
        under = Q(pk__in=[])
        for city_id in approver_cities:
            under |= Q(path__startswith=f"/{city_id}/")
        issuers = Organisation.objects.filter(under).values("pk")
        condition |= Q(issuer_id__in=issuers) & ~Q(status=Document.Status.DRAFT)
    if reading_ids:
        # A recalled document stays open to its readers: its page says it was recalled.
        issued = [Document.Status.PUBLISHED, Document.Status.RECALLED]
        condition |= Q(status__in=issued, audience_id__in=reading_ids)
    return condition


def _scoped(user) -> QuerySet[Document]:
    queryset = Document.objects.select_related("issuer", "audience", *kind_related_names())
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    # Every condition is on the document or its single issuer: no duplicate rows.
    return queryset.filter(_visibility(user))


def visible_document_ids(user) -> QuerySet[Document]:
    """The primary keys of the documents the user may open, as a subquery."""
    return _scoped(user).select_related(None).values("pk")


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents the user may open, with what list pages and rules need already joined:
    the revisions' authors, and whether this user changed each document (four-eyes)."""
    changed = WorkflowEvent.objects.filter(
        document=OuterRef("pk"), actor_id=user.pk, action__in=CONTENT_ACTIONS
    )
    return (
        _scoped(user)
        .prefetch_related(
            Prefetch("revisions", queryset=Revision.objects.only("id", "document_id", "author_id"))
        )
        .annotate(
            viewer_id=Value(user.pk, output_field=IntegerField()), viewer_changed=Exists(changed)
        )
    )


def published_for_reader(user) -> QuerySet[Document]:
    """Published documents for the user's part of the tree (the library)."""
    return documents_visible_to(user).filter(status=Document.Status.PUBLISHED)


def reading_with_receipts(user) -> QuerySet[Document]:
    """Published documents for the reader, each with ``received_at``: when one of the
    reader's cells first downloaded it or confirmed receiving it (None while none has;
    opening its page is not receiving it)."""
    cells = [h.organisation_id for h in held_roles(user) if h.role == Membership.Role.READER]
    receipts = Receipt.objects.filter(
        document=OuterRef("pk"), organisation_id__in=cells, received_at__isnull=False
    )
    return published_for_reader(user).annotate(
        received_at=Subquery(receipts.order_by("received_at").values("received_at")[:1])
    )


def monthly_issues(documents: QuerySet[Document]) -> QuerySet[Document]:
    """The documents of kinds issued every month (bulletins), newest published first."""
    monthly = [kind.name for kind in KINDS.values() if kind.monthly]
    return documents.filter(kind__in=monthly).order_by("-published_at", "-pk")


class NotFound(LookupError):
    """What was asked for does not exist for this user; the web layer answers 404.

    A document the user may not see is not found either: its existence is not disclosed.
    """


FEED_SIZE = 50


def feed_reader(token: str) -> AbstractBaseUser:
    """The active user whose private feed address holds this token, else NotFound: a
    revoked, mistyped or deactivated user's address all answer alike."""
    feed = (
        FeedToken.objects.select_related("user")
        .filter(token_hash=FeedToken.digest(token), user__is_active=True)
        .first()
    )
    if feed is None:
        raise NotFound(_("Không có nguồn tin ở địa chỉ này."))
    return feed.user


def feed_token_of(user) -> FeedToken | None:
    """The user's feed address (its digest and date), if one was made."""
    return FeedToken.objects.filter(user=user).first()


def feed_documents(user) -> QuerySet[Document]:
    """The library's newest documents for the feeds, each with its approved text joined
    for the summary."""
    newest = published_for_reader(user).order_by("-published_at", "-pk")
    return newest.select_related("approved_revision")[:FEED_SIZE]


def citations_of(document: Document) -> list[Citation]:
    """The documents this one cites, in order of first mention."""
    return list(document.citations.select_related("cited").order_by("position"))


def based_on_this(document: Document, user) -> list[Document]:
    """The documents issued on the basis of this one (a lower guidance) that the user may
    open; empty for a kind without a basis field."""
    kind = KINDS[document.kind]
    if not kind.basis_field:
        return []
    lookup = {f"{kind.related_name}__{kind.basis_field}": document}
    return list(documents_visible_to(user).filter(**lookup).order_by("pk"))


def get_document_for_user(user, pk: int, *, action: str = "view") -> Document:
    """The document if the user may see it (else NotFound) and do the action (else 403)."""
    try:
        document = _scoped(user).get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Không tìm thấy văn bản.")) from exc
    return require_action(user, document, action)


def get_image_for_user(user, name: str) -> DocumentImage:
    """An uploaded body image by its stored name, if the user may view a document showing
    it (else NotFound): the document it was uploaded into, or one whose current or approved
    body shows it (copied from another document's body, where CKEditor keeps its URL)."""
    image = DocumentImage.objects.filter(file=name).first()
    if image is None:
        raise NotFound(_("Không tìm thấy ảnh."))
    visible = _scoped(user)
    url = settings.MEDIA_URL + name
    shown = Q(pk=image.document_id) | Q(current_revision__body_html__contains=url)
    shown |= Q(approved_revision__body_html__contains=url)
    # A recalled document's text is no longer its readers': nor are its images.
    if any(ACTIONS["read"].test(user, d) for d in visible.filter(shown)[:20]):
        return image
    raise NotFound(_("Không tìm thấy ảnh."))


def require_action(user, document: Document, action: str) -> Document:
    """The document if the user may do the action on it, else 403 with the reason."""
    if not ACTIONS[action].test(user, document):
        raise PermissionDenied(
            _REFUSALS.get(action, _("Bạn không có quyền thực hiện thao tác này."))
        )
    return document


_REFUSALS = {
    "edit": _(
        "Chỉ chuyên viên của ban ban hành được sửa văn bản đang là bản nháp hoặc bị trả lại."
    ),
    "submit": _("Chỉ chuyên viên của ban ban hành được trình văn bản nháp hoặc bị trả lại."),
    "upload_image": _("Chỉ chuyên viên của ban ban hành được tải ảnh vào văn bản đang soạn."),
    "forward": _("Văn bản không chờ bạn duyệt ở bước này, hoặc bạn đã tham gia soạn văn bản."),
    "return": _("Văn bản không chờ bạn duyệt ở bước này, hoặc bạn đã tham gia soạn văn bản."),
    "approve": _("Văn bản không chờ bạn phê duyệt, hoặc bạn đã tham gia soạn văn bản."),
    "consolidate": _(
        "Chỉ cán bộ của ban ban hành và người phê duyệt của thành phố được xem số liệu "
        "tổng hợp từ các quận, huyện."
    ),
    "publish": _(
        "Chỉ văn bản đã được phê duyệt mới được ban hành, bởi ban ban hành hoặc cấp duyệt."
    ),
    "download": _("Văn bản chưa có bản PDF chính thức (chưa được phê duyệt)."),
    "draft_pdf": _(
        "Bản PDF dự thảo chỉ dành cho người soạn và người duyệt văn bản, trước khi văn bản "
        "được phê duyệt."
    ),
}


def receiving_cells(document: Document) -> QuerySet[Organisation]:
    """The cells that read the document: those under its audience, and those whose units
    succeeded it (a reorganised tree), existing when it was published."""
    audience = document.audience
    day = (document.published_at or timezone.now()).date()
    return Organisation.objects.filter(
        Q(path__startswith=audience.path) | Q(reading_heritage__contains=f"/{audience.pk}/"),
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        kind=Organisation.Kind.CELL,
    )


@dataclass(frozen=True)
class CellReceipt:
    cell: Organisation
    receipt: Receipt | None
    secretaries: str  # the names of the cell's secretaries, as the portal knows them


@dataclass
class GroupReceipts:
    """A grassroots organisation's cells and how many have received, or only opened."""

    organisation: Organisation | None
    total: int = 0
    received: int = 0
    opened: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.received / self.total) if self.total else 0


def receipt_board(document: Document) -> tuple[list[CellReceipt], list[GroupReceipts]]:
    """Every receiving cell with its receipt (None while it has none), grassroots by
    grassroots, and the totals per grassroots organisation (the whole last): three queries."""
    cells = list(receiving_cells(document).select_related("parent").order_by("path"))
    found = Receipt.objects.filter(document=document).select_related("user")
    receipts = {r.organisation_id: r for r in found}
    names: dict[int, list[str]] = {}
    readers = Membership.objects.filter(
        organisation__in=[c.pk for c in cells], role=Membership.Role.READER
    ).select_related("user")
    from portal.handoff import person_name  # the hand-offs read documents through here

    for m in readers.order_by("user__last_name", "user__username"):
        names.setdefault(m.organisation_id, []).append(person_name(m.user))
    rows = [CellReceipt(c, receipts.get(c.pk), ", ".join(names.get(c.pk, []))) for c in cells]
    groups: dict[int | None, GroupReceipts] = {}
    whole = GroupReceipts(None)
    for row in rows:
        group = groups.setdefault(row.cell.parent_id, GroupReceipts(row.cell.parent))
        for tally in (group, whole):
            tally.total += 1
            if row.receipt is not None and row.receipt.received_at is not None:
                tally.received += 1
            elif row.receipt is not None:
                tally.opened += 1
    return rows, [*groups.values(), whole]


def receipt_counts(document: Document) -> GroupReceipts:
    """How many of the receiving cells received the document, and opened it only: the
    figures of ``receipt_board`` in two counting queries."""
    cells = receiving_cells(document)
    found = Receipt.objects.filter(document=document, organisation__in=cells.values("pk"))
    received = found.aggregate(
        received=Count("pk", filter=Q(received_at__isnull=False)),
        opened=Count("pk", filter=Q(received_at__isnull=True)),
    )
    return GroupReceipts(None, total=cells.count(), **received)


# The events that issue a revision: what readers were given, and may open again.
ISSUING_ACTIONS = (
    WorkflowEvent.Action.APPROVE,
    WorkflowEvent.Action.PUBLISH_IMPORTED,
    WorkflowEvent.Action.CORRECT,
)


@dataclass(frozen=True)
class Correction:
    event: WorkflowEvent  # when, by whom, why
    previous: Revision  # the text it replaced, kept with its PDF
    revision: Revision


def corrections_of(document: Document) -> list[Correction]:
    """The document's corrections in order, each with the issued revision it replaced."""
    events = document.events.filter(action__in=ISSUING_ACTIONS).select_related("revision")
    corrections, previous = [], None
    for event in events.order_by("created_at", "pk"):
        if event.action == WorkflowEvent.Action.CORRECT and previous is not None:
            corrections.append(Correction(event, previous, event.revision))
        previous = event.revision
    return corrections


def issued_revision(document: Document, number: int) -> Revision:
    """A revision the document was issued with (first, or corrected); NotFound for any
    other (a draft's revisions are not its readers')."""
    issued = document.events.filter(action__in=ISSUING_ACTIONS, revision__number=number)
    revision = Revision.objects.filter(pk__in=issued.values("revision_id")).first()
    if revision is None:
        raise NotFound(_("Không có bản ban hành này của văn bản."))
    return revision
