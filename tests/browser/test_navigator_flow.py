"""The navigator's whole flow in Chromium: search → filter → open a listing → shortlist → share
(print view; the QR link opens the read-only list on the resident's phone) → record → report,
with axe-core on every page and state and screenshots at tablet sizes in both orientations."""

from __future__ import annotations

import re
from typing import Any

from .conftest import (
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    assert_accessible,
    screenshot,
)
from .navigator_fixtures import TYPICAL, nav_server, sign_in  # noqa: F401  (fixture)


def shots(page: Any, name: str) -> None:
    """Screenshots of the current page at 768×1024 and 1024×768 (then back to portrait)."""
    for size, label in ((TABLET_PORTRAIT, "portrait"), (TABLET_LANDSCAPE, "landscape")):
        page.set_viewport_size(size)
        screenshot(page, f"navigator-{name}-{label}")
    page.set_viewport_size(TABLET_PORTRAIT)


def test_search_filter_listing_shortlist_share_record(browser: Any, nav_server: Any) -> None:  # noqa: F811
    base = nav_server.url
    context = browser.new_context(viewport=TABLET_PORTRAIT)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # Search
    page.goto(base + "/")
    assert_accessible(page, "search page")
    shots(page, "search")
    page.fill("#q", TYPICAL)
    page.fill("#where", "CT21")
    page.click("button:has-text('Search')")
    page.wait_for_selector("li.card.result")
    assert page.locator(".understood__parts li").count() >= 2
    assert page.locator(".need-section h2").first.inner_text().startswith("For ")
    assert_accessible(page, "results")
    shots(page, "results")

    # One-tap correction: drop the place
    place = page.locator(".chip--place a.chip__remove")
    place.click()
    page.wait_for_load_state()
    assert page.locator(".chip--place").count() == 0
    page.go_back()
    page.wait_for_selector("li.card.result")

    # Filter
    page.click("summary:has-text('Filters')")
    page.check("input[name=free]")
    assert_accessible(page, "results with filters open")
    page.click("button:has-text('Apply filters')")
    page.wait_for_selector(".chip:has-text('free only')")
    costs = page.locator("ul.facts li:has-text('Cost:')").all_inner_texts()
    assert costs and all(c.strip() == "Cost: Free" for c in costs)

    # Add one from a card without leaving the page (script) ...
    first_card = page.locator("li.card.result").first
    first_card.locator("form[data-shortlist-form] button").click()
    page.wait_for_selector("li.card.result >> nth=0 >> button[aria-pressed=true]")
    assert page.locator("[data-shortlist-count]").inner_text().strip() == "1"
    assert "Added to the shortlist" in page.locator("[data-live]").inner_text()

    # ... open another listing and add it from its page
    second = page.locator("li.card.result").nth(1)
    second.locator(".card__title a").click()
    page.wait_for_selector("article.listing h1")
    assert_accessible(page, "listing detail")
    shots(page, "listing")
    page.locator("article form[data-shortlist-form] button").click()
    page.wait_for_selector("article button[aria-pressed=true]")
    assert page.locator("[data-shortlist-count]").inner_text().strip() == "2"
    page.click("summary:has-text('Something wrong')")
    assert_accessible(page, "listing with the report form open")

    # The shortlist survives a reload
    page.goto(base + "/shortlist")
    page.reload()
    assert page.locator(".shortlist > li").count() == 2
    assert_accessible(page, "shortlist")
    shots(page, "shortlist")

    # Share
    page.click("button:has-text('Share with the person')")
    page.wait_for_url(re.compile(r".*/shortlist/share/[A-Za-z0-9_-]{22,}$"))
    qr_loaded = page.evaluate(
        "document.querySelector('img.qr').complete && document.querySelector('img.qr').naturalWidth > 0"
    )
    assert qr_loaded, "the QR code image did not load"
    text = page.locator("#share-text").input_value()
    assert "Services we talked about" in text and "/s/" in text
    assert page.locator("button[data-copy]").is_visible(), "the copy button appears with the script"
    assert_accessible(page, "share page")
    shots(page, "share")
    link = page.locator("a.share-link").get_attribute("href")
    assert link and link.startswith(base + "/s/")

    # Print view (with the QR code), checked as printed
    page.click("a:has-text('Print view')")
    page.wait_for_selector("img.qr--print")
    assert_accessible(page, "print view")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator("button[data-print]").is_hidden()
    screenshot(page, "navigator-print-as-printed")
    page.emulate_media(media="screen")

    # The QR link on the resident's phone: no cookies, read-only
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    resident = phone.new_page()
    resident.goto(link)
    assert resident.locator("h1").inner_text() == "Services to contact"
    assert resident.locator(".shortlist > li").count() == 2
    assert resident.locator("main form").count() == 0
    assert_accessible(resident, "resident's shared list")
    screenshot(resident, "navigator-resident-phone")
    phone.close()

    # Record what was offered (a signed-in navigator)
    sign_in(page, base)
    checked_services = page.locator("input[name=service]:checked").count()
    assert checked_services == 2
    assert page.locator("#area").input_value() == "CT21"
    assert_accessible(page, "record form")
    shots(page, "record")
    if page.locator("input[name=need]:checked").count() == 0:
        page.locator("details summary").click()
        page.locator("input[name=need]").first.check()
    page.click("button:has-text('Save the record')")
    page.wait_for_selector("text=Recorded. Thank you.")
    assert_accessible(page, "record saved")
    page.click("a:has-text('See the counts')")
    page.wait_for_selector("h1:has-text('What was offered')")
    assert "CT21" in page.locator("section:has(h2:has-text('By area'))").inner_text()
    assert_accessible(page, "report")
    shots(page, "report")

    # Start again for the next person
    page.goto(base + "/navigator/records?saved=1")
    page.click("button:has-text('Start again')")
    page.wait_for_url(re.compile(r".*/shortlist\?cleared=1$"))
    assert page.locator("[data-shortlist-count]").inner_text().strip() == ""
    assert not dialogs
    context.close()


def test_error_pages_are_accessible(browser: Any, nav_server: Any) -> None:  # noqa: F811
    from datetime import datetime, timedelta

    from navigator.config import Settings
    from navigator.navigator_app import links
    from navigator.store.db import Store

    base = nav_server.url
    store = Store.open(Settings(data_dir=nav_server.settings.data_dir), migrate=False)
    try:
        expired, _ = links.create_link(store, ["NNS-001"], days=1, now=datetime.now() - timedelta(days=3))
    finally:
        store.dispose()
    context = browser.new_context(viewport=TABLET_PORTRAIT)
    page = context.new_page()
    for path, status, heading in (
        ("/listing/NO-SUCH-SERVICE", 404, "Service not found"),
        ("/s/" + "A" * 24, 404, "List not found"),
        (f"/s/{expired}", 410, "This list has expired"),
        ("/navigator/records", 401, None),
    ):
        response = page.goto(base + path)
        assert response is not None and response.status == status, path
        if heading:
            assert page.locator("h1").inner_text() == heading
        assert_accessible(page, f"error page {path}")
    screenshot(page, "navigator-error-401")
    context.close()
