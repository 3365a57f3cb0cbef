"""A throw-away fourth kind (Kế hoạch): proves a kind is one folder and one registry line."""

from django.db import models

from portal.models import Document


class Plan(models.Model):
    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="plan"
    )
    year = models.PositiveSmallIntegerField("năm")

    def __str__(self) -> str:
        return f"Kế hoạch năm {self.year}"
