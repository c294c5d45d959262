"""The chat widget on a host website on ANOTHER origin, in Debian Chromium: a whole conversation
(need → place → options → follow-up → hand-off), a crisis, a medical-advice refusal, the quick exit
(button and Escape three times), keyboard use and focus, isolation from the host's CSS and CSP,
listing text shown as text, and axe-core with zero violations in every state, inside the frame too."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import NARROW, assert_accessible, has_horizontal_scroll
from tests.browser.widget_fixtures import (  # noqa: F401  (widget_site is a fixture)
    NEUTRAL_TITLE,
    WidgetSite,
    assert_frame_accessible,
    frame_scrolls_sideways,
    shot,
    small_targets,
    widget_site_fixture,
)

FIRST_REPLY_MS = 120_000  # the first reply may wait for the model on a busy machine
REPLY_MS = 60_000


def open_widget(page: Any, site: WidgetSite) -> Any:
    """Open the demo host, click the launcher, wait for the panel's opening message; the frame."""
    page.goto(site.demo)
    page.get_by_role("button", name="Find local support").click()
    frame = page.frame_locator("iframe")
    frame.locator(".msg--disclosure").wait_for(timeout=FIRST_REPLY_MS)
    return frame


def panel_frame(page: Any) -> Any:
    return next(f for f in page.frames if "/widget/panel" in f.url)


def send(frame: Any, text: str) -> None:
    box = frame.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def focused_in_frame(page: Any) -> str:
    return str(panel_frame(page).evaluate("document.activeElement && document.activeElement.id"))


LAUNCHER_FOCUSED = """() => { const host = document.querySelector('[data-navigator-chat]');
    return document.activeElement === host && host.shadowRoot.activeElement !== null
        && host.shadowRoot.activeElement.classList.contains('launcher'); }"""


def launcher_has_focus(page: Any) -> bool:
    return bool(page.evaluate(LAUNCHER_FOCUSED))


def check_state(page: Any, label: str) -> None:
    """axe on the host page and inside the frame, targets ≥ 24 px, and a screenshot."""
    assert_accessible(page, f"demo host, widget {label}")
    frame = panel_frame(page)
    assert_frame_accessible(frame, label)
    assert not small_targets(frame), small_targets(frame)
    shot(page, f"widget-{label.replace(' ', '-')}")


def test_a_whole_conversation_on_another_website(page: Any, widget_site: WidgetSite) -> None:
    site = widget_site
    page.goto(site.demo)
    launcher = page.locator(".launcher")  # its name changes to "Close chat" while open
    page.get_by_role("button", name="Find local support").wait_for()
    # isolated from the host's hostile CSS (pink 10 px serif buttons) under the host's strict CSP
    style = launcher.evaluate(
        "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.fontFamily, s.fontSize]; }"
    )
    assert style[0] == "rgb(0, 112, 60)" and "Georgia" not in style[1] and style[2] == "16px"
    assert launcher.get_attribute("aria-expanded") == "false"
    assert_accessible(page, "demo host, widget closed")
    shot(page, "widget-closed")

    launcher.click()
    frame = page.frame_locator("iframe")
    frame.locator(".msg--disclosure").wait_for(timeout=FIRST_REPLY_MS)
    assert "not a person" in frame.locator(".msg--disclosure").inner_text()
    assert launcher.get_attribute("aria-expanded") == "true" and launcher.inner_text() == "Close chat"
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.tagName === 'DIV'"
    )  # focus went into the panel (the shadow host holds the iframe)
    assert focused_in_frame(page) == "chat-message"
    assert frame.locator("[role=log]").count() == 1
    check_state(page, "open")

    send(frame, "I need a food bank")
    frame.get_by_text("Whereabouts in Folkestone and Hythe?").wait_for(timeout=REPLY_MS)
    send(frame, "Hythe")
    options = frame.locator(".option")
    options.first.wait_for(timeout=REPLY_MS)
    assert 1 <= options.count() <= 5
    first = options.first
    assert first.locator("h2").inner_text()
    assert "km away" in first.inner_text() or "Very close" in first.inner_text()
    assert first.locator("a[href^='tel:'], a[href^='mailto:'], a[href^='http']").count() >= 1
    check_state(page, "options shown")

    frame.get_by_role("button", name="Anything free?").click()
    frame.get_by_text("only free ones").wait_for(timeout=REPLY_MS)

    frame.get_by_role("button", name="Talk to a person").click()
    form = frame.locator("form.handoff")
    form.wait_for(timeout=REPLY_MS)
    assert panel_frame(page).evaluate("document.activeElement.id") == "handoff-heading"
    check_state(page, "hand-off form")
    frame.get_by_label("Your name").fill("Browser Tester")
    frame.get_by_label("Your phone number or email address").fill("07700 900123")
    frame.get_by_role("button", name="Send to a navigator").click()
    error = frame.locator("#handoff-error")
    error.wait_for(timeout=REPLY_MS)
    page.wait_for_function("() => true")
    frame.get_by_text("box to agree wasn't ticked").wait_for(timeout=REPLY_MS)
    assert panel_frame(page).evaluate("document.activeElement.id") == "handoff-consent"
    check_state(page, "hand-off error")
    frame.get_by_label("I agree to Navigator keeping").check()
    frame.get_by_label("Anything you'd like them to know?").fill("Weekday mornings are best")
    frame.get_by_role("button", name="Send to a navigator").click()
    frame.get_by_text("Thank you, Browser Tester").wait_for(timeout=REPLY_MS)
    assert form.count() == 0
    assert _stored_handoff(site, "Browser Tester") == (
        "phone",
        "07700 900123",
        "food support · near Hythe · free",
    )

    frame.get_by_role("button", name="Close chat").click()
    page.wait_for_function(LAUNCHER_FOCUSED)  # focus went back to the launcher
    assert launcher.get_attribute("aria-expanded") == "false"


