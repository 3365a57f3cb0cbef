"""Pages of cited Party and State documents: one per document, and what was propagated."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.access import held_roles
from portal.forms import PropagandaFilterForm
from portal.models import CitedDocument, Organisation
from portal.pagination import paginate, paginate_grouped
from portal.services.references import (
    citations_visible_to,
    cited_counts,
    cited_rows,
    documents_numbered,
    sees_propaganda,
)


def _cited_issuers(user) -> list[tuple[str, str]]:
    """The issuing bodies of the documents that may be cited for the user, by their code in
    the number ("TW", "CP"), each named by the bodies the texts give for it ("TW — Ban Bí
    thư, Bộ Chính trị"): the national ones and the local ones of the user's cities. Read
    from the cited documents (a few thousand rows), not from every citation."""
    cities = {h.ancestor_ids[0] for h in held_roles(user) if h.ancestor_ids}
    local = Q(pk__in=[])
    for city in cities:
        local |= Q(scope__path__startswith=f"/{city}/")
    if getattr(user, "is_superuser", False):
        local = Q()
    cited = CitedDocument.objects.filter(Q(scope__isnull=True) | local)
    names: dict[str, set[str]] = {}
    for code, issued_by in cited.values_list("issuer_code", "issued_by").order_by().distinct():
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
    # The ids first, as a list: the form reads its choices through a server-side cursor, for
    # which PostgreSQL plans a subquery over every citation as if only a few rows were read.
    issuer_ids = set(citations.order_by().values_list("document__issuer_id", flat=True).distinct())
    issuers = Organisation.objects.filter(pk__in=issuer_ids)
    form = PropagandaFilterForm(
        request.GET or None, issuers=issuers, cited_issuers=_cited_issuers(request.user)
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
    paged = paginate_grouped(request, cited_counts(citations))
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
