"""The comments panel beside a document's text, for those who may comment on it."""

from django import template

from portal.comment_views import panel_context
from portal.models import Document
from portal.services.comments import may_comment

register = template.Library()


@register.inclusion_tag("portal/_comments.html", takes_context=True)
def comments_panel(context, document, revision) -> dict:
    """The panel's threads anchored in the revision shown; nothing for anyone else."""
    request = context["request"]
    if not isinstance(document, Document) or not may_comment(request.user, document):
        return {"threads": None}
    return {**panel_context(request, document, revision), "csrf_token": context.get("csrf_token")}
