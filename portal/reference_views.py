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

    cited_issuer = forms.ChoiceField(
        label=gettext_lazy("Cơ quan ban hành văn bản được tuyên truyền"), required=False
    )

    def __init__(self, *args, issuers, cited_issuers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["cited_issuer"].choices = [("", _("Tất cả")), *cited_issuers]
        self.fields["start"].widget.input_type = "month"
        self.fields["end"].widget.input_type = "month"


def _cited_issuers(citations) -> list[tuple[str, str]]:
    """The issuing bodies of the cited documents, by their code in the number ("TW", "CP"),
    each named by the bodies the texts give for it ("TW — Ban Bí thư, Bộ Chính trị")."""
    names: dict[str, set[str]] = {}
    pairs = citations.values_list("cited__issuer_code", "cited__issued_by").distinct()
    for code, issued_by in pairs:
        if code:
            names.setdefault(code, set()).update([issued_by] if issued_by else [])
    return [
        (code, f"{code} — {', '.join(sorted(names[code]))}" if names[code] else code)
        for code in sorted(names)
    ]


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
    form = PropagandaFilterForm(
        request.GET or None, issuers=issuers, cited_issuers=_cited_issuers(citations)
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["start"] is not None:
            citations = citations.filter(period__gte=data["start"])
        if data["end"] is not None:
            citations = citations.filter(period__lte=data["end"])
        if data["issuer"] is not None:
            citations = citations.filter(document__issuer=data["issuer"])
        if data["cited_issuer"]:
            citations = citations.filter(cited__issuer_code=data["cited_issuer"])
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
