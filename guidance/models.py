"""Guidance and quarterly report specific data."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.kinds import store_period
from portal.models import Document


class Guidance(models.Model):
    """Hướng dẫn tuyên truyền, possibly based on a higher guidance."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="guidance"
    )
    based_on = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guidance_issued_under",
        verbose_name=_("căn cứ hướng dẫn"),
    )

    class Meta:
        verbose_name = _("hướng dẫn")
        verbose_name_plural = _("hướng dẫn")

    def __str__(self) -> str:
        return f"Hướng dẫn {self.document_id}"


class Report(models.Model):
    """Báo cáo quý of one quarter."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="report"
    )
    quarter = models.PositiveSmallIntegerField(
        _("quý"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("báo cáo quý")
        verbose_name_plural = _("báo cáo quý")

    def __str__(self) -> str:
        return f"Báo cáo quý {self.quarter}/{self.year}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        store_period(self)  # the document's stored period columns follow this row


def _figure_field(label: str) -> models.DecimalField:
    # Room for 18 digits before and 6 after the comma; what is accepted is narrower, so that
    # every database stores it exactly (indicators.FIGURE_LIMITS).
    return models.DecimalField(label, max_digits=24, decimal_places=6, null=True, blank=True)


def _ratio_field(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=4, null=True, blank=True)


class Indicator(models.Model):
    """One row of a report's indicator table (chỉ tiêu); sub-rows point at their parent."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField()
    code = models.CharField(_("TT"), max_length=20, blank=True)
    name = models.CharField(_("chỉ tiêu"), max_length=500)
    unit = models.CharField(_("đơn vị tính"), max_length=100, blank=True)
    plan_low = _figure_field(_("kế hoạch năm"))
    plan_high = _figure_field(_("kế hoạch năm (mức cao)"))  # set only for a range
    estimate = _figure_field(_("ước thực hiện quý"))
    same_period = _figure_field(_("cùng kỳ năm trước"))
    # Ratios as typed in the report, kept to compare with the computed ones.
    reported_same_period_ratio = _ratio_field(_("% so cùng kỳ (báo cáo ghi)"))
    reported_plan_ratio = _ratio_field(_("% so kế hoạch (báo cáo ghi)"))
    source = models.CharField(_("nguồn số liệu"), max_length=1000, blank=True)
    # Set on a row that lists one district's figure, taken from that district's report.
    source_report = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("ghi chú khi nhập"), blank=True)
    # The cells of the body table this row was read from; None for a row written by pulling
    # the districts' figures. A row whose cells are unchanged keeps its figures on re-reading.
    table_cells = models.JSONField(null=True, blank=True, editable=False)
    # The figures as the author typed them, by column ("estimate": "8.132,00"): printed as
    # typed while they still read as the stored figure (indicators.TYPED_COLUMNS).
    typed = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="unique_indicator_position")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class IndicatorSource(models.Model):
    """The body table a report's rows were last read from: an unchanged table keeps edits."""

    report = models.OneToOneField(
        Report, primary_key=True, on_delete=models.CASCADE, related_name="indicator_source"
    )
    digest = models.CharField(max_length=64)
    # The table's column titles as typed, by column ("plan": "Kế hoạch năm 2023").
    headers = models.JSONField(default=dict, blank=True, editable=False)
    revision = models.ForeignKey(
        "portal.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.report_id}: {self.digest[:8]}"
