"""The search page: ``/tim-kiem/?q=…`` over what the user may read, filtered and paged."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.filters import filter_choices, filtered
from portal.pagination import paginate_grouped
from portal.search import MAX_QUERY, hits, search, terms_of
from portal.selectors import documents_visible_to

PER_PAGE = 20


@login_required
@require_GET
def search_page(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    readable = documents_visible_to(request.user)
    documents, filters = filtered(request, readable)
    context = {"search_query": query, "filters": filters, **filter_choices(readable)}
    if terms_of(query):
        paged = paginate_grouped(request, search(documents, query), PER_PAGE)
        context.update(paged=paged, hits=hits(list(paged.page), query))
    return render(request, "portal/search.html", context)
