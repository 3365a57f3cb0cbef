"""Template helpers for what the menus offer to whom."""

from django import template

from portal.access import held_roles
from portal.access import reads_only as _reads_only
from portal.models import Membership

register = template.Library()


@register.filter
def reads_only(user) -> bool:
    """A cell secretary and nothing else: the menu offers reading, not the staff's lists."""
    return _reads_only(user)


@register.filter
def administers(user) -> bool:
    """A superuser or an administrator of part of the tree: the menu offers reorganising."""
    if getattr(user, "is_superuser", False):
        return True
    return any(h.role == Membership.Role.ADMIN for h in held_roles(user))
