"""The bulletin editing form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DocumentForm


class BulletinForm(DocumentForm):
    kind_fields = ("period_month", "period_year")

    period_month = forms.IntegerField(label=_("Tháng"), min_value=1, max_value=12)
    period_year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
