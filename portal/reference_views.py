"""Pages of cited Party and State documents: one per document, and what was propagated."""

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.models import CitedDocument, Organisation
from portal.services.references import (
    citations_visible_to,
    cited_rows,
    documents_numbered,
    sees_propaganda,
)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """A month written "2024-12" (as <input type="month"> sends it), cleaned to a period index."""

    default_error_messages = {
        "invalid": gettext_lazy("Tháng không hợp lệ, hãy chọn theo dạng năm-tháng (2024-12).")
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH_RE.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match.group(1)) * 12 + int(match.group(2)) - 1


class PropagandaFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("Từ tháng"), required=False)
    end = MonthField(label=gettext_lazy("Đến tháng"), required=False)
    issuer = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị ban hành văn bản trích dẫn"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("Tất cả"),
    )

    def __init__(self, *args, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["start"].widget.input_type = "month"
        self.fields["end"].widget.input_type = "month"


@login_required
@require_GET
def propaganda(request):
    """Every cited document with the documents and months citing it, filtered."""
    if not sees_propaganda(request.user):
        raise PermissionDenied(
            _(
                "Chỉ chuyên viên, lãnh đạo ban và thường trực duyệt được xem "
                "văn bản được tuyên truyền."
            )
        )
    citations = citations_visible_to(request.user)
    issuers = Organisation.objects.filter(pk__in=citations.values("document__issuer_id"))
    form = PropagandaFilterForm(request.GET or None, issuers=issuers)
    if form.is_valid():
        data = form.cleaned_data
        if data["start"] is not None:
            citations = citations.filter(period__gte=data["start"])
        if data["end"] is not None:
            citations = citations.filter(period__lte=data["end"])
        if data["issuer"] is not None:
            citations = citations.filter(document__issuer=data["issuer"])
    context = {"form": form, "rows": cited_rows(citations)}
    return render(request, "references/propaganda.html", context)


@login_required
@require_GET
def cited_detail(request, pk: int):
    """One cited document and the documents the user may see that cite it (else 404)."""
    cited = CitedDocument.objects.filter(pk=pk).first()
    rows = cited_rows(citations_visible_to(request.user).filter(cited_id=pk)) if cited else []
    if not rows:
        raise Http404(_("Không tìm thấy văn bản được trích dẫn."))
    context = {
        "cited": cited,
        "row": rows[0],
        "in_portal": documents_numbered(request.user, cited),
    }
    return render(request, "references/cited_detail.html", context)
