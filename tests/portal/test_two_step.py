"""Approvers sign in in two steps (password, then a code from an authenticator app)."""

from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.demo.tree import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.services.organisations import membership_grant
from tests.factories import APPROVE_NOW, make_document


@pytest.fixture(autouse=True)
def fresh_code_memory(db):
    """allauth accepts each code once and remembers used ones in the cache (a table of the
    database in the tests): start clean."""
    from django.core.cache import cache

    cache.clear()


def _demo_code(username: str, settings) -> str:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_code", username, stdout=out)
    return out.getvalue().strip()


def test_a_demo_approver_signs_in_with_password_then_code(client, users, settings):
    login = client.post(
        reverse("account_login"), {"login": "hp.approver", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 302
    assert login["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in by the password alone
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Xác thực hai bước" in page and "Hãy nhập mã từ ứng dụng xác thực" in page
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Mã không đúng." in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": _demo_code("hp.approver", settings)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(users["hp.approver"].pk)


def test_an_editor_signs_in_with_the_password_alone(client, users):
    login = client.post(
        reverse("account_login"), {"login": "doson.editor", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 302 and login["Location"] != reverse("mfa_authenticate")
    assert client.session["_auth_user_id"] == str(users["doson.editor"].pk)


def test_demo_code_prints_a_valid_code_for_demo_approvers_only(users, settings):
    code = _demo_code("hn.approver", settings)
    assert len(code) == 6 and validate_totp_code(DEMO_TOTP_SECRET, code)
    with pytest.raises(CommandError, match="không dùng khóa xác thực mẫu"):
        _demo_code("doson.editor", settings)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", "hp.approver", stdout=StringIO())


def test_an_approver_without_it_is_told_where_to_turn_it_on(client, users, orgs):
    approver = get_user_model().objects.create(username="hp.approver2")
    membership_grant(user=approver, organisation=orgs["hp"], role="approver")
    document = make_document(users, orgs, state="forwarded")
    client.force_login(approver)
    url = reverse("portal:document_detail", args=[document.pk])
    page = client.get(url).content.decode()
    assert 'id="two-step-needed"' in page and reverse("mfa_activate_totp") in page
    refused = client.post(reverse("portal:document_transition", args=[document.pk, "approve"]))
    assert refused.status_code == 409
    assert "đăng nhập hai bước" in refused.content.decode()
    client.force_login(users["hp.approver"])
    page = client.get(url).content.decode()
    assert 'id="two-step-needed"' not in page
    assert f'href="{reverse("mfa_index")}" id="nav-two-step"' in page  # always one click away


def test_the_activation_page_speaks_vietnamese(client, users, orgs):
    approver = get_user_model().objects.create(username="hp.approver3")
    approver.set_password(DEMO_PASSWORD)
    approver.save()
    membership_grant(user=approver, organisation=orgs["hp"], role="approver")
    login = {"login": "hp.approver3", "password": DEMO_PASSWORD}
    assert client.post(reverse("account_login"), login).status_code == 302
    asked = client.get(reverse("mfa_activate_totp"))  # the password again, first
    assert asked.status_code == 302 and asked["Location"].startswith(
        reverse("account_reauthenticate")
    )
    confirm = client.get(asked["Location"]).content.decode()
    assert "Xác nhận lại" in confirm and "Nhập mật khẩu của bạn" in confirm
    wrong = client.post(asked["Location"], {"password": "sai"}).content.decode()
    assert "Mật khẩu không đúng." in wrong
    again = client.post(asked["Location"], {"password": DEMO_PASSWORD})
    assert again.status_code == 302
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Bật ứng dụng xác thực" in page and "quét mã QR" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, in the page itself


def test_approving_needs_the_code_in_this_session_not_only_an_authenticator(
    client, users, orgs, settings
):
    document = make_document(users, orgs, state="forwarded")
    url = reverse("portal:document_transition", args=[document.pk, "approve"])
    client.force_login(users["hp.approver"])  # as with the password alone
    asked = client.post(url)
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("mfa_reauthenticate"))
    document.refresh_from_db()
    assert document.status == "submitted"
    page = client.get(asked["Location"]).content.decode()
    assert "Nhập mã từ ứng dụng xác thực" in page and "Dùng mật khẩu" in page
    confirmed = client.post(asked["Location"], {"code": _demo_code("hp.approver", settings)})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("portal:document_detail", args=[document.pk])
    assert client.post(url, APPROVE_NOW).status_code == 302
    document.refresh_from_db()
    assert document.status == "published"


def test_loading_the_demo_never_gives_an_existing_account_the_demo_key(db):
    from portal.access import has_two_step
    from portal.services.demo import demo_tree_load

    existing = get_user_model().objects.create(username="hp.approver")
    _orgs, users = demo_tree_load()
    assert users["hp.approver"] == existing and not has_two_step(existing)
    assert has_two_step(users["hn.approver"])  # created by the demo: the demo key
