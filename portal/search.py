"""Search over what a user may read: one query, the same results on SQLite and PostgreSQL.

A document's words are kept folded (``fold``: no accents, đ as d, lower case, anything but
letters and digits as spaces), one character for one, so "tuyen truyen" finds "Tuyên
truyền" and a match found in the folded words is at the same place in the text as written.
A document matches when every term of the query begins one of its words. PostgreSQL reads
that from its full-text index ('simple' configuration, prefix terms); SQLite, which has no
such index here, compares the words themselves; both answer the same question.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.models import Document, SearchEntry

MAX_QUERY = 200  # characters of a query read; the box takes no more
MAX_TERMS = 8  # a longer query is cut: more terms only narrow an already narrow search
SNIPPET = 90  # characters of context either side of the first match


class _Fold(dict):
    """``str.translate`` table folding each character to one: its base letter or digit in
    lower case, else a space. Filled on first sight of each character."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if char in "đĐ":
            base = "d"
        folded = base if base.isascii() and base.isalnum() else " "
        self[code] = ord(folded)
        return self[code]


_FOLD = _Fold()


def fold(text: str) -> str:
    """``text`` in NFC folded one character for one (see the module's docstring)."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def terms_of(query: str) -> list[str]:
    """The query's terms, folded, in order, each once, at most ``MAX_TERMS``."""
    return list(dict.fromkeys(fold(query).split()))[:MAX_TERMS]


def entry_fields(*, title: str, number: str, body_text: str) -> dict[str, str]:
    """What a document's search entry keeps (portal.models.SearchEntry)."""
    lines = (
        " ".join(title.split()),
        " ".join(number.split()),
        body_text,
    )  # two lines, then the body
    text = unicodedata.normalize("NFC", "\n".join(lines))
    return {
        "text": text,
        "words": " " + fold(text),
        "title_words": " " + fold(title),
        "number_words": " ".join(fold(number).split()),
    }


def _all_in(field: str, terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{field}__contains": f" {term}"})
    return condition


def matching_entries(terms: list[str]) -> QuerySet[SearchEntry]:
    """The entries holding a word beginning with each term."""
    if connection.vendor == "postgresql":
        # The indexed vector of migration 0018; terms are letters and digits only.
        query = " & ".join(f"{term}:*" for term in terms)
        condition = RawSQL(
            "words_vector @@ to_tsquery('simple'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
        return SearchEntry.objects.filter(condition)
    return SearchEntry.objects.filter(_all_in("words", terms))


def search(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    """The documents (already scoped to the user) matching the query, best first: the one
    whose number is the query, then those with every term in the title, then the newest."""
    terms = terms_of(query)
    if not terms:
        return documents.none()
    entries = matching_entries(terms).values("document_id")
    rank = Case(
        When(search_entry__number_words=" ".join(terms), then=Value(2)),
        When(_all_in("search_entry__title_words", terms), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        documents.filter(pk__in=entries)
        .annotate(search_rank=rank)
        .order_by("-search_rank", F("published_at").desc(nulls_last=True), "-updated_at", "-pk")
    )


@dataclass(frozen=True)
class Hit:
    document: Document
    title: SafeString  # the title, the words beginning with a term in <mark>
    snippet: SafeString  # the text around the first match, likewise


def _finder(terms: list[str]) -> re.Pattern:
    """Finds, in folded words, each word beginning with one of the terms."""
    return re.compile(r"(?<= )(?:" + "|".join(re.escape(t) for t in terms) + r")[a-z0-9]*")


def _marked(text: str, words: str, begin: int, end: int, found: re.Pattern) -> str:
    """``text[begin:end]`` escaped, the words found in <mark>; ``words`` is " " + folded text,
    so ``text[i]`` is ``words[i + 1]``."""
    pieces, position = [], begin
    for match in found.finditer(words, begin + 1, end + 1):
        left, right = match.start() - 1, match.end() - 1
        pieces += [escape(text[position:left]), f"<mark>{escape(text[left:right])}</mark>"]
        position = right
    pieces.append(escape(text[position:end]))
    return " ".join("".join(pieces).split())


def highlighted(text: str, terms: list[str]) -> SafeString:
    """A short text (a title) with the words beginning with a term in <mark>."""
    line = _marked(text, " " + fold(text), 0, len(text), _finder(terms)) if terms else escape(text)
    return mark_safe(line)  # noqa: S308 - built of escaped text and <mark> tags only


def snippet(text: str, words: str, terms: list[str]) -> SafeString:
    """The passage of the entry's body (after its title and number lines) around the first
    word beginning with a term, every such word marked; the body's beginning when none is
    (a match in the title or the number)."""
    found = _finder(terms)
    body = text.find("\n", text.find("\n") + 1) + 1
    # The terms together in order if they are somewhere, else the first of any of them.
    phrase = re.compile(r"(?<= )" + " +".join(re.escape(t) + "[a-z0-9]*" for t in terms))
    first = phrase.search(words, body + 1) or found.search(words, body + 1)
    start = first.start() - 1 if first else body
    begin, end = max(body, start - SNIPPET), min(len(text), start + SNIPPET)
    while begin > body and words[begin] != " ":  # whole words only
        begin -= 1
    while end < len(text) and words[end + 1] != " ":
        end += 1
    line = _marked(text, words, begin, end, found)
    before, after = ("… " if begin > body else ""), (" …" if end < len(text) else "")
    return mark_safe(before + line + after)  # noqa: S308 - escaped text and <mark> tags only


def hits(page: list[Document], query: str) -> list[Hit]:
    """The page's documents with their snippets: one query for the page's entries."""
    terms = terms_of(query)
    entries = SearchEntry.objects.filter(document__in=[d.pk for d in page]).in_bulk()
    return [
        Hit(d, highlighted(d.title, terms), snippet(entries[d.pk].text, entries[d.pk].words, terms))
        for d in page
        if d.pk in entries
    ]
