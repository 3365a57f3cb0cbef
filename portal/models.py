"""The shared core: organisation tree, memberships, documents, revisions, events, register."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A node of the Party organisation tree; levels are data, not code."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", "Cấp ủy"
        DEPARTMENT = "department", "Ban tham mưu"
        GRASSROOTS = "grassroots", "Tổ chức cơ sở đảng"
        CELL = "cell", "Chi bộ"

    code = models.SlugField("mã", max_length=50, unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of primary keys ("/1/4/9/"), kept by services.organisations.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    parent_line = models.CharField("dòng cấp trên", max_length=200, blank=True)
    print_name = models.CharField("tên in trên văn bản", max_length=200, blank=True)
    symbol = models.CharField("ký hiệu", max_length=30, blank=True)
    place = models.CharField("địa danh", max_length=100, blank=True)

    class Meta:
        verbose_name = "tổ chức"
        verbose_name_plural = "tổ chức"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this organisation itself."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Membership(models.Model):
    """A user's role in one organisation; a user may hold several."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Chuyên viên"
        HEAD = "head", "Lãnh đạo ban"
        APPROVER = "approver", "Thường trực duyệt"
        READER = "reader", "Bí thư chi bộ"
        ADMIN = "admin", "Quản trị"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "thành viên"
        verbose_name_plural = "thành viên"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Document(models.Model):
    """The part every kind shares: issuer, title, status, revisions, number, PDF."""

    class Kind(models.TextChoices):
        BULLETIN = "bulletin", "Bản tin"
        GUIDANCE = "guidance", "Hướng dẫn"
        REPORT = "report", "Báo cáo"

    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        SUBMITTED = "submitted", "Chờ duyệt"
        RETURNED = "returned", "Bị trả lại"
        APPROVED = "approved", "Đã duyệt"
        PUBLISHED = "published", "Đã ban hành"

    kind = models.CharField("loại văn bản", max_length=20, choices=Kind.choices)
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="issued_documents"
    )
    # The committee whose subtree reads the document once published.
    audience = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="audience_documents"
    )
    title = models.CharField("tiêu đề / trích yếu", max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    step = models.PositiveSmallIntegerField(default=0)
    current_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("số", max_length=50, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    recipients = models.TextField("nơi nhận", blank=True)
    authority_line = models.CharField("quyền hạn ký", max_length=100, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=100, blank=True)
    signer_name = models.CharField("người ký", max_length=100, blank=True)
    pdf = models.FileField(upload_to="pdf/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "audience"])]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="unique_document_number_per_issuer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

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

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} r{self.number}"


class WorkflowEvent(models.Model):
    """An append-only record of one transition or action on a document."""

    class Action(models.TextChoices):
        CREATE = "create", "Tạo bản nháp"
        IMPORT = "import", "Nhập từ tệp"
        EDIT = "edit", "Sửa"
        SUBMIT = "submit", "Trình duyệt"
        FORWARD = "forward", "Chuyển cấp trên"
        RETURN = "return", "Trả lại"
        APPROVE = "approve", "Phê duyệt"
        PUBLISH = "publish", "Ban hành"
        PUBLISH_IMPORTED = "publish_imported", "Ghi nhận văn bản đã ban hành"

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
    kind = models.CharField(max_length=20, choices=Document.Kind.choices)
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
    """A cell's confirmation that it received a published document (first download)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="receipts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "organisation"], name="unique_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.organisation_id}"


class DocumentImage(models.Model):
    """An image uploaded into a document body; stored under a random name."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to="images/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file.name
