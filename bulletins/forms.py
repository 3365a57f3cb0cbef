"""The bulletin editing form."""

from django import forms

from portal.forms import DocumentForm


class BulletinForm(DocumentForm):
    kind_fields = ("period_month", "period_year")

    period_month = forms.IntegerField(label="Tháng", min_value=1, max_value=12)
    period_year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
