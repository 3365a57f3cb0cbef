"""What a transition did and who has the document now, in the words shown after the click."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import approval_chain
from portal.models import Document, Membership
from portal.services.workflow import step_reviewers


def person_name(user) -> str:
    """A person as Vietnamese write them, family name first; the username when unnamed."""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.username


def current_holders(document: Document) -> list:
    """Who may act on the document's current review step (four eyes applied)."""
    if document.status != Document.Status.SUBMITTED:
        return []
    role = approval_chain(document)[document.step - 1]
    return step_reviewers(document, role)


def waiting_with(document: Document) -> str:
    """'đồng chí Hoàng Văn Nam, Lãnh đạo ban' for the current step of a submitted document."""
    if document.status != Document.Status.SUBMITTED:
        return ""
    role = Membership.Role(approval_chain(document)[document.step - 1])
    names = ", ".join(person_name(u) for u in current_holders(document))
    return _("đồng chí %(names)s, %(role)s") % {"names": names or "—", "role": role.label}


def handoff_message(document: Document, action: str) -> str:
    """The sentence shown after a transition: what happened and who has the document now."""
    if action in ("submit", "forward"):
        return _("Đã trình %(who)s (bước %(step)s/%(steps)s).") % {
            "who": waiting_with(document),
            "step": document.step,
            "steps": len(approval_chain(document)),
        }
    if action == "return":
        return _(
            "Đã trả lại văn bản cho %(org)s; chuyên viên thấy lý do ở đầu văn bản và trình lại "
            "sau khi sửa."
        ) % {"org": document.issuer.name}
    if action == "withdraw":
        return _("Đã rút lại văn bản về bản nháp; hãy sửa rồi trình lại.")
    if action == "approve" and document.status == Document.Status.PUBLISHED:
        return _(
            "Đã phê duyệt và ban hành văn bản số %(number)s; các chi bộ đã đọc được, bản PDF "
            "đang được tạo."
        ) % {"number": document.number}
    if action == "approve" and document.publish_at:
        when = timezone.localtime(document.publish_at).strftime("%H:%M %d/%m/%Y")
        return _("Đã phê duyệt văn bản số %(number)s; văn bản sẽ tự ban hành lúc %(when)s.") % {
            "number": document.number,
            "when": when,
        }
    if action == "approve":
        return _("Đã phê duyệt văn bản số %(number)s; ban ban hành sẽ bấm «Ban hành».") % {
            "number": document.number
        }
    if action == "publish":
        return _("Đã ban hành văn bản tới các chi bộ thuộc %(audience)s.") % {
            "audience": document.audience.name
        }
    return _("Đã yêu cầu tạo lại bản in; hãy tải lại sau ít phút.")
