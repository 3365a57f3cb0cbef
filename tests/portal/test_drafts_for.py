"""Who drafts in whose name (portal.access.drafts_for)."""

from django.contrib.auth import get_user_model

from portal.access import drafts_for
from portal.models import Membership, Organisation
from portal.services.organisations import membership_grant, organisation_create


def _codes(user) -> list[str]:
    by_id = Organisation.objects.in_bulk(drafts_for(user))
    return [by_id[pk].code for pk in drafts_for(user)]


def _fresh_editor(username: str, organisation: Organisation):
    user = get_user_model().objects.create(username=username)
    membership_grant(user=user, organisation=organisation, role=Membership.Role.EDITOR)
    return user


def test_an_editor_drafts_for_the_department_and_its_committee(users):
    assert _codes(users["doson.editor"]) == ["doson-btg", "doson"]
    assert _codes(users["ngoquyen.editor"]) == ["ngoquyen-btg", "ngoquyen"]


def test_heads_approvers_and_readers_draft_for_nobody(users):
    for persona in ("doson.head", "hp.approver", "vanhuong.secretary", "hn.approver"):
        assert drafts_for(users[persona]) == [], persona


def test_only_a_committee_above_a_department_is_added(orgs):
    section = organisation_create(
        code="hp-btg-bao-chi",
        name="Phòng Báo chí, Xuất bản",
        kind=Organisation.Kind.DEPARTMENT,
        parent=orgs["hp-btg"],
    )
    assert _codes(_fresh_editor("bao-chi.editor", section)) == ["hp-btg-bao-chi"]
    assert _codes(_fresh_editor("doson.committee.editor", orgs["doson"])) == ["doson"]


def test_editing_for_two_departments_lists_both_once(users, orgs):
    editor = users["doson.editor"]
    membership_grant(user=editor, organisation=orgs["doson"], role=Membership.Role.EDITOR)
    membership_grant(user=editor, organisation=orgs["ngoquyen-btg"], role=Membership.Role.EDITOR)
    editor = get_user_model().objects.get(pk=editor.pk)  # memberships are cached per object
    assert sorted(_codes(editor)) == ["doson", "doson-btg", "ngoquyen", "ngoquyen-btg"]
