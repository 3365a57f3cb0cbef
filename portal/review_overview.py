"""What a reviewer sees in one place before forwarding or approving: the changes since
their last review, the open comments and the checklist (the draft PDF and the history are
links on the same page)."""

from dataclasses import dataclass

from portal.compare_views import default_from, last_reviewed_number
from portal.diff import diff_bodies, diff_rows
from portal.models import Comment, Document, Revision
from portal.services.checklist import ChecklistItem, document_checklist


@dataclass(frozen=True)
class ReviewOverview:
    since: int | None  # the revision compared from; None when there is none to compare
    to: int | None  # the current revision
    since_review: bool  # ``since`` is the revision the viewer last reviewed
    counts: dict[str, int]  # changed, inserted, deleted, moved paragraphs
    row_counts: dict[str, int]  # changed, inserted, deleted rows of the kind's own table
    open_comments: int
    checklist: list[ChecklistItem]

    @property
    def unchanged(self) -> bool:
        return not any(self.counts.values()) and not self.rows_changed

    @property
    def rows_changed(self) -> int:
        return sum(self.row_counts.values())


def review_overview(user, document: Document) -> ReviewOverview:
    """The reviewer's summary of a submitted document, in the same queries for any size."""
    revisions = list(document.revisions.defer("body_html", "rows").order_by("number"))
    current = next((r for r in revisions if r.pk == document.current_revision_id), None)
    to = current.number if current else None
    reviewed = last_reviewed_number(user, document)
    since = default_from(document, revisions, to, reviewed) if to is not None else None
    counts, row_counts = {}, {}
    if since is not None and since != to:
        kept = Revision.objects.filter(document=document, number__in={since, to})
        bodies, rows = {}, {}
        for number, body_html, kept_rows in kept.values_list("number", "body_html", "rows"):
            bodies[number], rows[number] = body_html, kept_rows
        counts = diff_bodies(bodies[since], bodies[to]).counts
        rows_diff = diff_rows(rows[since], rows[to])
        row_counts = rows_diff.counts if rows_diff else {}
    else:
        since = None
    return ReviewOverview(
        since=since,
        to=to,
        since_review=since is not None and since == reviewed,
        counts=counts,
        row_counts=row_counts,
        open_comments=Comment.objects.filter(
            document=document, parent=None, resolved_at=None
        ).count(),
        checklist=document_checklist(document),
    )
