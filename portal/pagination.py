"""One way to page a list: Django's paginator, a page number in ``?trang=``, filters kept."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 30
PAGE_PARAMETER = "trang"


@dataclass(frozen=True)
class Paged:
    """A page of a list and the query string of its filters, for the pager's links."""

    page: Page
    query: str

    def __iter__(self):
        return iter(self.page)


def paginate(request: HttpRequest, items, per_page: int = PER_PAGE) -> Paged:
    """The page asked for; a page number that is not one (or below 1) gives the first page,
    one past the end the last, so an old link never fails."""
    number = request.GET.get(PAGE_PARAMETER, "")
    page = Paginator(items, per_page).get_page(
        number if number.isdigit() and int(number) > 0 else 1
    )
    filters = request.GET.copy()
    filters.pop(PAGE_PARAMETER, None)
    return Paged(page=page, query=filters.urlencode())
