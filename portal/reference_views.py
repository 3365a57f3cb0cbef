"""Pages of cited Party and State documents: one per document, and what was propagated."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.forms import PropagandaFilterForm
from portal.models import CitedDocument, Organisation
from portal.pagination import paginate
from portal.services.references import (
    citations_visible_to,
    cited_counts,
    cited_rows,
    documents_numbered,
    sees_propaganda,
)


def _cited_issuers(citations) -> list[tuple[str, str]]:
    """The issuing bodies of the cited documents, by their code in the number ("TW", "CP"),
    each named by the bodies the texts give for it ("TW — Ban Bí thư, Bộ Chính trị")."""
    names: dict[str, set[str]] = {}
    # Without the citations' ordering, DISTINCT keeps a few pairs instead of every citation.
    pairs = citations.values_list("cited__issuer_code", "cited__issued_by").order_by().distinct()
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
    paged = paginate(request, cited_counts(citations))
    context = {"form": form, "paged": paged, "rows": cited_rows(paged)}
    return render(request, "references/propaganda.html", context)


@login_required
@require_GET
def cited_detail(request, pk: int):
    """One cited document and, a page at a time, the documents the user may see that cite
    it, latest month first (else 404)."""
    cited = CitedDocument.objects.filter(pk=pk).first()
    citations = citations_visible_to(request.user).filter(cited_id=pk)
    paged = paginate(request, citations.order_by("-period", "-document_id"))
    if cited is None or not paged.page.paginator.count:
        raise Http404(_("Không tìm thấy văn bản được trích dẫn."))
    context = {
        "cited": cited,
        "citations": paged,
        "in_portal": documents_numbered(request.user, cited),
    }
    return render(request, "references/cited_detail.html", context)
