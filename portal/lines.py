"""The lines an organisation prints on its documents, as they were on a given day."""

import dataclasses
from dataclasses import dataclass
from datetime import date

from portal.models import Organisation


@dataclass(frozen=True)
class Lines:
    """What an organisation prints on a document: header lines, number symbol, place."""

    name: str
    parent_line: str
    print_name: str
    symbol: str
    place: str


def printed_lines(organisation: Organisation, day: date) -> Lines:
    """The lines the organisation printed on that day: a former set while it was in use
    (before its ``until``), else the current ones."""
    fields = [f.name for f in dataclasses.fields(Lines)]
    former = organisation.former_lines.filter(until__gt=day).order_by("until").first()
    return Lines(**{name: getattr(former or organisation, name) for name in fields})