def _stored_handoff(site: WidgetSite, name: str) -> tuple[str, str, str | None]:
    from navigator.store.db import Store
    from navigator.store.models_chat import HandoffRequest

    store = Store.open(site.settings)
    try:
        with store.read() as session:
            row = session.query(HandoffRequest).filter_by(name=name).one()
            return row.contact_method, row.contact, row.looking_for
    finally:
        store.dispose()


def test_a_crisis_leads_with_help(page: Any, widget_site: WidgetSite) -> None:
    frame = open_widget(page, widget_site)
    send(frame, "I don't want to be here anymore")
    crisis = frame.locator(".msg--crisis")
    crisis.wait_for(timeout=REPLY_MS)
    hrefs = crisis.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "tel:999" in hrefs and "tel:116123" in hrefs and any(h.startswith("sms:85258") for h in hrefs)
    assert frame.locator(".option").count() == 0
    frame.get_by_role("button", name="Carry on").wait_for()
    check_state(page, "crisis shown")


def test_medical_advice_is_declined(page: Any, widget_site: WidgetSite) -> None:
    frame = open_widget(page, widget_site)
    send(frame, "how much paracetamol can I give my son?")
    frame.get_by_text("I'm sorry, I can't give medical advice").wait_for(timeout=REPLY_MS)
    assert frame.locator("a[href='tel:111']").count() == 1
    assert frame.locator(".option, .msg--crisis").count() == 0


def test_quick_exit_button_replaces_the_page(page: Any, widget_site: WidgetSite) -> None:
    frame = open_widget(page, widget_site)
    frame.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(widget_site.neutral)
    assert page.title() == NEUTRAL_TITLE
    page.go_back()  # replaced, not pushed: "back" does not return to the chat
    assert page.url != widget_site.demo or page.locator("[data-navigator-chat]").count() == 1


def test_escape_three_times_exits_from_inside_the_panel_and_from_the_page(
    page: Any, widget_site: WidgetSite
) -> None:
    frame = open_widget(page, widget_site)
    frame.get_by_label("Your message").press("Escape")  # the first one also closes the panel
    page.wait_for_function("() => document.querySelector('[data-navigator-chat]') !== null")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(widget_site.neutral)

    page.goto(widget_site.demo)  # never opened: Escape ×3 on the host page alone
    page.get_by_role("button", name="Find local support").wait_for()
    page.locator("#q").focus()
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(widget_site.neutral)


