"""Comparing two revisions of a document: inline or side by side."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.diff import diff_bodies, diff_rows
from portal.models import Document, Revision, WorkflowEvent
from portal.rules import ACTIONS
from portal.selectors import get_document_for_user

# The events by which a reviewer says they read a revision.
REVIEW_ACTIONS = (
    WorkflowEvent.Action.FORWARD,
    WorkflowEvent.Action.RETURN,
    WorkflowEvent.Action.APPROVE,
)
SIDE_BY_SIDE = "canh-nhau"


def _number(value: str | None, numbers: list[int]) -> int | None:
    """The revision number asked for, if it is one of the document's; else None."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number in numbers else None


def last_reviewed_number(user, document: Document) -> int | None:
    """The revision of the user's latest forward, return or approval of the document."""
    events = WorkflowEvent.objects.filter(
        document=document, actor_id=user.pk, action__in=REVIEW_ACTIONS, revision__isnull=False
    )
    return events.order_by("-created_at", "-pk").values_list("revision__number", flat=True).first()


def default_from(
    document: Document, revisions: list[Revision], to: int, reviewed: int | None
) -> int:
    """Since the revision the viewer last reviewed, else the last approved one, else the one
    before the compared revision."""
    if reviewed is not None and any(r.number == reviewed for r in revisions):
        return reviewed
    approved = next((r.number for r in revisions if r.pk == document.approved_revision_id), None)
    if approved is not None and approved != to:
        return approved
    earlier = [r.number for r in revisions if r.number < to]
    return earlier[-1] if earlier else to


@login_required
@require_GET
def document_compare(request, pk: int):
    """What changed between two revisions (``?tu=2&den=5``), by default since the viewer's
    last review; ``?kieu=canh-nhau`` shows the two side by side."""
    document = get_document_for_user(request.user, pk, action="history")
    revisions = list(
        document.revisions.select_related("author").defer("body_html", "rows").order_by("number")
    )
    numbers = [r.number for r in revisions]
    current = next((r.number for r in revisions if r.pk == document.current_revision_id), None)
    to = _number(request.GET.get("den"), numbers) or current or (numbers[-1] if numbers else None)
    context = {"document": document, "revisions": revisions, "diff": None}
    context["side_by_side"] = request.GET.get("kieu") == SIDE_BY_SIDE
    if to is not None:
        reviewed = last_reviewed_number(request.user, document)
        since = _number(request.GET.get("tu"), numbers)
        if since is None:
            since = default_from(document, revisions, to, reviewed)
        kept = Revision.objects.filter(document=document, number__in={since, to})
        bodies, rows = {}, {}
        for number, body_html, kept_rows in kept.values_list("number", "body_html", "rows"):
            bodies[number], rows[number] = body_html, kept_rows
        by_number = {r.number: r for r in revisions}
        context |= {
            "since": by_number[since],
            "to": by_number[to],
            "reviewed": reviewed,
            "diff": diff_bodies(bodies[since], bodies[to]),
            "rows_diff": diff_rows(rows[since], rows[to]),
            # The draft PDF with these changes marked in its margin, while it is a draft.
            "can_print_marked": to == current
            and since != to
            and ACTIONS["draft_pdf"].test(request.user, document),
        }
    return render(request, "portal/compare.html", context)
