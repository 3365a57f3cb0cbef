"""The city's head follows a generated year of bulletins on the deadline board, on a desk
and on a phone: the period's states, the late ones, and the year's on-time charts."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from portal.services.deadlines import deadline_set
from portal.services.demo import demo_tree_load
from tests.e2e.conftest import login, shot
from tests.portal.test_deadlines import YEAR, generate_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_follows_the_year_on_the_deadline_board(browser, live_server):
    organisations, users = demo_tree_load()
    deadline = deadline_set(organisation=organisations["hp"], kind="bulletin", month_offset=-1,
                            day=25, remind_days=3, actor=users["hp.approver"])  # fmt: skip
    generate_year(users, organisations)
    # The live server answers on the test's clock: 3 December of the generated year.
    with time_machine.travel(timezone.make_aware(datetime(YEAR, 12, 3, 9)), tick=True):
        for mobile in (False, True):
            page = login(browser, live_server, "hp.head", mobile=mobile)
            page.locator("#nav-deadlines").click()
            expect(page.locator("h1")).to_have_text("Hạn nộp văn bản")
            page.goto(f"{live_server.url}/han-nop/?han={deadline.pk}&ky={YEAR}-12")
            expect(page.locator("#deadline-summary")).to_have_text(
                "1/3 đơn vị đã ban hành; 2 đơn vị trễ hạn chưa ban hành."
            )
            expect(page.locator("#deadline-board tr.late")).to_have_count(3)
            expect(page.locator("#on-time svg[role=img]")).to_have_count(2)
            width = 390 if mobile else 1280
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shot(page, f"deadline-board-{'phone' if mobile else 'desk'}")
            page.select_option("select[name=tinh-trang]", "tre")
            page.locator("#deadline-filters button").click()
            expect(page.locator("#deadline-board tbody tr")).to_have_count(2)
