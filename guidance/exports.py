"""A report's indicator rows in the document as data (JSON)."""

from typing import Any

from guidance.kinds import REPORT
from guidance.selectors import indicator_lines
from portal.models import Document


def _decimal(value) -> str | None:
    """Exact decimal as text, without the storage's trailing zeros ("116442.134")."""
    return None if value is None else format(value.normalize(), "f")


def _ratio(check) -> dict[str, Any]:
    return {
        "value": check.display,
        "status": check.status,
        "reported": _decimal(check.reported),
        "typed": check.typed,  # the reported ratio as the report typed it
        "printed": check.printed,
        "flagged": check.flagged,
        "note": check.note,
    }


def indicators_of(document: Document) -> list[dict[str, Any]]:
    """A report's indicator rows: exact figures as decimal strings, ratios computed, and
    what the appendix prints (as typed)."""
    if document.kind != REPORT:
        return []
    rows = []
    for line in indicator_lines(document):
        row = line.indicator
        rows.append(
            {
                "code": row.code,
                "name": row.name,
                "unit": row.unit,
                "level": line.level,
                "plan": [_decimal(row.plan_low), _decimal(row.plan_high)],
                "plan_printed": line.plan_text,
                "estimate_printed": line.estimate_text,
                "estimate": _decimal(row.estimate),
                "same_period_last_year": _decimal(row.same_period),
                "same_period_ratio": _ratio(line.same_period_check),
                "plan_ratio": _ratio(line.plan_check),
            }
        )
    return rows
