"""One way to page a list: Django's paginator, a page number in ``?trang=``, filters kept."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
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
    page = Paginator(items, per_page).get_page(_asked(request))
    return Paged(page=page, query=_filters(request))


def paginate_grouped(request: HttpRequest, rows: QuerySet, per_page: int = PER_PAGE) -> Paged:
    """``paginate`` for a queryset whose count costs as much as its page (a grouped one, or
    a search's joins): the page's rows bring the total along (COUNT(*) OVER ()), one query
    instead of two. Past the end, the total is counted and the last page read, as
    ``paginate`` does. Rows may be dicts (``values()``) or model instances."""
    number = _asked(request)
    start = (number - 1) * per_page
    window = list(rows.annotate(total=Window(Count("*")))[start : start + per_page])
    total = rows.count() if not window else _total(window[0])
    counted = _Counted(rows, total, start, window)
    page = Paginator(counted, per_page).get_page(number)
    return Paged(page=page, query=_filters(request))


def _total(row) -> int:
    return row["total"] if isinstance(row, dict) else row.total


class _Counted:
    """A queryset whose total and one slice are already known."""

    def __init__(self, rows: QuerySet, total: int, start: int, window: list):
        self.rows, self.total, self.start, self.window = rows, total, start, window

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, part: slice) -> list:
        if part.start == self.start and self.window:
            return self.window
        return list(self.rows[part])


def _asked(request: HttpRequest) -> int:
    number = request.GET.get(PAGE_PARAMETER, "")
    return int(number) if number.isdigit() and int(number) > 0 else 1


def _filters(request: HttpRequest) -> str:
    filters = request.GET.copy()
    filters.pop(PAGE_PARAMETER, None)
    return filters.urlencode()
