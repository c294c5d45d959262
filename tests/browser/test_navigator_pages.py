"""Navigator pages in Chromium beyond the main flow: keyboard only, no JavaScript, hostile listing
text shown inert, and layout (no horizontal scroll, targets ≥ 24×24) at 320 px and tablet sizes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import (
    NARROW,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    assert_accessible,
    has_horizontal_scroll,
    screenshot,
)
from .navigator_fixtures import TYPICAL, nav_server, sign_in, small_targets  # noqa: F401  (fixture)

INERT_CHECK = """() => ({
  scripts: [...document.scripts].map(s => s.getAttribute('src')),
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.startsWith('on')).map(a => e.tagName + '@' + a.name)),
  jsLinks: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
      .filter(h => /^\\s*(javascript|data|vbscript):/i.test(h)),
  injected: document.querySelectorAll('img[src="x"], iframe, svg[onload], b[onmouseover]').length,
})"""


def focused(page: Any) -> dict[str, Any]:
    info: dict[str, Any] = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 60),
                    id: e.id, outline: s.outlineStyle, shadow: s.boxShadow, bg: s.backgroundColor}; }"""
    )
    return info


def tab_to(page: Any, predicate: Any, limit: int = 80) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        if predicate(info):
            return info
    raise AssertionError("never reached the control with Tab")


def test_main_flow_with_the_keyboard_only(browser: Any, nav_server: Any) -> None:  # noqa: F811
    context = browser.new_context(viewport=TABLET_PORTRAIT)
    page = context.new_page()
    page.goto(nav_server.url + "/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    info = tab_to(page, lambda f: f["id"] == "q")
    assert info["outline"] != "none" or info["shadow"] != "none", "no visible focus on the search box"
    page.keyboard.type(TYPICAL)
    page.keyboard.press("Tab")
    page.keyboard.type("CT21")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.card.result")
    info = tab_to(page, lambda f: f["tag"] == "SUMMARY")
    page.keyboard.press("Enter")
    assert page.locator("details.filters").get_attribute("open") is not None
    info = tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("Add to shortlist"))
    assert info["outline"] != "none" or info["shadow"] != "none", "no visible focus on a button"
    page.keyboard.press("Enter")
    page.wait_for_selector("button[aria-pressed=true]")
    assert page.locator("[data-shortlist-count]").inner_text().strip() == "1"
    info = tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith("More about this"))
    page.keyboard.press("Enter")
    page.wait_for_selector("article.listing h1")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith("Shortlist"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/shortlist$"))
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Share with the person")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/shortlist/share/.+"))
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Copy text")
    context.close()


def test_search_detail_shortlist_and_share_work_without_javascript(browser: Any, nav_server: Any) -> None:  # noqa: F811
    context = browser.new_context(viewport=TABLET_PORTRAIT, java_script_enabled=False)
    page = context.new_page()
    page.goto(nav_server.url + "/")
    page.fill("#q", "food bank")
    page.fill("#where", "DN15")
    page.click("button:has-text('Search')")
    page.wait_for_selector("li.card.result")
    assert "near DN15" in page.locator(".understood").inner_text()
    page.locator("li.card.result .card__title a").first.click()
    page.wait_for_selector("article.listing h1")
    assert page.locator("a[data-back]").inner_text() == "Back to search"
    page.locator("article form[data-shortlist-form] button").click()
    page.wait_for_selector("article button[aria-pressed=true]")
    assert page.locator("[data-shortlist-count]").inner_text().strip() == "1"
    page.goto(nav_server.url + "/shortlist")
    page.click("button:has-text('Share with the person')")
    page.wait_for_selector("#share-text")
    assert page.locator("button[data-copy]").is_hidden(), "copy needs the script: hidden without it"
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    screenshot(page, "navigator-share-no-js")
    context.close()


def test_hostile_listing_is_inert(browser: Any, nav_server: Any) -> None:  # noqa: F811
    context = browser.new_context(viewport=TABLET_PORTRAIT)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = nav_server.url
    page.goto(base + "/?q=lunch+club+lonely&where=Hythe")
    page.wait_for_selector("a[href='/listing/HOSTILE-1']")
    page.goto(base + "/listing/HOSTILE-1")
    assert "<script>alert(1)</script> Lunch Club" in page.locator("h1").inner_text()
    assert page.locator("a:has-text('Website')").count() == 0, "the javascript: website must not be a link"
    page.locator("article form[data-shortlist-form] button").click()
    page.wait_for_selector("article button[aria-pressed=true]")
    page.goto(base + "/shortlist")
    page.click("button:has-text('Share with the person')")
    page.wait_for_selector("#share-text")
    share_url = page.url
    resident = page.locator("a.share-link").get_attribute("href")
    for url in (base + "/?q=lunch+club+lonely&where=Hythe", base + "/listing/HOSTILE-1", share_url, resident):
        page.goto(url)
        page.wait_for_load_state("load")
        found = page.evaluate(INERT_CHECK)
        assert all(src and src.startswith("/static/js/") for src in found["scripts"]), found["scripts"]
        assert not found["handlers"], found["handlers"]
        assert not found["jsLinks"], found["jsLinks"]
        assert found["injected"] == 0, url
    screenshot(page, "navigator-hostile-resident")
    assert not dialogs, dialogs
    context.close()


@pytest.mark.parametrize(
    "size", [NARROW, TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["320", "768x1024", "1024x768"]
)
def test_no_horizontal_scroll_and_big_enough_targets(
    browser: Any,
    nav_server: Any,  # noqa: F811
    size: dict[str, int],
) -> None:
    base = nav_server.url
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.goto(base + "/listing/NNS-001")
    page.locator("article form[data-shortlist-form] button").click()
    page.wait_for_selector("article button[aria-pressed=true]")
    page.goto(base + "/shortlist")
    page.click("button:has-text('Share with the person')")
    page.wait_for_selector("#share-text")
    share = page.url
    resident = page.locator("a.share-link").get_attribute("href")
    sign_in(page, base)
    pages = [
        "/",
        "/?q=lonely+since+my+wife+died&where=CT21&free=1",
        "/listing/NNS-006",
        "/listing/NNS-031",
        "/shortlist",
        share,
        "/shortlist/print",
        resident,
        "/navigator/records",
        "/navigator/records/report",
        "/listing/NO-SUCH",
    ]
    for path in pages:
        page.goto(path if path.startswith("http") else base + path)
        page.wait_for_load_state("load")
        assert not has_horizontal_scroll(page), f"horizontal scroll on {path} at {size}"
        assert not small_targets(page), f"small targets on {path} at {size}: {small_targets(page)}"
    if size == NARROW:
        page.goto(base + "/?q=lonely+since+my+wife+died&where=CT21")
        assert_accessible(page, "results at 320 px")
        screenshot(page, "navigator-results-320")
    context.close()
