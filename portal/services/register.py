"""The register of numbers (sổ văn bản): per issuer, kind and Party term, never reused."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.kinds import KINDS
from portal.models import Document, Organisation, RegisterEntry

FIRST_TERM_START = 2020
TERM_YEARS = 5


def term_start_for(day: date) -> int:
    """The first year of the five-year Party term a date falls in (2020-2025, 2025-2030 …)."""
    return FIRST_TERM_START + TERM_YEARS * ((day.year - FIRST_TERM_START) // TERM_YEARS)


def number_symbol(*, kind: str, issuer: Organisation, symbol: str | None = None) -> str:
    """'HD/BTGTU': the type code and the issuer's symbol that follow every number (its
    current one, or the ``symbol`` it had on a document's date)."""
    symbol = issuer.symbol if symbol is None else symbol
    return f"{KINDS[kind].code}/{symbol or issuer.code.upper()}"


def format_number(*, sequence: int, kind: str, issuer: Organisation) -> str:
    """'127-HD/BTGTU': sequence, type code, issuer symbol."""
    return f"{sequence}-{number_symbol(kind=kind, issuer=issuer)}"


def _next_sequence(*, issuer_id: int, kind: str, term: int) -> int:
    last = RegisterEntry.objects.filter(issuer_id=issuer_id, kind=kind, term_start=term).aggregate(
        last=Max("sequence")
    )["last"]
    return (last or 0) + 1


def register_next_numbers(*, documents: list[Document], day: date) -> list[str]:
    """The numbers approving the documents now, in this order, would take (shown before
    approving; another approval of the same issuer in between takes them first)."""
    term = term_start_for(day)
    taken: dict[tuple[int, str], int] = {}
    numbers = []
    for document in documents:
        key = (document.issuer_id, document.kind)
        if key not in taken:
            taken[key] = _next_sequence(issuer_id=key[0], kind=key[1], term=term) - 1
        taken[key] += 1
        number = format_number(sequence=taken[key], kind=document.kind, issuer=document.issuer)
        numbers.append(number)
    return numbers


def register_next_number(*, document: Document, day: date) -> str:
    """The number approving this one document now would take."""
    return register_next_numbers(documents=[document], day=day)[0]


def register_open_require(issuer: Organisation, day: date) -> None:
    """Refuse a number from the register of an organisation that has ended: its register is
    closed for good, and its numbers are never given again (its successor keeps its own)."""
    if issuer.valid_to is not None and day >= issuer.valid_to:
        raise ValidationError(
            _(
                "%(org)s đã kết thúc hoạt động từ ngày %(day)s: sổ văn bản của đơn vị đã khóa, "
                "không cấp thêm số. Văn bản mới do đơn vị kế thừa ban hành."
            )
            % {"org": issuer.name, "day": issuer.valid_to.strftime("%d/%m/%Y")}
        )


def register_issue_number(*, document: Document, day: date) -> str:
    """Take the next number for the document; must run inside the approving transaction."""
    assert transaction.get_connection().in_atomic_block, "register needs a transaction"
    # Locking the issuer row serialises concurrent approvals of one issuer (PostgreSQL);
    # the unique constraint on the entry is the backstop everywhere.
    issuer = Organisation.objects.select_for_update().filter(pk=document.issuer_id).first()
    register_open_require(issuer, day)
    term = term_start_for(day)
    sequence = _next_sequence(issuer_id=document.issuer_id, kind=document.kind, term=term)
    RegisterEntry.objects.create(
        issuer_id=document.issuer_id,
        kind=document.kind,
        term_start=term,
        sequence=sequence,
        document=document,
    )
    return format_number(sequence=sequence, kind=document.kind, issuer=document.issuer)