def test_keyboard_only_and_no_focus_trap(page: Any, widget_site: WidgetSite) -> None:
    page.goto(widget_site.demo)
    page.get_by_role("button", name="Find local support").wait_for()
    page.locator("#last-link").focus()
    page.keyboard.press("Tab")  # the launcher comes after the page's own content
    assert launcher_has_focus(page)
    page.keyboard.press("Enter")
    frame = page.frame_locator("iframe")
    frame.locator(".msg--disclosure").wait_for(timeout=FIRST_REPLY_MS)
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'DIV'")
    page.keyboard.type("food bank in Hythe")
    page.keyboard.press("Enter")
    frame.locator(".option").first.wait_for(timeout=REPLY_MS)
    for _ in range(80):  # Tab on through the panel: focus leaves it (no trap)
        page.keyboard.press("Tab")
        inside = panel_frame(page).evaluate("document.hasFocus()")
        if not inside:
            break
    else:
        raise AssertionError("focus never left the chat panel")


def test_hidden_focus_on_the_host_page_is_avoided(page: Any, widget_site: WidgetSite) -> None:
    open_widget(page, widget_site)
    page.locator("#last-link").focus()
    covered = page.evaluate(
        """() => { const r = document.querySelector('#last-link').getBoundingClientRect();
                   const host = document.querySelector('[data-navigator-chat]').shadowRoot;
                   return [...host.querySelectorAll('.launcher, .panel:not([hidden])')].some(c => {
                     const b = c.getBoundingClientRect();
                     return r.left >= b.left && r.right <= b.right
                         && r.top >= b.top && r.bottom <= b.bottom; }); }"""
    )
    assert not covered


def test_listing_text_is_shown_as_text_never_as_html(page: Any, widget_site: WidgetSite) -> None:
    hostile = '<img src=x onerror="window.hacked=1">Evil <b>Café</b>'
    reply = {
        "conversation": None,
        "messages": [{"kind": "options", "text": "Here is 1 option:", "need": "food", "group": 0}],
        "options": [
            {
                "need": "food",
                "items": [
                    {
                        "id": "x",
                        "name": hostile,
                        "organisation": hostile,
                        "why": hostile,
                        "cost": hostile,
                        "actions": [
                            {"kind": "website", "label": hostile, "href": "javascript:alert(1)"},
                            {"kind": "call", "label": "Call", "href": "tel:01632960014"},
                        ],
                    }
                ],
            }
        ],
        "safety": None,
        "suggestions": [hostile],
    }
    frame = open_widget(page, widget_site)
    page.route(
        "**/api/chat",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(reply)),
    )
    send(frame, "anything")
    frame.locator(".option").wait_for(timeout=REPLY_MS)
    panel = panel_frame(page)
    assert panel.evaluate("document.querySelectorAll('.chat__log img, .chat__log b').length") == 0
    assert panel.evaluate("window.hacked === undefined")
    assert hostile in frame.locator(".option h2").inner_text()
    assert frame.locator("a[href^='javascript:']").count() == 0
    assert frame.locator("a[href='tel:01632960014']").count() == 1


def test_messages_from_other_origins_are_ignored(page: Any, widget_site: WidgetSite) -> None:
    open_widget(page, widget_site)
    page.evaluate("window.postMessage({type: 'navigator:exit'}, '*')")
    page.evaluate("window.postMessage({type: 'navigator:close'}, '*')")
    page.get_by_role("button", name="Close chat").wait_for()  # still open, still here
    assert page.url == widget_site.demo


def test_error_state_is_accessible(page: Any, widget_site: WidgetSite) -> None:
    frame = open_widget(page, widget_site)
    page.route("**/api/chat", lambda route: route.abort())
    send(frame, "food bank in Hythe")
    frame.locator(".msg--error").wait_for(timeout=REPLY_MS)
    assert "couldn't reach Navigator" in frame.locator(".msg--error").inner_text()
    check_state(page, "error")


def test_reflows_at_320_px(page: Any, widget_site: WidgetSite) -> None:
    page.set_viewport_size(NARROW)
    frame = open_widget(page, widget_site)
    send(frame, "food bank in Hythe")
    frame.locator(".option").first.wait_for(timeout=REPLY_MS)
    assert not has_horizontal_scroll(page)
    assert not frame_scrolls_sideways(panel_frame(page))
    box = page.locator("iframe").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    assert not small_targets(panel_frame(page))
    shot(page, "widget-options-320")
    frame.get_by_role("button", name="Talk to a person").click()
    frame.locator("form.handoff").wait_for(timeout=REPLY_MS)
    assert not frame_scrolls_sideways(panel_frame(page))
    shot(page, "widget-handoff-320")
