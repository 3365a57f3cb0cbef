"""Template helpers for what the menus offer to whom."""

from django import template

from portal.access import reads_only as _reads_only

register = template.Library()


@register.filter
def reads_only(user) -> bool:
    """A cell secretary and nothing else: the menu offers reading, not the staff's lists."""
    return _reads_only(user)
