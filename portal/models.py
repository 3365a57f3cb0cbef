"""The shared core: organisation tree, memberships, documents, revisions, events, register."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.kinds import KINDS, kind_choices, month_index
from portal.references import normalise_number
from portal.storage import private_storage

REVIEW_ROLES = ("head", "approver")


def validate_review_chain(value: str) -> None:
    """ "head,approver" or "approver": known review roles, each once, the approver last."""
    roles = value.split(",")
    if (
        len(set(roles)) != len(roles)
        or not set(roles) <= set(REVIEW_ROLES)
        or roles[-1] != ("approver")
    ):
        raise ValidationError(
            _(
                "Các bước duyệt là “head,approver” hoặc “approver”: mỗi vai trò một lần, "
                "bước cuối là Thường trực duyệt."
            )  # fmt: skip
        )


class Organisation(models.Model):
    """A node of the Party organisation tree; levels are data, not code."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Cấp ủy")
        DEPARTMENT = "department", _("Ban tham mưu")
        GRASSROOTS = "grassroots", _("Tổ chức cơ sở đảng")
        CELL = "cell", _("Chi bộ")

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of primary keys ("/1/4/9/"), kept by services.organisations.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    parent_line = models.CharField(_("dòng cấp trên"), max_length=200, blank=True)
    print_name = models.CharField(_("tên in trên văn bản"), max_length=200, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=30, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    # Its period of existence: from the day it was established (None: before the portal's
    # records) to the day it ended (None: it exists). An ended organisation stays in the tree
    # with its documents and its closed register (services.reorganisation).
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("kết thúc từ ngày"), null=True, blank=True)
    # The review roles of the documents it (or a unit below it) issues, in order ("head,
    # approver"); empty: as the level above, and at the top the portal's default.
    review_chain = models.CharField(_("các bước duyệt"), max_length=60, blank=True)
    # Kept by services.reorganisation: "/4/9/", the organisations this one succeeded (all
    # generations), and those of it and of every organisation above it (whose documents
    # its members read).
    heritage = models.TextField(blank=True, editable=False)
    reading_heritage = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.review_chain:
            validate_review_chain(self.review_chain)

    @property
    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this organisation itself."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class PrintedLines(models.Model):
    """The lines an organisation printed on its documents before a day: its header (parent
    line, printed name), number symbol and place as they were (a renamed department's
    2024 documents keep "BAN TUYÊN GIÁO" and "BTGTU")."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_lines"
    )
    until = models.DateField(_("dùng đến trước ngày"))
    name = models.CharField(_("tên"), max_length=200)
    parent_line = models.CharField(_("dòng cấp trên"), max_length=200, blank=True)
    print_name = models.CharField(_("tên in trên văn bản"), max_length=200, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=30, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dòng in cũ")
        verbose_name_plural = _("dòng in cũ")
        ordering = ["organisation", "until"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "until"], name="unique_lines_until")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} < {self.until}: {self.print_name or self.name}"


class Reorganisation(models.Model):
    """One reviewed reorganisation of the tree, applied in one transaction: the plan as
    given, what it did, who applied it and when (the audit entry)."""

    name = models.CharField(_("tên"), max_length=200)
    effective_on = models.DateField(_("có hiệu lực từ ngày"))
    plan = models.JSONField(_("phương án"))
    summary = models.JSONField(_("kết quả"), default=dict)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sắp xếp tổ chức")
        verbose_name_plural = _("sắp xếp tổ chức")
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return self.name


class Succession(models.Model):
    """What became of an organisation: dissolved into, merged into, split into (one row per
    part), renamed to another."""

    class Kind(models.TextChoices):
        DISSOLVED_INTO = "dissolved_into", _("giải thể, chuyển về")
        MERGED_INTO = "merged_into", _("hợp nhất vào")
        SPLIT_INTO = "split_into", _("chia tách thành")
        RENAMED_TO = "renamed_to", _("đổi tên thành")

    predecessor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="successions_received"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("từ ngày"))
    reorganisation = models.ForeignKey(
        Reorganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )

    class Meta:
        verbose_name = _("kế thừa")
        verbose_name_plural = _("kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.kind} {self.successor_id}"


class Membership(models.Model):
    """A user's role in one organisation; a user may hold several."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Chuyên viên")
        HEAD = "head", _("Lãnh đạo ban")
        APPROVER = "approver", _("Thường trực duyệt")
        READER = "reader", _("Bí thư chi bộ")
        ADMIN = "admin", _("Quản trị")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Document(models.Model):
    """The part every kind shares: issuer, title, status, revisions, number, PDF."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Chờ duyệt")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã duyệt")
        PUBLISHED = "published", _("Đã ban hành")
        # Recalled after publication: readers see that it was, with the reason, not its text.
        RECALLED = "recalled", _("Đã thu hồi")

    # The kinds are registered by their apps (portal.kinds); the core names none of them.
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=kind_choices)
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="issued_documents"
    )
    # The committee whose subtree reads the document once published.
    audience = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="audience_documents"
    )
    title = models.CharField(_("tiêu đề / trích yếu"), max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    step = models.PositiveSmallIntegerField(default=0)
    # The review roles that apply, fixed at submission ("head,approver"): a step that nobody
    # holds is passed on then, and the history says so (services.workflow.document_submit).
    chain = models.CharField(max_length=60, blank=True)
    current_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("số"), max_length=50, blank=True)
    # The number's comparison key (references.normalise_number), kept by save(): a cited
    # number is found by equality on an index instead of a suffix scan.
    number_key = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    # First year of the Party term the number was issued in: numbers restart every term, so
    # "1-BT/BTGQU" of 2024 and of 2026 are two documents.
    term_start = models.PositiveSmallIntegerField(_("nhiệm kỳ"), null=True, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    authority_line = models.CharField(_("quyền hạn ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # An approved document the approver chose to publish later; the task worker publishes it.
    publish_at = models.DateTimeField(_("hẹn ban hành lúc"), null=True, blank=True)
    # The months the document is about, as month indexes (year × 12 + month − 1): a bulletin's
    # month, a report's quarter (kept by the kind's own row), else the month it was issued,
    # published or created in (kept by save()). Lists filter and order on them directly.
    period_first = models.PositiveIntegerField(null=True, blank=True, editable=False)
    period_last = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "audience"]),
            # The library and the monthly issues: newest published first.
            models.Index(fields=["-published_at", "-id"], name="portal_doc_published_idx"),
            models.Index(fields=["period_last", "period_first"], name="portal_doc_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "term_start", "number"],
                condition=~Q(number=""),
                name="unique_document_number_per_issuer_term",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        """Keep the derived columns (number key, dated period) with what they derive from."""
        self.number_key = normalise_number(self.number) if self.number else ""
        derived = {"number_key"}
        kind = KINDS.get(self.kind)
        if kind is None or kind.period_months is None:
            self.period_first = self.period_last = month_index(
                self.issued_on or self.published_at or self.created_at or timezone.now()
            )
            derived |= {"period_first", "period_last"}
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | derived
        super().save(*args, **kwargs)

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class Revision(models.Model):
    """One saved state of a document's body; approved revisions are never edited."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body_html = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # An autosave's working copy: replaced in place by the next autosave of the same editing
    # session (editing_session), instead of a new revision every few seconds.
    autosaved = models.BooleanField(default=False)
    editing_session = models.CharField(max_length=40, blank=True)
    # The kind's own rows as printed at this revision (a report's indicator table), kept so
    # that two revisions compare row by row: {"columns": [...], "rows": [[key, [cells]]]}.
    # None for a kind without rows, and for revisions saved before rows were kept.
    rows = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} r{self.number}"


