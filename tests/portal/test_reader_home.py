"""A cell secretary lands on this month's bulletin, with what the cell has not yet taken below;
the menus offer a secretary reading only, and staff their lists as before."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Membership
from tests.factories import make_document

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=VN)
READER = "vanhuong.secretary"


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def _bulletin(users, orgs, month: int, year: int = 2026, **options):
    return make_document(users, orgs, state="published", render=False,
                         title=f"Thông tin sinh hoạt chi bộ tháng {month} năm {year}",
                         kind_fields={"period_month": month, "period_year": year},
                         **options)  # fmt: skip


def _home(client) -> str:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def _main(page: str) -> str:
    return page.split("<main>", 1)[1]


def _listed(page: str) -> str:
    """The 'not yet downloaded' list of the page."""
    return page.split('id="not-received"', 1)[1].split("</ul>", 1)[0]


def test_the_reader_lands_on_this_months_bulletin_with_its_download_first(
    client, users, orgs, clock
):
    this_month = _bulletin(users, orgs, 12)
    clock.shift(3600)
    _bulletin(users, orgs, 11)  # published later, but about last month
    client.force_login(users[READER])
    main = _main(_home(client))
    first_link = re.search(r'<a [^>]*href="([^"]+)"', main)
    assert first_link.group(1) == reverse("portal:document_pdf", args=[this_month.pk])
    assert 'id="download-this-month"' in first_link.group(0)
    assert "Tải bản PDF" in main.split("</a>", 1)[0]
    assert "<h1>Bản tin tháng 12/2026</h1>" in main
    assert 'id="not-this-month"' not in main
    assert this_month.title not in _listed(main)  # shown once, at the top


def test_without_this_months_bulletin_the_latest_is_shown_with_its_month(
    client, users, orgs, clock
):
    _bulletin(users, orgs, 10)
    clock.shift(3600)
    november = _bulletin(users, orgs, 11)
    client.force_login(users[READER])
    main = _main(_home(client))
    assert reverse("portal:document_pdf", args=[november.pk]) in main.split("</a>", 1)[0]
    assert "<h1>Bản tin tháng 11/2026</h1>" in main
    assert "Chưa có bản tin tháng 12/2026; đây là bản tin mới nhất đã ban hành." in main


def test_without_any_bulletin_the_page_says_so_and_offers_no_button(client, users, orgs, clock):
    report = make_document(users, orgs, kind="report", state="published", render=False)
    client.force_login(users[READER])
    main = _main(_home(client))
    assert "Chưa có bản tin nào được ban hành cho chi bộ của bạn." in main
    assert 'id="download-this-month"' not in main
    assert report.title in _listed(main)


def test_the_not_yet_downloaded_list_shrinks_as_the_cell_downloads(client, users, orgs, clock):
    bulletin = make_document(users, orgs, state="published", render=True,
                             kind_fields={"period_month": 12, "period_year": 2026})  # fmt: skip
    report = make_document(users, orgs, kind="report", state="published",
                           title="Báo cáo quý I năm 2023")  # fmt: skip
    guidance = make_document(users, orgs, kind="guidance", state="published",
                             title="Hướng dẫn tuyên truyền kỷ niệm 95 năm")  # fmt: skip
    client.force_login(users[READER])
    page = _home(client)
    assert report.title in _listed(page) and guidance.title in _listed(page)
    assert reverse("portal:document_pdf", args=[report.pk]) in _listed(page)
    assert "Chi bộ chưa tải bản này." in page

    assert client.get(reverse("portal:document_pdf", args=[report.pk])).status_code == 302
    page = _home(client)
    assert report.title not in _listed(page) and guidance.title in _listed(page)

    assert client.get(reverse("portal:document_pdf", args=[bulletin.pk])).status_code == 302
    page = _home(client)
    assert "Chi bộ đã tải ngày 02/12/2026." in page
    assert guidance.title in _listed(page)


def test_another_cells_download_does_not_count_for_this_cell(client, users, orgs, clock):
    city = make_document(users, orgs, kind="guidance", state="published",
                         issuer="hp-btg", editor="hp.editor")  # fmt: skip
    client.force_login(users["ngoquyen.secretary"])
    assert client.get(reverse("portal:document_pdf", args=[city.pk])).status_code == 302
    assert city.title not in _listed(_home(client))
    client.force_login(users[READER])
    assert city.title in _listed(_home(client))


def test_the_page_runs_as_many_queries_for_many_documents_as_for_one(client, users, orgs, clock):
    _bulletin(users, orgs, 12)
    make_document(users, orgs, kind="report", state="published", render=False)
    client.force_login(users[READER])
    with CaptureQueriesContext(connection) as for_one:
        _home(client)
    for quarter in (2, 3, 4):
        make_document(users, orgs, kind="report", state="published", render=False,
                      kind_fields={"quarter": quarter, "year": 2023})  # fmt: skip
    with CaptureQueriesContext(connection) as for_four:
        page = _home(client)
    assert _listed(page).count("<li") == 4
    assert len(for_four) == len(for_one)


def test_staff_still_land_on_their_list(client, users, orgs):
    for name in ("doson.editor", "doson.head", "hp.approver"):
        client.force_login(users[name])
        response = client.get(reverse("portal:home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:document_list")


def test_a_secretary_who_also_edits_is_staff(client, users, orgs):
    Membership.objects.create(
        user=users[READER], organisation=orgs["doson-btg"], role=Membership.Role.EDITOR
    )
    client.force_login(users[READER])
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:document_list")


def _nav(client, url: str) -> str:
    page = client.get(url).content.decode()
    return page.split("<nav>", 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("page", ["portal:home", "portal:library"])
def test_a_secretarys_menu_offers_reading_only(client, users, page):
    client.force_login(users[READER])
    nav = _nav(client, reverse(page))
    assert "Văn bản đang xử lý" not in nav
    assert reverse("portal:document_list") not in nav
    assert 'id="nav-reader-home"' in nav and "Bản tin tháng này" in nav
    assert 'href="/thu-vien/"' in nav
    assert "Đăng xuất" in nav and 'id="nav-two-step"' in nav
    assert 'id="nav-propaganda"' not in nav


@pytest.mark.parametrize("name", ["doson.editor", "doson.head", "hp.approver"])
def test_staff_menus_are_unchanged(client, users, name):
    client.force_login(users[name])
    nav = _nav(client, reverse("portal:library"))
    assert f'href="{reverse("portal:document_list")}"' in nav and "Văn bản đang xử lý" in nav
    assert 'href="/thu-vien/"' in nav and 'id="nav-propaganda"' in nav
    assert 'id="nav-reader-home"' not in nav


def test_the_reader_page_in_english(client, users, orgs, clock):
    _bulletin(users, orgs, 11)
    client.force_login(users[READER])
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Download PDF" in page and "This month's bulletin" in page
    assert "No bulletin for 12/2026 yet" in page and "Bulletin 11/2026" in page
    assert "New since last time / not yet downloaded" in page
