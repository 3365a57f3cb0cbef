"""After publication: a correction keeps the number and both texts with their PDFs, the
reason shown on each; a recall leaves readers the reason, not the text. Those who had
received the document are told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.models import Notification, Receipt, RenderedFile, WorkflowEvent
from portal.search import search
from portal.selectors import documents_visible_to, published_for_reader
from portal.services.corrections import document_correct, document_recall
from tests.factories import BODY, login_two_step, make_document, run_tasks

CORRECTED = BODY.replace("Tuần lễ Cấp cao APEC", "Tuần lễ Cấp cao APEC 2024")
REASON = "Ghi thiếu năm của Tuần lễ Cấp cao."


@pytest.fixture
def received(client, users, orgs):
    """A published bulletin the secretary of Vạn Hương has downloaded."""
    document = make_document(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    client.get(reverse("portal:document_pdf", args=[document.pk]))
    assert Receipt.objects.get(document=document).received_at is not None
    return document


def _told(user, kind) -> list[str]:
    return list(Notification.objects.filter(user=user, kind=kind).values_list("message", flat=True))


def test_a_correction_keeps_the_number_and_both_texts_with_their_pdfs(client, users, received):
    first = received.approved_revision
    number = received.number
    approver = users["hp.approver"]
    revision = document_correct(document=received, actor=approver, title=received.title,
                                body_html=CORRECTED, reason=REASON,
                                base_revision=first.pk)  # fmt: skip
    # Until the corrected text is rendered, downloads wait for it (not "stuck").
    client.force_login(users["vanhuong.secretary"])
    assert client.get(reverse("portal:document_pdf", args=[received.pk])).status_code == 202
    # A second correction started from the first text would undo this one unseen: refused.
    with pytest.raises(ValidationError, match="vừa được người khác đính chính"):
        document_correct(document=received, actor=approver, title=received.title,
                         body_html=BODY, reason="x", base_revision=first.pk)  # fmt: skip
    run_tasks()
    received.refresh_from_db()
    assert received.number == number and received.status == "published"
    assert received.approved_revision == received.current_revision == revision
    assert RenderedFile.objects.filter(revision=first, format="pdf").exists()  # kept
    assert RenderedFile.objects.filter(revision=revision, format="pdf").exists()
    event = received.events.get(action=WorkflowEvent.Action.CORRECT)
    assert (event.reason, event.revision) == (REASON, revision)
    secretary = users["vanhuong.secretary"]
    assert _told(secretary, Notification.Kind.CORRECTED) == [
        f"Văn bản «{received.title}» (số {number}) đã được đính chính: {REASON}"
    ]

    client.force_login(secretary)
    page = client.get(reverse("portal:document_detail", args=[received.pk])).content.decode()
    assert 'id="corrected-banner"' in page and REASON in page and "APEC 2024" in page
    old_url = reverse("portal:document_issued", args=[received.pk, first.number])
    assert old_url in page
    old = client.get(old_url).content.decode()
    assert 'id="superseded-banner"' in old and REASON in old
    assert "APEC 2024" not in old and "Tuần lễ Cấp cao APEC" in old
    pdf = client.get(reverse("portal:document_issued_pdf", args=[received.pk, first.number]))
    assert pdf.status_code == 302  # to the kept file, through a signed link
    assert client.get(pdf["Location"]).status_code == 200
    # A revision the document was never issued with is nobody's to open.
    missing = reverse("portal:document_issued", args=[received.pk, revision.number + 5])
    assert client.get(missing).status_code == 404


def test_only_the_citys_approver_corrects_a_published_document_with_a_reason(users, orgs, received):
    with pytest.raises(PermissionDenied):
        document_correct(document=received, actor=users["doson.editor"], title="x",
                         body_html=CORRECTED, reason=REASON)  # fmt: skip
    with pytest.raises(ValidationError, match="lý do"):
        document_correct(document=received, actor=users["hp.approver"], title="x",
                         body_html=CORRECTED, reason="  ")  # fmt: skip
    draft = make_document(users, orgs)
    with pytest.raises(ValidationError, match="Chỉ văn bản đang ban hành"):
        document_recall(document=draft, actor=users["hp.approver"], reason=REASON)
    assert not received.events.filter(action=WorkflowEvent.Action.CORRECT).exists()


def test_the_correction_page_publishes_the_corrected_text(client, users, received):
    login_two_step(client, users["hp.approver"])
    url = reverse("portal:document_correct", args=[received.pk])
    page = client.get(url).content.decode()
    assert 'id="correction-form"' in page and "Tuần lễ Cấp cao APEC" in page
    refused = client.post(url, {"title": received.title, "body": CORRECTED, "reason": ""})
    assert (
        refused.status_code == 400
        and "Hãy ghi lý do để người đọc biết." in refused.content.decode()
    )
    response = client.post(url, {"title": received.title, "body": CORRECTED, "reason": REASON})
    assert response.status_code == 302
    received.refresh_from_db()
    assert "APEC 2024" in received.approved_revision.body_html


def test_a_recall_leaves_readers_the_reason_not_the_text(client, users, received):
    reason = "Văn bản ban hành nhầm đối tượng."
    document_recall(document=received, actor=users["hp.approver"], reason=reason)
    secretary = users["vanhuong.secretary"]
    assert _told(secretary, Notification.Kind.RECALLED) == [
        f"Văn bản «{received.title}» (số {received.number}) đã bị thu hồi: {reason}"
    ]
    client.force_login(secretary)
    page = client.get(reverse("portal:document_detail", args=[received.pk])).content.decode()
    assert 'id="recalled-banner"' in page and reason in page and 'id="text-recalled"' in page
    assert "Tuần lễ Cấp cao" not in page and 'id="download-pdf"' not in page
    assert client.get(reverse("portal:document_pdf", args=[received.pk])).status_code == 403
    assert client.get(reverse("portal:document_json", args=[received.pk])).status_code == 403
    assert not published_for_reader(secretary).filter(pk=received.pk).exists()  # library
    readable = documents_visible_to(secretary)
    assert not search(readable, "Tuần lễ Cấp cao").exists()  # its text is no longer searched
    assert list(search(readable, received.title)) == [received]  # its title still is
    client.force_login(users["doson.editor"])  # the issuing staff keep the text
    page = client.get(reverse("portal:document_detail", args=[received.pk])).content.decode()
    assert "Tuần lễ Cấp cao" in page and 'id="recalled-banner"' in page


def test_correcting_asks_for_the_apps_code_in_a_password_only_session(client, users, received):
    client.force_login(users["hp.approver"])  # the password alone
    response = client.get(reverse("portal:document_correct", args=[received.pk]))
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    response = client.post(reverse("portal:document_recall", args=[received.pk]), {"reason": "x"})
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    received.refresh_from_db()
    assert received.status == "published"


def test_a_recalled_reports_figures_are_no_longer_its_readers(client, users, orgs):
    from tests.guidance.test_indicators import make_report

    report = make_report(users, orgs, state="published")
    client.force_login(users["vanhuong.secretary"])
    url = reverse("guidance:indicator_list", args=[report.pk])
    assert client.get(url).status_code == 200
    page = client.get(reverse("portal:document_detail", args=[report.pk])).content.decode()
    assert url in page  # "Bảng chỉ tiêu", while it is published
    document_recall(document=report, actor=users["hp.approver"], reason="Số liệu sai.")
    assert client.get(url).status_code == 403
    page = client.get(reverse("portal:document_detail", args=[report.pk])).content.decode()
    assert url not in page
