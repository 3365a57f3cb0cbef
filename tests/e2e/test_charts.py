"""A report's quarter charts in Chromium: inside a 390 px phone screen, labels readable, no
style refused by the page's policy."""

import pytest
from playwright.sync_api import expect

from portal.services.demo import demo_tree_load
from tests.e2e.conftest import SHOTS, login, shot
from tests.guidance.test_charts import rows
from tests.guidance.test_indicators import make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quarter_charts_fit_a_phone_and_read_at_its_size(browser, live_server):
    organisations, users = demo_tree_load()
    make_report(users, organisations, rows=rows("250,5", "500"), quarter=1, state="published")
    make_report(users, organisations, rows=rows("520", "1.100"), quarter=2, state="published")
    third = make_report(users, organisations, rows=rows("780,25", "1.650"), quarter=3)

    page = login(browser, live_server, "doson.editor", mobile=True)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/bao-cao/{third.pk}/chi-tieu/")
    charts = page.locator("#quarter-charts svg[role=img]")
    expect(charts).to_have_count(3)
    first = charts.first
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert box["height"] > 150  # scaled by its viewBox, not the default 150 px of an SVG
    label = first.locator("text", has_text="Quý III").bounding_box()
    assert label["height"] >= 11, label  # about the page's small print, not shrunk to nothing
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert refused == []
    shot(page, "chart-quarters-phone")

    desktop = login(browser, live_server, "doson.editor")
    desktop.goto(f"{live_server.url}/bao-cao/{third.pk}/chi-tieu/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.locator("#quarter-charts").screenshot(path=str(SHOTS / "chart-quarters.png"))
