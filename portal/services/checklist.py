"""What would print wrong in a document's current revision, checked before it is submitted.

Only what the official format requires blocks a submission (Hướng dẫn 36-HD/VPTW, the
closing of a Party document: "Nơi nhận" and the signature block with the signer's name are
compulsory parts; a footnote mark must point to a note at the foot of its page). The rest —
an empty section, a ratio typed differently from the figures — may be deliberate, and the
reviewers judge it: those items are shown, never enforced.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.body import parse_body
from portal.kinds import KINDS
from portal.models import Document


@dataclass(frozen=True)
class ChecklistItem:
    message: str  # Vietnamese, one line
    blocking: bool  # the format requires it: submission is refused until it is fixed


def document_checklist(document: Document) -> list[ChecklistItem]:
    """The items that would print wrong, blocking ones first, in the order they print."""
    revision = document.current_revision
    parsed = parse_body(revision.body_html if revision else "")
    blocking = [
        _("Chú thích số %(number)s chưa có nội dung: số chú thích in ra mà chân trang để "
          "trống.") % {"number": number}
        for number, text in enumerate(parsed.footnotes, start=1)
        if not text
    ]  # fmt: skip
    if not document.recipient_lines:
        blocking.append(_("Chưa có «Nơi nhận»."))
    if not document.signer_name.strip():
        blocking.append(_("Chưa có họ tên người ký."))
    warnings = [
        _("Mục «%(heading)s» chưa có nội dung.") % {"heading": heading.text or "…"}
        for heading in parsed.headings
        if not heading.has_content
    ]
    warnings += KINDS[document.kind].checklist(document)
    return [ChecklistItem(message, True) for message in blocking] + [
        ChecklistItem(message, False) for message in warnings
    ]


def checklist_require_clear(document: Document) -> None:
    """Refuse (ValidationError) a document with a blocking item, naming every one of them."""
    blocking = [item.message for item in document_checklist(document) if item.blocking]
    if blocking:
        raise ValidationError(
            _("Chưa trình được vì văn bản sẽ in sai thể thức: %(items)s Hãy sửa rồi trình lại.")
            % {"items": " ".join(blocking)}
        )
