"""What an import kept of a corpus file: the draft compared with what a reader saw in Word."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from portal.body import parse_body
from portal.importing import ImportRefused
from portal.services.imports import document_import
from tests.corpus.content import CorpusFile, nfc, words

MARKUP = ("**", "<", "&lt;", "&gt;")
WORDS_IN_DRAFT = 0.995  # the "Done means": at least 99.5% of the words in every draft


@dataclass
class Measure:
    name: str
    features: list[str]
    damaged: bool
    refusal: str = ""  # the Vietnamese message of a refused file
    error: str = ""  # anything else the import raised
    words_total: int = 0
    words_found: int = 0
    words_accounted: int = 0
    absent: list[str] = field(default_factory=list)  # not in the draft
    missing: list[str] = field(default_factory=list)  # neither in the draft nor the report
    footnotes_expected: int = 0
    footnotes_found: int = 0
    footnotes_lost: list[str] = field(default_factory=list)
    signer: tuple[str, str, str] = ("", "", "")
    signer_expected: tuple[str, str, str] = ("", "", "")
    recipients: list[str] = field(default_factory=list)
    recipients_expected: list[str] = field(default_factory=list)
    tables_expected: int = 0
    tables_kept: int = 0
    markup: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not (self.refusal or self.error)

    @property
    def share_found(self) -> float:
        return self.words_found / self.words_total if self.words_total else 1.0

    @property
    def share_accounted(self) -> float:
        return self.words_accounted / self.words_total if self.words_total else 1.0


def _squash(text: str) -> str:
    return " ".join(nfc(text).split())


def _recipient(text: str) -> str:
    return _squash(re.sub(r"^\s*[-–•+]\s*", "", text)).rstrip(",;.")


def _found(expected: Counter, present: Counter) -> int:
    return sum(min(count, present[word]) for word, count in expected.items())


def measure(file: CorpusFile, *, issuer, actor) -> Measure:
    """Import the file's bytes as the upload form does, and compare the draft with the truth."""
    truth = file.truth
    result = Measure(file.name, file.features, truth.damaged)
    result.words_total = len(truth.words)
    result.footnotes_expected = len(truth.footnotes)
    result.signer_expected = (truth.authority, truth.signer_title, truth.signer_name)
    result.recipients_expected = [_recipient(r) for r in truth.recipients]
    result.tables_expected = len(truth.tables)
    try:
        document, notes = document_import(
            kind=file.kind, issuer=issuer, actor=actor, data=file.data
        )
    except ImportRefused as exc:
        result.refusal = str(exc)
        return result
    except Exception as exc:  # noqa: BLE001 - a crash is a result of the corpus, not its end
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.notes = list(notes)
    body = parse_body(document.current_revision.body_html)
    fields = [
        document.title,
        document.recipients,
        document.authority_line,
        document.signer_title,
        document.signer_name,
    ]
    draft_text = "\n".join([*fields, body.text])
    expected = Counter(truth.words)
    in_draft = Counter(words(draft_text))
    in_report = Counter(words("\n".join(notes)))
    result.words_found = _found(expected, in_draft)
    accounted = in_draft + in_report
    result.words_accounted = _found(expected, accounted)
    result.absent = sorted((expected - in_draft).elements())
    result.missing = sorted((expected - accounted).elements())
    drafted_notes = [_squash(note) for note in body.footnotes]
    result.footnotes_found = len(drafted_notes)
    result.footnotes_lost = [
        note for note in truth.footnotes if not any(_squash(note) in d for d in drafted_notes)
    ]
    result.signer = (
        _squash(document.authority_line),
        _squash(document.signer_title),
        _squash(document.signer_name),
    )
    result.recipients = [_recipient(r) for r in document.recipients.splitlines() if r.strip()]
    drafted_tables = [
        [[(_squash(cell.text), cell.colspan, cell.rowspan) for cell in row] for row in t.rows]
        for t in body.tables
    ]
    result.tables_kept = sum(
        any(_same_table(table, drafted) for drafted in drafted_tables) for table in truth.tables
    )
    result.markup = [mark for mark in MARKUP if mark in draft_text]
    return result


def _same_table(expected, drafted) -> bool:
    rows = [
        [(_squash(text), colspan, rowspan) for text, colspan, rowspan in row] for row in expected
    ]
    return rows == drafted


