"""Kinds are plug-ins: a throw-away fourth kind (tests/plan_kind, added by the test settings)
goes through creation, review, approval, rendering and export without the core naming it."""

import json
import subprocess

from django.urls import reverse

from portal.kinds import KINDS, Kind, register
from portal.models import Document
from tests.factories import APPROVE_NOW, login_two_step, run_tasks


def _pdf_text(client, document) -> str:
    response = client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert response.status_code == 302, response.content[:300]
    download = client.get(response["Location"])
    pdf = b"".join(download.streaming_content)
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_three_kinds_and_the_plan_are_registered_by_their_apps():
    assert list(KINDS) == ["bulletin", "guidance", "report", "plan"]
    assert KINDS["plan"].model._meta.label == "plan_kind.Plan"


def test_registering_another_kind_under_a_taken_name_is_refused():
    clash = Kind(**{**KINDS["plan"].__dict__, "code": "XX"})
    try:
        register(clash)
    except ValueError as exc:
        assert "plan" in str(exc)
    else:
        raise AssertionError("a second kind named 'plan' was accepted")
    assert KINDS["plan"].code == "KH"


def test_a_fourth_kind_walks_from_draft_to_json(client, users, orgs):
    editor, head, approver = users["doson.editor"], users["doson.head"], users["hp.approver"]
    client.force_login(editor)
    listing = client.get(reverse("portal:document_list")).content.decode()
    assert reverse("portal:document_new", args=["plan"]) in listing and "Kế hoạch mới" in listing
    new_url = reverse("portal:document_new", args=["plan"])
    form = client.get(new_url).content.decode()
    assert "II. NHIỆM VỤ" in form  # the kind's own prefill
    response = client.post(
        new_url,
        {
            "issuer": orgs["doson-btg"].pk,
            "title": "Kế hoạch tuyên truyền năm 2027",
            "body": "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2><p>Nội dung kế hoạch.</p>",
            "year": 2027,
            # The closing the official format requires before a document can be submitted.
            "recipients": "Các chi bộ trực thuộc\nLưu BTG",
            "signer_name": "Nguyễn Văn A",
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(kind="plan")
    assert document.plan.year == 2027
    assert document.get_kind_display() == "Kế hoạch"

    def act(user, action):
        if user == approver:
            login_two_step(client, user)
        else:
            client.force_login(user)
        url = reverse("portal:document_transition", args=[document.pk, action])
        assert client.post(url, APPROVE_NOW if action == "approve" else {}).status_code == 302

    act(editor, "submit")
    act(head, "forward")
    act(approver, "approve")
    document.refresh_from_db()
    assert (document.status, document.number) == ("published", "1-KH/BTGQU")
    run_tasks()
    text = _pdf_text(client, document)
    assert "KẾ HOẠCH" in text and "Số 1-KH/BTGQU" in text and "Nội dung kế hoạch." in text
    data = json.loads(client.get(reverse("portal:document_json", args=[document.pk])).content)
    assert (data["kind"], data["year"], data["number"]) == ("plan", 2027, "1-KH/BTGQU")
    detail = client.get(reverse("portal:document_detail", args=[document.pk])).content.decode()
    assert "Kế hoạch" in detail and 'id="indicators"' not in detail
