"""Writes to the organisation tree and memberships."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from portal.models import Membership, Organisation


@transaction.atomic
def organisation_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    parent_line: str = "",
    print_name: str = "",
    symbol: str = "",
    place: str = "",
) -> Organisation:
    """Create an organisation under its parent and give it its materialised path."""
    organisation = Organisation.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        parent_line=parent_line,
        print_name=print_name,
        symbol=symbol,
        place=place,
    )
    organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
    organisation.save(update_fields=["path"])
    return organisation


def membership_grant(
    *, user: AbstractBaseUser, organisation: Organisation, role: str
) -> Membership:
    """Give a user a role in an organisation (idempotent)."""
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership
