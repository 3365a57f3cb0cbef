"""Every stored body passes the one allow-list (``portal.allowlist``), on save and on import."""

import re
import unicodedata

import nh3
from django.conf import settings

from portal.allowlist import sanitizer_rules

# Characters XML (and so Word and the PDF's metadata) cannot hold: C0 controls other than
# tab, newline and carriage return, lone surrogates, U+FFFE/U+FFFF. Word's manual line
# break arrives as a vertical tab when pasted as text; it and the form feed become spaces.
_XML_INVALID = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\x0b\x0c]")
# Uploaded images: images/<year>/<month>/<32 hex>.<ext>, nothing else (no %2e%2e, no ..).
_IMAGE_NAME = re.compile(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.(?:jpg|png|gif|webp)")
# A merged table cell spans 1 to 50 rows or columns (the importer's own limits).
_SPAN = re.compile(r"[1-9][0-9]?")
MAX_SPAN = 50

_RULES = sanitizer_rules()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep image sources only when they point at the portal's own uploaded images, and
    table spans only when they are whole numbers from 1 to 50."""
    if attribute in ("colspan", "rowspan"):
        value = value.strip()
        return value if _SPAN.fullmatch(value) and int(value) <= MAX_SPAN else None
    if tag == "img" and attribute == "src":
        name = value.removeprefix(settings.MEDIA_URL)
        if name == value or not _IMAGE_NAME.fullmatch(name):
            return None
    return value


def xml_safe(text: str) -> str:
    """The text in Unicode NFC, without the characters no XML document can hold.

    NFC because text pasted from some Mac and web sources is decomposed ("ế" as "e" and two
    marks): stored that way it would not match a search, a heading or a type name.
    """
    return unicodedata.normalize("NFC", _XML_INVALID.sub("", _BREAKS.sub(" ", text)))


def sanitize_html(html: str) -> str:
    """Return the body with only allowed tags, attributes, classes and URL schemes.

    ``xml_safe`` runs on the result too: the cleaner turns character references such as
    ``&#11;`` back into the characters themselves.
    """
    cleaned = nh3.clean(
        xml_safe(html),
        tags=_RULES.tags,
        attributes=_RULES.attributes,
        allowed_classes=_RULES.classes,
        url_schemes=_RULES.url_schemes,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return xml_safe(cleaned)
