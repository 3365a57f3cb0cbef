"""Reader of plain text (.txt, UTF-8): a block per line, the text's markers kept as written."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from portal.importing.blocks import (
    NOT_READABLE,
    Block,
    ImportRefused,
    SourceDocument,
    split_lines,
)


def decode_text(data: bytes) -> str:
    """The text of a UTF-8 upload; raises ImportRefused when it is not plain text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(NOT_READABLE) from exc
    if "\x00" in text:
        raise ImportRefused(NOT_READABLE)
    if not text.strip():
        raise ImportRefused(gettext_noop("Tệp không có nội dung."))
    return text


def read_text(text: object, *, layout_repairs: bool = True) -> SourceDocument:
    """The blocks of a plain text; anything that is not a string is read as its str()."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    blocks = [Block(line) for line in split_lines(text)]
    return SourceDocument(blocks, layout_repairs=layout_repairs)
