"""The unread notifications badge of the navigation bar."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.services.notifications import unread_count


def notifications(request: HttpRequest) -> dict:
    """``notifications_unread``: counted once per request, and only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        if not hasattr(request, "_notifications_unread"):
            request._notifications_unread = unread_count(user)
        return request._notifications_unread

    return {"notifications_unread": SimpleLazyObject(count)}
