"""Bulletin-specific data: the month (or quarter) it informs about."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.kinds import store_period
from portal.models import Document


class Bulletin(models.Model):
    """Bản tin sinh hoạt chi bộ of one month."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="bulletin"
    )
    period_month = models.PositiveSmallIntegerField(
        _("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    period_year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("bản tin")
        verbose_name_plural = _("bản tin")

    def __str__(self) -> str:
        return f"Bản tin tháng {self.period_month}/{self.period_year}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        store_period(self)  # the document's stored period columns follow this row
