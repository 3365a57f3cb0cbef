"""Guidance and quarterly report editing forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DocumentForm
from portal.models import Document


class GuidanceForm(DocumentForm):
    kind_fields = ("based_on",)

    based_on = forms.ModelChoiceField(
        label=_("Căn cứ hướng dẫn cấp trên"),
        queryset=Document.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            from portal.selectors import published_for_reader

            self.fields["based_on"].queryset = published_for_reader(self.user).filter(
                kind=Document.Kind.GUIDANCE
            )


class ReportForm(DocumentForm):
    kind_fields = ("quarter", "year")

    quarter = forms.IntegerField(label=_("Quý"), min_value=1, max_value=4)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
