"""The one allow-list every stored body passes through (on save and on import)."""

import nh3
from django.conf import settings

_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sup", "sub", "span",
    "h2", "h3", "h4", "h5", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "a", "img",
}  # fmt: skip
_ATTRIBUTES = {
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_CLASSES = {
    "span": {"footnote"},
    "p": {"item-dash", "item-plus", "item-num", "unplaced", "appendix-title"},
    "h2": {"appendix"},
    "td": {"num"},
    "figure": {"image", "table"},
}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep image sources only when they point at the portal's own uploaded images."""
    if tag == "img" and attribute == "src":
        prefix = f"{settings.MEDIA_URL}images/"
        if not value.startswith(prefix) or ".." in value or "\\" in value:
            return None
    return value


def sanitize_html(html: str) -> str:
    """Return the body with only allowed tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
