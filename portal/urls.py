"""URLs of the portal."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import (
    auth,
    comment_views,
    compare_views,
    correction_views,
    deadline_views,
    draft_views,
    feed_views,
    image_views,
    receipt_views,
    reference_views,
    search_views,
    views,
)
from portal.kinds import KINDS

# The admin signs in through the portal's own login (rate-limited), never its own form.
admin.site.login = secure_admin_login(admin.site.login)

portal_patterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("van-ban/", views.document_list, name="document_list"),
    path("van-ban/phe-duyet/", views.documents_approve, name="documents_approve"),
    path("van-ban/ton-dong/", views.documents_stuck, name="documents_stuck"),
    path("thu-vien/", views.library, name="library"),
    path("tim-kiem/", search_views.search_page, name="search"),
    path("han-nop/", deadline_views.board, name="deadline_board"),
    path("han-nop/dat/", deadline_views.settings_page, name="deadline_settings"),
    path("nguon-tin/", feed_views.feed_page, name="feeds"),
    path("nguon-tin/tao/", feed_views.feed_new, name="feed_new"),
    path("nguon-tin/thu-hoi/", feed_views.feed_revoke, name="feed_revoke"),
    # Private feeds: the token stands for its user; no session (portal.feed_views).
    path("nguon-tin/<str:token>/atom.xml", feed_views.feed_atom, name="feed_atom"),
    path("nguon-tin/<str:token>/van-ban.json", feed_views.feed_json, name="feed_json"),
    path("to-chuc/sap-xep/", include("portal.reorganisation_views")),
    path("van-ban-duoc-tuyen-truyen/", reference_views.propaganda, name="propaganda"),
    path("van-ban-trich-dan/<int:pk>/", reference_views.cited_detail, name="cited_detail"),
    path("van-ban/moi/<str:kind>/", views.document_new, name="document_new"),
    path("van-ban/nhap/", views.document_import_view, name="document_import"),
    path("van-ban/anh/", views.image_upload, name="image_upload"),
    # Body images keep the URL they were stored with; access-checked, in DEBUG too.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:name>",
        image_views.document_image,
        name="document_image",
    ),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("van-ban/<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("van-ban/<int:pk>/tu-dong-luu/", views.document_autosave, name="document_autosave"),
    path(
        "van-ban/moi/<str:kind>/tu-dong-luu/",
        views.document_autosave_new,
        name="document_autosave_new",
    ),
    path("van-ban/<int:pk>/pdf/", views.document_file, {"fmt": "pdf"}, name="document_pdf"),
    path("van-ban/<int:pk>/docx/", views.document_file, {"fmt": "docx"}, name="document_docx"),
    path("van-ban/<int:pk>/json/", views.document_json, name="document_json"),
    path(
        "van-ban/<int:pk>/du-thao.pdf",
        draft_views.document_draft_pdf,
        name="document_draft_pdf",
    ),
    path("van-ban/<int:pk>/da-nhan/", receipt_views.receipts_board, name="receipts_board"),
    path("van-ban/<int:pk>/da-nhan/nhac/", receipt_views.receipts_remind, name="receipts_remind"),
    path(
        "van-ban/<int:pk>/xac-nhan-da-nhan/", receipt_views.receipt_confirm, name="receipt_confirm"
    ),
    path("thong-bao/", include("portal.notification_views")),
    path("van-ban/<int:pk>/so-sanh/", compare_views.document_compare, name="document_compare"),
    path("van-ban/<int:pk>/gop-y/", comment_views.comment_add, name="comment_add"),
    path(
        "van-ban/<int:pk>/gop-y/<int:comment_pk>/<str:op>/",
        comment_views.comment_state,
        name="comment_state",
    ),
    path("van-ban/<int:pk>/dinh-chinh/", correction_views.correct, name="document_correct"),
    path("van-ban/<int:pk>/thu-hoi/", correction_views.recall, name="document_recall"),
    path("van-ban/<int:pk>/ban/<int:number>/", correction_views.issued, name="document_issued"),
    path(
        "van-ban/<int:pk>/ban/<int:number>/pdf/",
        correction_views.issued_pdf,
        name="document_issued_pdf",
    ),
    path("van-ban/<int:pk>/<str:action>/", views.document_transition, name="document_transition"),
]

# Each kind may bring its own pages (portal.kinds.Kind.urls), mounted under the root.
kind_patterns = [path("", include(kind.urls)) for kind in KINDS.values() if kind.urls]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    *kind_patterns,
    # allauth's reset form, refused in Vietnamese when no mail can be sent (portal.auth).
    path("tai-khoan/password/reset/", auth.password_reset, name="account_reset_password"),
    path("tai-khoan/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.forbidden"
handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"
