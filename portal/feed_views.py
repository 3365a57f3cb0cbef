"""Private feeds of newly published documents: the page that makes the address, the Atom
feed and the JSON list behind it.

A feed reader does not sign in: the token in the address stands for its user, resolved on
every request, and the list is that user's library as it is now (``published_for_reader``).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.exports import published_entry, summary_of
from portal.handoff import person_name
from portal.models import Document
from portal.selectors import feed_documents, feed_reader, feed_token_of
from portal.services.feeds import feed_token_create, feed_token_revoke


def _private(view):
    """The answer is one user's own: kept by no cache on the way, indexed by no engine."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


@dataclass(frozen=True)
class _Subscription:
    reader: AbstractBaseUser
    # The address changes with its token; the feed's identity stays the reader's.
    feed_id: str


class ReaderFeed(Feed):
    """Atom 1.0: the reader's newest published documents, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, token: str) -> _Subscription:
        reader = feed_reader(token)
        feeds_page = request.build_absolute_uri(reverse("portal:feeds"))
        return _Subscription(reader=reader, feed_id=f"{feeds_page}#{reader.pk}")

    def title(self, subscription: _Subscription) -> str:
        name = person_name(subscription.reader)
        return _("Văn bản mới ban hành cho %(name)s") % {"name": name}

    def subtitle(self) -> str:
        return _("Cổng văn bản tuyên giáo")

    def author_name(self) -> str:
        return _("Cổng văn bản tuyên giáo")

    def link(self) -> str:
        return reverse("portal:library")

    def feed_guid(self, subscription: _Subscription) -> str:
        return subscription.feed_id

    def items(self, subscription: _Subscription):
        return feed_documents(subscription.reader)

    def item_title(self, document: Document) -> str:
        return document.title  # Atom's title is text; the XML writer escapes it

    def item_link(self, document: Document) -> str:
        return reverse("portal:document_detail", args=[document.pk])

    def item_description(self, document: Document) -> str:
        meta = [document.get_kind_display(), document.issuer.name]
        if document.number:
            meta.append(_("Số %(number)s") % {"number": document.number})
        return format_html("<p>{}</p><p>{}</p>", " · ".join(meta), summary_of(document))

    def item_author_name(self, document: Document) -> str:
        return document.issuer.name

    def item_categories(self, document: Document) -> list[str]:
        return [document.get_kind_display()]

    def item_pubdate(self, document: Document) -> datetime:
        return document.published_at

    def item_updateddate(self, document: Document) -> datetime:
        return document.published_at


feed_atom = _private(require_safe(ReaderFeed()))


@_private
@require_safe
def feed_json(request, token: str):
    documents = feed_documents(feed_reader(token))
    entries = [published_entry(document, request.build_absolute_uri) for document in documents]
    return JsonResponse(entries, safe=False, json_dumps_params={"ensure_ascii": False})


def _feed_page(request, token: str | None = None):
    """The page; with the token just made, its two addresses, shown this once."""
    urls = None
    if token:
        urls = {
            name: request.build_absolute_uri(reverse(f"portal:{name}", args=[token]))
            for name in ("feed_atom", "feed_json")
        }
    context = {"feed": feed_token_of(request.user), "urls": urls}
    response = render(request, "portal/feeds.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def feed_page(request):
    return _feed_page(request)


@login_required
@require_POST
def feed_new(request):
    return _feed_page(request, feed_token_create(user=request.user))


@login_required
@require_POST
def feed_revoke(request):
    if feed_token_revoke(user=request.user):
        messages.success(
            request, _("Đã thu hồi địa chỉ nguồn tin: địa chỉ cũ không còn dùng được.")
        )
    return redirect("portal:feeds")
