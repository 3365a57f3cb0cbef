"""The notifications page: the user's own, newest first; opening it marks them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.notification_forms import DIGEST, EACH, NotificationSettingForm
from portal.pagination import paginate
from portal.services.notifications import (
    notification_setting_set,
    notifications_mark_read,
    notifications_of,
    wants_digest,
)


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request):
    paged = paginate(request, notifications_of(request.user))
    shown = list(paged.page.object_list)  # read before they are marked, to show them unread
    notifications_mark_read(user=request.user, ids=[n.pk for n in shown if n.read_at is None])
    form = NotificationSettingForm(
        initial={"delivery": DIGEST if wants_digest(request.user) else EACH}
    )
    context = {"paged": paged, "notifications": shown, "form": form}
    return render(request, "portal/notifications.html", context)


@login_required
@require_POST
def notification_settings(request):
    form = NotificationSettingForm(request.POST)
    if form.is_valid():
        notification_setting_set(user=request.user, digest=form.digest)
        messages.success(request, _("Đã lưu cách nhận thư thông báo."))
    return redirect("portal:notifications")


@login_required
def notification_open(request, pk: int):
    """Open what a notification is about, marking it read."""
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.document_id is None:
        return redirect("portal:notifications")
    return redirect("portal:document_detail", pk=notification.document_id)


urlpatterns = [
    path("", notification_list, name="notifications"),
    path("cai-dat/", notification_settings, name="notification_settings"),
    path("<int:pk>/", notification_open, name="notification_open"),
]
