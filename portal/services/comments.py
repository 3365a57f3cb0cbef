"""Comments on a passage of a document: written, answered, resolved and found again after
edits by their quote and its context (never lost: a passage that is gone leaves the comment
orphaned, shown with its quote)."""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Comment, Document
from portal.rules import is_issuer_staff
from portal.services.references import body_text

CONTEXT = 32  # characters of context kept on each side of a quote
FUZZY_RATIO = 0.8
MENTION = re.compile(r"(?<![\w.])@([\w.+-]+\w)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def may_comment(user, document: Document) -> bool:
    """The issuing department's staff and its reviewers (head, city approver); never a
    reader, whatever they may read."""
    return bool(getattr(user, "is_authenticated", False)) and is_issuer_staff.test(user, document)


def _require(user, document: Document) -> None:
    if not may_comment(user, document):
        raise PermissionDenied(_("Chỉ ban ban hành và người duyệt được góp ý văn bản này."))


@transaction.atomic
def comment_add(
    *,
    document: Document,
    actor,
    body: str,
    quote: str = "",
    prefix: str = "",
    suffix: str = "",
    parent: Comment | None = None,
) -> Comment:
    """A new comment on a passage of the current revision, or a reply taking its parent's
    passage; mentioned users who may see it are notified."""
    _require(actor, document)
    body = nfc(body).strip()
    if not body:
        raise ValidationError(_("Góp ý chưa có nội dung."))
    if parent is not None:
        if parent.document_id != document.pk:
            raise ValidationError(_("Không có góp ý này."))
        parent = parent.parent or parent  # one level of replies: answer the thread
        quote, prefix, suffix = parent.quote, parent.prefix, parent.suffix
    else:
        quote = nfc(quote).strip()
        if not quote:
            raise ValidationError(_("Hãy chọn đoạn văn cần góp ý."))
        prefix, suffix = nfc(prefix)[-CONTEXT:], nfc(suffix)[:CONTEXT]
        if document.current_revision_id:
            text = nfc(body_text(document.current_revision.body_html))
            quote, prefix, suffix = _as_in_text(text, quote, prefix, suffix)
    comment = Comment.objects.create(
        document=document,
        revision_id=document.current_revision_id,
        parent=parent,
        author=actor,
        body=body,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
    )
    _notify_mentions(comment)
    return comment


def _as_in_text(text: str, quote: str, prefix: str, suffix: str) -> tuple[str, str, str]:
    """The selected passage as the text has it (a page's selection joins blocks without
    the text's line breaks), with the text's own context; as given if not found."""
    letters = [re.escape(char) for char in quote if not char.isspace()]
    if not letters:
        return quote, prefix, suffix
    matches = list(re.finditer(r"\s*".join(letters), text))
    if not matches:
        return quote, prefix, suffix
    squeeze = "".join(prefix.split())
    chosen = next(
        (m for m in matches if "".join(text[: m.start()].split()).endswith(squeeze)), matches[0]
    )
    start, end = chosen.span()
    return text[start:end], text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


@transaction.atomic
def comment_resolve(*, comment: Comment, actor) -> Comment:
    """Mark a thread resolved (a reply resolves its thread)."""
    _require(actor, comment.document)
    thread = comment.parent or comment
    thread.resolved_at, thread.resolved_by = timezone.now(), actor
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


@transaction.atomic
def comment_reopen(*, comment: Comment, actor) -> Comment:
    """Open a resolved thread again."""
    _require(actor, comment.document)
    thread = comment.parent or comment
    thread.resolved_at, thread.resolved_by = None, None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


def comments_for(document: Document, user):
    """The threads (with replies) of a document that the user may see: none for anyone
    but the issuing department's staff and its reviewers."""
    if not may_comment(user, document):
        return Comment.objects.none()
    return (
        Comment.objects.filter(document=document, parent=None)
        .select_related("author", "resolved_by")
        .prefetch_related("replies__author")
    )


def comment_of(document: Document, user, pk) -> Comment | None:
    """A comment (thread or reply) of the document, if the user may see its comments."""
    if not may_comment(user, document):
        return None
    return Comment.objects.filter(document=document, pk=pk).select_related("document").first()


def anchor(comment: Comment, text: str) -> tuple[int, int] | None:
    """Where the comment's passage is in the text (NFC): the quote with its context, else
    the quote if it occurs once, else the closest passage of the quote's length at least
    FUZZY_RATIO alike, else None (orphaned)."""
    text, quote = nfc(text), nfc(comment.quote)
    if not quote:
        return None
    prefix, suffix = nfc(comment.prefix), nfc(comment.suffix)
    starts = [m.start() for m in re.finditer(re.escape(quote), text)]
    for start in starts:
        end = start + len(quote)
        if text[:start].endswith(prefix) and text[end:].startswith(suffix):
            return start, end
    if len(starts) == 1:
        return starts[0], starts[0] + len(quote)
    if starts:
        return _closest_by_context(text, starts, len(quote), prefix, suffix)
    return _fuzzy(text, quote, prefix, suffix)


def _closest_by_context(text, starts, length, prefix, suffix) -> tuple[int, int]:
    """Among several occurrences of the quote, the one whose surroundings keep most of the
    kept context, in order (a few characters of slack for words inserted there)."""
    slack = 8

    def kept(seen: str, context: str) -> int:
        matcher = difflib.SequenceMatcher(None, seen, context, autojunk=False)
        return sum(block.size for block in matcher.get_matching_blocks())

    def score(start: int) -> int:
        before = text[max(0, start - len(prefix) - slack) : start]
        after = text[start + length : start + length + len(suffix) + slack]
        return kept(before, prefix) + kept(after, suffix)

    best = max(starts, key=score)
    return best, best + length


def _fuzzy(text: str, quote: str, prefix: str, suffix: str) -> tuple[int, int] | None:
    """The window of the text most like the quote (about the quote's length), if alike
    enough. Tried where the quote's ends or its context still occur, else over the whole
    text in steps, then refined around the best step."""
    n = len(quote)
    if not text:
        return None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    seeds = set()
    for piece in (quote[:8], quote[-8:], prefix[-8:], suffix[:8]):
        if piece.strip():
            for m in re.finditer(re.escape(piece), text):
                seeds.update({m.start(), m.end(), m.start() - n, m.end() - n})
    stride = 3 if seeds else max(1, n // 8)
    if not seeds:
        seeds = set(range(0, max(1, len(text) - n + 1), stride))
    best = _best_window(matcher, text, seeds, n, 3 if stride == 3 else 0)
    if best is not None and stride > 3:
        best = _best_window(matcher, text, {best[1]}, n, stride) or best
    if best is None or best[0] < FUZZY_RATIO:
        return None
    return _whole_words(text, best[1], best[2])


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The range widened to whole words: a passage that grew by a few words is marked to the
    end of its last syllable ("tháng", never "th")."""
    while start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _best_window(matcher, text: str, seeds, n: int, spread: int):
    """The (ratio, start, end) of the window most like the matcher's quote near the seeds."""
    best = None
    lengths = sorted({n, n - 1, n + 1, int(n * 0.9), int(n * 1.1)})
    for seed in seeds:
        for start in range(max(0, seed - spread), min(len(text), seed + spread + 1)):
            for length in lengths:
                window = text[start : start + length]
                if not window:
                    continue
                matcher.set_seq1(window)
                if matcher.real_quick_ratio() < FUZZY_RATIO or matcher.quick_ratio() < FUZZY_RATIO:
                    continue
                ratio = matcher.ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, start, start + len(window))
    return best


@dataclass
class Thread:
    """A thread as shown: the comment, its replies and where its passage is now."""

    comment: Comment
    start: int | None
    end: int | None
    passage: str
    occurrence: int  # how many times the passage occurs before it (to find it in the page)

    @property
    def orphaned(self) -> bool:
        return self.start is None


def threads_for(document: Document, user, body_html: str) -> list[Thread]:
    """The user's visible threads, each anchored in the given body (open ones first)."""
    text = nfc(body_text(body_html))
    threads = []
    for comment in comments_for(document, user):
        found = anchor(comment, text)
        if found is None:
            threads.append(Thread(comment, None, None, "", 0))
            continue
        start, end = found
        passage = text[start:end]
        threads.append(Thread(comment, start, end, passage, text[:start].count(passage)))
    threads.sort(key=lambda t: (t.comment.resolved_at is not None, t.start is None, t.start or 0))
    return threads


def open_comments_reason(document: Document) -> str:
    """The open threads as a return reason: each quote with its comment and replies."""
    parts = []
    threads = (
        Comment.objects.filter(document=document, parent=None, resolved_at=None)
        .select_related("author")
        .prefetch_related("replies__author")
    )
    for number, thread in enumerate(threads, 1):
        lines = [f"{number}. «{thread.quote}»", f"   {thread.author.username}: {thread.body}"]
        lines += [f"   {reply.author.username}: {reply.body}" for reply in thread.replies.all()]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def return_data(post, document: Document):
    """The return form's data, its reason built from the open comments when asked for
    (the reviewer's own words, if any, come first)."""
    if not post.get("with_comments"):
        return post
    data = post.copy()
    reason = open_comments_reason(document)
    typed = data.get("reason", "").strip()
    data["reason"] = "\n\n".join(part for part in (typed, reason) if part)
    return data


def _notify_mentions(comment: Comment) -> None:
    """Tell the @mentioned users who may see the comments (when notifications exist)."""
    names = set(MENTION.findall(comment.body))
    if not names:
        return
    try:
        from portal.services.notifications import notify
    except ImportError:
        return
    users = [
        user
        for user in get_user_model().objects.filter(username__in=names, is_active=True)
        if user.pk != comment.author_id and may_comment(user, comment.document)
    ]
    if users:
        message = _("%(user)s nhắc đến bạn trong một góp ý: %(body)s") % {
            "user": comment.author.username,
            "body": comment.body[:200],
        }
        notify(users=users, document=comment.document, kind="mentioned", message=message)