# --- the checks, one per property ---------------------------------------------------------


def check(measure_: Measure, name: str) -> None:
    """Assert one property of one file; the message says what was lost."""
    CHECKS[name](measure_)


def _imported(m: Measure) -> None:
    assert m.imported, f"{m.name}: not imported: {m.refusal or m.error}"


def words_in_draft(m: Measure) -> None:
    _imported(m)
    assert m.share_found >= WORDS_IN_DRAFT, (
        f"{m.name}: {m.share_found:.2%} of {m.words_total} words in the draft; "
        f"not in it: {m.absent[:30]}"
    )


def words_accounted(m: Measure) -> None:
    _imported(m)
    assert not m.missing, f"{m.name}: words neither in the draft nor the report: {m.missing[:40]}"


def no_markup(m: Measure) -> None:
    _imported(m)
    assert not m.markup, f"{m.name}: literal markup {m.markup} in the draft"


def footnotes(m: Measure) -> None:
    _imported(m)
    assert (m.footnotes_found, m.footnotes_lost) == (m.footnotes_expected, []), (
        f"{m.name}: {m.footnotes_found} footnotes for {m.footnotes_expected}; "
        f"lost: {m.footnotes_lost}"
    )


def signer(m: Measure) -> None:
    _imported(m)
    assert m.signer == m.signer_expected, f"{m.name}: signer {m.signer}, not {m.signer_expected}"


def recipients(m: Measure) -> None:
    _imported(m)
    assert m.recipients == m.recipients_expected, (
        f"{m.name}: recipients {m.recipients}, not {m.recipients_expected}"
    )


def spans(m: Measure) -> None:
    _imported(m)
    assert m.tables_kept == m.tables_expected, (
        f"{m.name}: {m.tables_kept} of {m.tables_expected} tables kept with their spans"
    )


def handled(m: Measure) -> None:
    """A damaged file is refused with a message, or imported with a report saying what failed."""
    assert not m.error, f"{m.name}: the import crashed: {m.error}"
    assert m.refusal or m.notes, f"{m.name}: imported without a word in the report"


CHECKS = {
    "words_in_draft": words_in_draft,
    "words_accounted": words_accounted,
    "no_markup": no_markup,
    "footnotes": footnotes,
    "signer": signer,
    "recipients": recipients,
    "spans": spans,
    "handled": handled,
}


def checks_for(*, damaged: bool, notes: int, tables: int) -> list[str]:
    """The checks that apply to a file: a damaged one is only checked for its refusal."""
    if damaged:
        return ["handled"]
    names = ["words_in_draft", "words_accounted", "no_markup", "signer", "recipients"]
    if notes:
        names.append("footnotes")
    if tables:
        names.append("spans")
    return names


# --- the results table ----------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _unread(m: Measure) -> str:
    return f" ({len(m.footnotes_lost)} not as typed)" if m.footnotes_lost else ""


def table(measures: list[Measure]) -> str:
    """The results as a Markdown table, one row per file."""
    lines = [
        "| file | written with | words in draft | accounted | footnotes | signer | recipients "
        "| tables with spans | no markup | report notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in measures:
        how = ", ".join(m.features)
        if m.damaged:
            outcome = (
                "refused: " + m.refusal[:60]
                if m.refusal
                else (f"crashed: {m.error[:60]}" if m.error else f"imported, {len(m.notes)} notes")
            )
            lines.append(f"| {m.name} | {how} | {outcome} | | | | | | | |")
            continue
        if not m.imported:
            outcome = ("refused: " + m.refusal[:80]) if m.refusal else f"crashed: {m.error[:80]}"
            lines.append(f"| {m.name} | {how} | **{outcome}** | | | | | | | |")
            continue
        lines.append(
            f"| {m.name} | {how} | {m.share_found:.1%} | {m.share_accounted:.1%} "
            f"| {m.footnotes_found}/{m.footnotes_expected}{_unread(m)} "
            f"| {_mark(m.signer == m.signer_expected)} "
            f"| {_mark(m.recipients == m.recipients_expected)} "
            f"| {m.tables_kept}/{m.tables_expected} | {_mark(not m.markup)} | {len(m.notes)} |"
        )
    return "\n".join(lines).replace(".0%", "%") + "\n"
