"""Who holds which role where: memberships read once per request and cached on the user."""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Q

from portal.models import Document, Membership, Organisation


@dataclass(frozen=True)
class Held:
    """One membership, with the path and kind of its organisation and its parent's kind."""

    organisation_id: int
    role: str
    path: str
    kind: str
    parent_kind: str | None = None
    # The organisations succeeded by this one and by its parent (reorganisations), and by it
    # or any above it (see Organisation.heritage).
    heritage: str = ""
    parent_heritage: str = ""
    reading_heritage: str = ""

    @property
    def ancestor_ids(self) -> list[int]:
        return _ids(self.path)

    @property
    def reading_ids(self) -> list[int]:
        """Whose published documents this membership reads: its organisation, those above
        it, and the organisations they succeeded (a cell moved from a dissolved district to
        a ward still reads the district's archive)."""
        return self.ancestor_ids + _ids(self.reading_heritage)

    @property
    def approved_city(self) -> int | None:
        """The city this membership approves for: an approver of the city committee itself
        or of its propaganda department (a district committee under it does not count)."""
        if self.role != Membership.Role.APPROVER:
            return None
        ancestors = self.ancestor_ids
        city_level = len(ancestors) == 1 or (
            len(ancestors) == 2 and self.kind == Organisation.Kind.DEPARTMENT
        )
        return ancestors[0] if city_level else None


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def held_roles(user) -> list[Held]:
    """The user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_portal_held", None)
    if cached is None:
        cached = [
            Held(*values)
            for values in Membership.objects.filter(user=user).values_list(
                "organisation_id",
                "role",
                "organisation__path",
                "organisation__kind",
                "organisation__parent__kind",
                "organisation__heritage",
                "organisation__parent__heritage",
                "organisation__reading_heritage",
            )
        ]
        user._portal_held = cached
    return cached


def reads_only(user) -> bool:
    """A cell secretary and nothing else: every membership is a reader's."""
    held = held_roles(user)
    return bool(held) and all(h.role == Membership.Role.READER for h in held)


def holds(user, role: str, organisation_id: int) -> bool:
    """Whether the user holds the role in exactly this organisation."""
    return any(h.role == role and h.organisation_id == organisation_id for h in held_roles(user))


def works_for(user, roles) -> list[int]:
    """The issuers whose documents the user works on in one of the roles: where they hold
    it, and the committee a department they hold it in belongs to (a Ban Tuyên giáo drafts
    and reviews the committee's own documents, like the city report "Số 1-BC/TU")."""
    ids = []
    for h in held_roles(user):
        if h.role not in roles:
            continue
        ids.append(h.organisation_id)
        if h.kind == Organisation.Kind.DEPARTMENT and h.parent_kind == Organisation.Kind.COMMITTEE:
            ids.append(h.ancestor_ids[-2])
    return list(dict.fromkeys(ids))


def inherited_for(user, roles) -> list[int]:
    """The organisations succeeded by those the user works for in one of the roles: their
    archive is the user's department's archive (read, never issued in)."""
    ids = []
    for h in held_roles(user):
        if h.role not in roles:
            continue
        ids += _ids(h.heritage)
        if h.kind == Organisation.Kind.DEPARTMENT and h.parent_kind == Organisation.Kind.COMMITTEE:
            ids += _ids(h.parent_heritage)
    return list(dict.fromkeys(ids))


def drafts_for(user) -> list[int]:
    """The organisations the user may draft documents for (see ``works_for``)."""
    return works_for(user, {Membership.Role.EDITOR})


def root_id(organisation: Organisation) -> int:
    """The city (root) an organisation belongs to."""
    return organisation.ancestor_ids[0]


def approves_city(user, city_id: int) -> bool:
    """Whether the user approves for the city (see ``Held.approved_city``)."""
    return any(h.approved_city == city_id for h in held_roles(user))


def is_city_document(document: Document) -> bool:
    """A document whose audience is the whole city (its audience is the root committee)."""
    return document.audience.parent_id is None


# Every document is reviewed by the head of the department that wrote it, then approved for
# the city. Which steps apply is decided at submission from who holds them (``chain_for``)
# and kept on the document, so a later appointment does not move a document under review.
FULL_CHAIN = [Membership.Role.HEAD, Membership.Role.APPROVER]


def review_chain_of(issuer: Organisation) -> list[str]:
    """The review roles of the issuer's documents, in order: the chain set on the nearest
    organisation at or above it (data: a province sets each level's without code), else
    FULL_CHAIN."""
    chains = dict(
        Organisation.objects.filter(pk__in=issuer.ancestor_ids)
        .exclude(review_chain="")
        .values_list("pk", "review_chain")
    )
    nearest = next((chains[pk] for pk in reversed(issuer.ancestor_ids) if pk in chains), "")
    return nearest.split(",") if nearest else list(FULL_CHAIN)


def approval_chain(document: Document) -> list[str]:
    """The review steps in order, as fixed when the document was submitted."""
    if document.chain:
        return document.chain.split(",")
    return list(FULL_CHAIN)


def _head_organisations(issuer: Organisation) -> Q:
    """The head step of an issuer is held in the issuer, or, for a committee, in the
    departments under it that draft in its name."""
    return Q(organisation_id=issuer.pk) | Q(
        organisation__parent_id=issuer.pk, organisation__kind=Organisation.Kind.DEPARTMENT
    )


def _city_organisations(city_id: int) -> Q:
    """Where a city approver sits (see ``Held.approved_city``)."""
    return Q(organisation_id=city_id) | Q(
        organisation__parent_id=city_id, organisation__kind=Organisation.Kind.DEPARTMENT
    )


def step_holders(document: Document, role: str):
    """The users who hold a review role for the document (whatever they did to it)."""
    where = (
        _head_organisations(document.issuer)
        if role == Membership.Role.HEAD
        else _city_organisations(root_id(document.issuer))
    )
    user_ids = Membership.objects.filter(where, role=role).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username")


def holds_step(user, document: Document, step: int) -> bool:
    """Whether the user holds the role of the given (1-based) step of the document."""
    chain = approval_chain(document)
    if not 1 <= step <= len(chain):
        return False
    if chain[step - 1] == Membership.Role.HEAD:
        return document.issuer_id in works_for(user, {Membership.Role.HEAD})
    return approves_city(user, root_id(document.issuer))


def has_two_step(user) -> bool:
    """Whether the user signs in with an authenticator app (TOTP) as well as a password."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def signed_in_two_step(request) -> bool:
    """Whether this session's sign-in (or a later re-confirmation) included the app's code:
    having an authenticator is not enough when only the password was typed here."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)