class RenderedFile(models.Model):
    """One rendered file of a revision in one format, rendered once and kept.

    The format is a renderer's name (``portal.rendering.registry``): a new format is a new
    renderer, not a new column. The official files ("pdf", "docx") are those of an approved
    revision; the reviewers' "draft" PDF is kept for a revision under review, its etag the
    fingerprint of what it prints (``services.rendering.draft_pdf_for``).
    """

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="rendered_files")
    format = models.CharField(max_length=20)  # "pdf", "docx", "draft"
    file = models.FileField(upload_to="rendered/%Y/", storage=private_storage)
    etag = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "format"], name="unique_rendered_file_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.revision} {self.format}"


class WorkflowEvent(models.Model):
    """An append-only record of one transition or action on a document."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo bản nháp")
        IMPORT = "import", _("Nhập từ tệp")
        EDIT = "edit", _("Sửa")
        SUBMIT = "submit", _("Trình duyệt")
        WITHDRAW = "withdraw", _("Rút lại để sửa")
        FORWARD = "forward", _("Chuyển cấp trên")
        RETURN = "return", _("Trả lại")
        APPROVE = "approve", _("Phê duyệt")
        PUBLISH = "publish", _("Ban hành")
        PUBLISH_IMPORTED = "publish_imported", _("Ghi nhận văn bản đã ban hành")
        RENDER = "render", _("Tạo bản PDF và Word")
        RENDER_FAILED = "render_failed", _("Không tạo được bản in")
        RENDER_AGAIN = "render_again", _("Yêu cầu tạo lại bản in")
        HANDOVER = "handover", _("Chuyển cho đơn vị kế thừa")
        CORRECT = "correct", _("Đính chính")
        RECALL = "recall", _("Thu hồi văn bản")
        REMIND_RECEIPT = "remind_receipt", _("Nhắc chi bộ chưa nhận")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True, choices=Document.Status.choices)
    to_status = models.CharField(max_length=20, blank=True, choices=Document.Status.choices)
    step = models.PositiveSmallIntegerField(default=0)
    reason = models.TextField(blank=True)
    revision = models.ForeignKey(Revision, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.action}"


class RegisterEntry(models.Model):
    """A number issued from the register (sổ văn bản): per issuer, kind and Party term."""

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=kind_choices)
    term_start = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="register")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "term_start", "sequence"], name="unique_register_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.kind}/{self.term_start}: {self.sequence}"


class Receipt(models.Model):
    """A cell's receipt of a published document: when its secretary first opened its page,
    downloaded it, or confirmed receiving it (printed by someone else); one per cell, the
    strongest way kept (``via``) with the time of the first."""

    class Via(models.TextChoices):
        OPENED = "opened", _("Đã mở xem")
        DOWNLOADED = "downloaded", _("Đã tải về")
        CONFIRMED = "confirmed", _("Đã xác nhận đã nhận")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="receipts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=12, choices=Via.choices, default=Via.DOWNLOADED)
    # When the cell first downloaded or confirmed it (None while it has only opened it).
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "organisation"], name="unique_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.organisation_id}"


class SearchEntry(models.Model):
    """What search reads of one document, from its current revision (portal.search).

    ``text`` is the title, number and body (footnotes included) as written, in NFC; ``words``
    and ``title_words`` are the same characters folded one for one (no accents, đ as d,
    lower case, anything else than a letter or digit as a space, with a leading space), so
    that a word starting with a term is `` term`` in them and a match's place in ``words`` is
    its place in ``text``. On PostgreSQL the database keeps their full-text vector and its
    index (a generated column the model does not name: migration 0018).
    """

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    text = models.TextField()
    words = models.TextField()
    title_words = models.TextField()
    number_words = models.CharField(max_length=60, blank=True)

    def __str__(self) -> str:
        return f"{self.document_id}"


class DocumentImage(models.Model):
    """An image uploaded into a document body; stored under a random name.

    Bodies show it at ``MEDIA_URL`` + its name, served with the document's access check
    (``portal.image_views``); ``size`` (bytes stored) counts towards the upload quotas.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to="images/%Y/%m/", db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file.name


class CitedDocument(models.Model):
    """A Party or State document cited in portal documents ("Chỉ thị số 35-CT/TW").

    Party numbers restart every term (23-CT/TW of 2018 and of 2023 are different
    directives), so a cited document is one normalised number in one year. A local body's
    numbers repeat between cities and districts (each Quận ủy has its 5-KH/QU), so a local
    number is also one per ``scope``: the district or city it belongs to (empty: national).
    """

    number = models.CharField(_("số"), max_length=60)
    key = models.CharField(max_length=60, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("năm ban hành"), null=True, blank=True)
    type_name = models.CharField(_("loại văn bản"), max_length=60)
    issuer_code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=30, blank=True)
    issued_by = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    scope = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản được trích dẫn")
        verbose_name_plural = _("văn bản được trích dẫn")
        ordering = ["key", "year"]
        # One row per number, year and scope; an empty year or scope counts as a value.
        constraints = [
            models.UniqueConstraint(
                fields=["key", "year", "scope"],
                condition=Q(year__isnull=False, scope__isnull=False),
                name="unique_cited_local_number_year",
            ),
            models.UniqueConstraint(
                fields=["key", "year"],
                condition=Q(year__isnull=False, scope__isnull=True),
                name="unique_cited_number_year",
            ),
            models.UniqueConstraint(
                fields=["key", "scope"],
                condition=Q(year__isnull=True, scope__isnull=False),
                name="unique_cited_local_number_undated",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(year__isnull=True, scope__isnull=True),
                name="unique_cited_number_undated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_name} số {self.number}"


class Citation(models.Model):
    """A portal document citing a cited document, as read from one of its revisions."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citations")
    cited = models.ForeignKey(CitedDocument, on_delete=models.CASCADE, related_name="citations")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    # The first mention as written, and its place among the document's citations.
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    # Issued on the basis of it ("căn cứ Hướng dẫn số 127-HD/BTGTU …").
    basis = models.BooleanField(default=False)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "cited"], name="unique_citation")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.cited}"


class Notification(models.Model):
    """Something that happened to a user's document or waits for the user, shown in the
    portal (badge, list) and sent by e-mail (at once, or in the morning digest)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Văn bản chờ bạn duyệt")
        RETURNED = "returned", _("Văn bản bị trả lại")
        APPROVED = "approved", _("Văn bản đã được phê duyệt")
        PUBLISHED = "published", _("Văn bản đã ban hành")
        MENTIONED = "mentioned", _("Bạn được nhắc đến trong góp ý")
        WAITING = "waiting", _("Văn bản chờ duyệt quá hạn")
        UNRECEIVED = "unreceived", _("Văn bản chi bộ chưa nhận")
        CORRECTED = "corrected", _("Văn bản được đính chính")
        RECALLED = "recalled", _("Văn bản bị thu hồi")
        DEADLINE = "deadline", _("Sắp đến hạn nộp văn bản")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by e-mail (alone or in a digest); None while it has not.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="portal_notif_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.document_id}"


class NotificationSetting(models.Model):
    """How a user wants e-mail: one per event, or a morning digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    digest = models.BooleanField(_("gộp thư mỗi sáng"), default=False)

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = _("cài đặt thông báo")

    def __str__(self) -> str:
        return f"{self.user_id} · {'digest' if self.digest else 'each'}"


class Comment(models.Model):
    """A reviewer's comment on a passage of a document, or a reply in its thread. The
    passage is kept as the quoted text with a little context on each side, so the comment
    is found again after edits (re-anchored), or shown as orphaned, never lost."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("góp ý"))
    quote = models.TextField(_("đoạn được góp ý"), blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("góp ý")
        verbose_name_plural = _("góp ý")
        ordering = ["document", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} · {self.quote[:30]}"


# Where a deadline's due day falls, for the periods the portal's kinds have (a month, a
# quarter): its month relative to the period's first.
DUE_MONTHS = {
    -1: _("tháng trước tháng đầu kỳ"),
    0: _("tháng đầu kỳ"),
    1: _("1 tháng sau tháng đầu kỳ (tháng thứ hai của quý)"),
    2: _("2 tháng sau tháng đầu kỳ (tháng cuối quý)"),
}


class Deadline(models.Model):
    """When the departments below an organisation owe each period's document of a kind: in
    the month ``month_offset`` months after the period's first (−1: the month before), by
    ``day`` (the month's last day when it has fewer); reminded ``remind_days`` before and
    on the day. One per organisation and kind; exceptions per period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=kind_choices)
    month_offset = models.SmallIntegerField(
        _("tháng hạn nộp so với tháng đầu kỳ"),
        validators=[MinValueValidator(-3), MaxValueValidator(3)],
    )
    day = models.PositiveSmallIntegerField(
        _("ngày hạn nộp"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    remind_days = models.PositiveSmallIntegerField(
        _("nhắc trước (ngày)"), default=3, validators=[MaxValueValidator(30)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hạn nộp")
        verbose_name_plural = _("hạn nộp")
        ordering = ["organisation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="unique_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.kind} · {self.month_offset:+d}/{self.day}"

    @property
    def due_month_name(self) -> str:
        return str(DUE_MONTHS.get(self.month_offset, self.month_offset))


class DeadlineException(models.Model):
    """One period's exception to a deadline: another day, or not owed at all (``due_on``
    empty), with the reason shown on the board."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="exceptions")
    period_first = models.PositiveIntegerField()  # the period's first month, as a month index
    due_on = models.DateField(_("hạn nộp kỳ này"), null=True, blank=True)
    note = models.CharField(_("lý do"), max_length=300)

    class Meta:
        verbose_name = _("ngoại lệ hạn nộp")
        verbose_name_plural = _("ngoại lệ hạn nộp")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "period_first"], name="unique_deadline_exception"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} · {self.period_first} → {self.due_on}"


class FeedToken(models.Model):
    """The secret of a user's private feed address (``/nguon-tin/<token>/…``).

    Only the SHA-256 digest of the random token is kept: the address is shown once, when it
    is made, and the database alone opens nobody's feed. One per user; a new one replaces it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("địa chỉ nguồn tin")
        verbose_name_plural = _("địa chỉ nguồn tin")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"

    @staticmethod
    def digest(token: str) -> str:
        """What is stored of a token, and looked up for an address."""
        return hashlib.sha256(token.encode()).hexdigest()
