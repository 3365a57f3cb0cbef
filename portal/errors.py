"""Error pages in Vietnamese, carrying the refusal's own message where there is one."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _page(request, status: int, title: str, exception=None):
    message = str(exception) if exception and str(exception) else ""
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, _("Yêu cầu không hợp lệ"), exception)


def forbidden(request, exception=None):
    return _page(request, 403, _("Bạn không có quyền thực hiện thao tác này"), exception)


def not_found(request, exception=None):
    return _page(request, 404, _("Không tìm thấy trang hoặc văn bản"), None)


class NotFoundMiddleware:
    """Turns the selectors' domain error (portal.selectors.NotFound) into the 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from portal.selectors import NotFound

        if isinstance(exception, NotFound):
            return not_found(request, exception)
        return None


def server_error(request):
    return _page(request, 500, _("Hệ thống gặp lỗi, xin thử lại sau"))
