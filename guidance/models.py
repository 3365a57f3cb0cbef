"""Guidance and quarterly report specific data."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
