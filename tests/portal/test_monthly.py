"""One bulletin per department and month: "Bản tin mới" opens the month's bulletin, a second
one is refused with nothing typed lost, and the month is this month, chosen in one control."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.models import Document
from portal.services.documents import document_create, document_update
from portal.services.monthly import MonthTaken, document_of_month
from tests.factories import make_document

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=VN)
NEW = reverse("portal:document_new", args=["bulletin"])
AUTOSAVE_NEW = reverse("portal:document_autosave_new", args=["bulletin"])
TYPED = "<h2>I. ĐỐI NGOẠI</h2><p>Đoạn vừa gõ, không được mất.</p>"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _bulletin(users, orgs, *, month=12, year=2026, issuer="doson-btg", editor="doson.editor"):
    return document_create(
        kind="bulletin",
        issuer=orgs[issuer],
        actor=users[editor],
        title=f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {month:02d} NĂM {year}",
        body_html="<p>Nội dung.</p>",
        kind_fields={"period_month": month, "period_year": year},
    )


def _post(orgs, *, month=12, year=2026):
    return {
        "issuer": orgs["doson-btg"].pk,
        "title": f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {month:02d} NĂM {year}",
        "body": TYPED,
        "period_month": month,
        "period_year": year,
        "signer_name": "Nguyễn Văn A",
    }


# -- the month: this month by default, chosen in one control ------------------------------


LAST_EVENING_OF_JANUARY = datetime(2027, 1, 31, 23, 30, tzinfo=VN)


@pytest.mark.parametrize(
    ("now", "month"), [(TODAY, "2026-12"), (LAST_EVENING_OF_JANUARY, "2027-01")]
)
def test_a_new_bulletin_is_for_this_month_chosen_in_one_month_control(client, users, now, month):
    with time_machine.travel(now, tick=False):
        client.force_login(users["doson.editor"])
        page = client.get(NEW).content.decode()
    year, number = month.split("-")
    assert f'name="thang" id="id_thang" value="{month}"' in page
    assert f"THÔNG TIN SINH HOẠT CHI BỘ THÁNG {number} NĂM {year}" in page
    assert page.count('type="month"') == 1
    assert f'<input type="hidden" name="period_month" value="{int(number)}"' in page
    assert f'<input type="hidden" name="period_year" value="{year}"' in page
    assert 'type="number" name="period_month"' not in page


# -- "Bản tin mới" for a month that has its bulletin opens that one -------------------------


def test_new_for_a_month_with_a_draft_opens_the_draft_to_edit(client, users, orgs):
    draft = _bulletin(users, orgs)
    client.force_login(users["doson.editor"])
    with time_machine.travel(TODAY, tick=False):
        response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:document_edit", args=[draft.pk])
    [message] = _messages(response)
    assert "Ban Tuyên giáo Quận ủy Đồ Sơn đã có bản tin tháng 12/2026 (bản nháp)" in message
    assert "mở bản tin đó để soạn tiếp" in message
    assert f'href="{NEW}?thang=2027-01"' in message and "Lập bản tin tháng 01/2027" in message
    assert Document.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "mở bản tin đó để soạn tiếp" in page and 'id="next-month"' in page


def test_new_for_a_month_asked_for_opens_that_months_returned_bulletin(client, users, orgs):
    from portal.services.workflow import document_return

    document = make_document(users, orgs, state="submitted")  # December 2024
    document_return(document=document, actor=users["doson.head"], reason="Bổ sung mục III.")
    client.force_login(users["doson.editor"])
    response = client.get(NEW, {"thang": "2024-12"})
    assert response["Location"] == reverse("portal:document_edit", args=[document.pk])
    assert "(bị trả lại)" in _messages(response)[0]


@pytest.mark.parametrize("state", ["submitted", "published"])
def test_new_for_a_month_whose_bulletin_cannot_be_edited_opens_its_page(client, users, orgs, state):
    document = make_document(users, orgs, state=state, render=False)  # December 2024
    client.force_login(users["doson.editor"])
    response = client.get(NEW, {"thang": "2024-12"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:document_detail", args=[document.pk])
    [message] = _messages(response)
    assert "không sửa được lúc này nên đây là trang của nó" in message
    assert document.get_status_display().lower() in message
    assert "Lập bản tin tháng 01/2025" in message


def test_another_month_another_department_and_another_kind_start_afresh(client, users, orgs):
    _bulletin(users, orgs)
    _bulletin(users, orgs, month=1, year=2027, issuer="ngoquyen-btg", editor="ngoquyen.editor")
    make_document(users, orgs, kind="guidance")
    client.force_login(users["doson.editor"])
    assert client.get(NEW, {"thang": "2027-01"}).status_code == 200
    assert client.get(reverse("portal:document_new", args=["guidance"])).status_code == 200
    plan = reverse("portal:document_new", args=["plan"])  # a kind not issued per month
    data = {"issuer": orgs["doson-btg"].pk, "title": "Kế hoạch năm 2027", "year": 2027}
    assert client.post(plan, data).status_code == 302
    assert client.post(plan, data).status_code == 302
    assert Document.objects.filter(kind="plan").count() == 2


# -- a second bulletin of the month is refused, with what was typed ------------------------


def test_saving_a_second_bulletin_of_the_month_is_refused_with_the_text_kept(client, users, orgs):
    first = _bulletin(users, orgs)
    client.force_login(users["doson.editor"])
    response = client.post(NEW, _post(orgs))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ban Tuyên giáo Quận ủy Đồ Sơn đã có bản tin tháng 12/2026" in page
    assert "nên bản này chưa được lưu" in page
    assert "Đoạn vừa gõ, không được mất." in page  # the editor's text comes back
    assert 'value="Nguyễn Văn A"' in page
    assert f'href="{reverse("portal:document_detail", args=[first.pk])}" target="_blank"' in page
    assert list(Document.objects.all()) == [first]


def test_the_first_autosave_of_a_second_bulletin_is_refused_and_stops(client, users, orgs):
    _bulletin(users, orgs)
    client.force_login(users["doson.editor"])
    response = client.post(AUTOSAVE_NEW, _post(orgs))
    assert response.status_code == 409
    payload = response.json()
    assert payload["stop"] is True
    assert "đã có bản tin tháng 12/2026" in payload["error"]
    assert "Nội dung bạn gõ vẫn còn trên trang này" in payload["error"]
    assert Document.objects.count() == 1


def test_the_first_bulletin_of_a_month_is_saved_by_post_and_by_autosave(client, users, orgs):
    client.force_login(users["doson.editor"])
    assert client.post(NEW, _post(orgs)).status_code == 302
    assert client.post(AUTOSAVE_NEW, _post(orgs, month=1, year=2027)).status_code == 200
    assert client.post(AUTOSAVE_NEW, _post(orgs, month=1, year=2027)).status_code == 409
    periods = {(d.bulletin.period_month, d.bulletin.period_year) for d in Document.objects.all()}
    assert periods == {(12, 2026), (1, 2027)}


def test_moving_a_draft_to_a_month_that_has_its_bulletin_is_refused(client, users, orgs):
    december = _bulletin(users, orgs)
    january = _bulletin(users, orgs, month=1, year=2027)
    with pytest.raises(MonthTaken) as refused:
        document_update(
            document=january,
            actor=users["doson.editor"],
            title=january.title,
            body_html=TYPED,
            kind_fields={"period_month": 12, "period_year": 2026},
        )
    assert refused.value.existing == december
    january.refresh_from_db()
    assert (january.bulletin.period_month, january.current_revision.number) == (1, 1)
    client.force_login(users["doson.editor"])
    autosave = reverse("portal:document_autosave", args=[january.pk])
    response = client.post(autosave, {**_post(orgs), "base_revision": 1})
    assert response.status_code == 409
    assert "stop" not in response.json()  # choosing another month lets autosave go on
    moved = client.post(autosave, {**_post(orgs, month=2, year=2027), "base_revision": 1})
    assert moved.status_code == 200


def test_every_state_holds_its_month(users, orgs):
    document = make_document(users, orgs, state="published", render=False)
    found = document_of_month(kind="bulletin", issuer=orgs["doson-btg"], month=12, year=2024)
    assert found == document
    assert document_of_month(kind="bulletin", issuer=orgs["doson-btg"], month=11, year=2024) is None
