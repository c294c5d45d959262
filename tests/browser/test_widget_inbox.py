"""The navigators' inbox in a real browser: a request made in the chat is listed, viewed and marked
done by a signed-in navigator; every page passes axe and reflows at 320 px."""

from __future__ import annotations

import uuid
from typing import Any

from tests.browser.conftest import NARROW, assert_accessible, has_horizontal_scroll, screenshot
from tests.browser.widget_fixtures import WidgetSite, widget_site_fixture  # noqa: F401

PASSWORD = "inbox browser passphrase 7"


def test_inbox_list_view_and_mark_done(page: Any, widget_site: WidgetSite) -> None:
    import httpx

    from navigator.auth.users import create_user
    from navigator.store.db import Store

    base = widget_site.navigator.url
    name = f"Inbox Tester {uuid.uuid4().hex[:6]}"
    token = httpx.post(f"{base}/api/chat", json={"message": "food bank in Hythe"}, timeout=120).json()
    made = httpx.post(
        f"{base}/api/chat/handoff",
        json={
            "consent": True,
            "name": name,
            "contact_method": "email",
            "contact": "tester@example.org",
            "note": "Afternoons please",
            "conversation": token["conversation"],
        },
        timeout=60,
    )
    assert made.status_code == 201
    email = f"navigator-{uuid.uuid4().hex[:8]}@example.org"
    store = Store.open(widget_site.settings)
    try:
        create_user(store, email, PASSWORD, "navigator", "Nadia Navigator")
    finally:
        store.dispose()

    page.goto(f"{base}/sign-in?next=/inbox")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/inbox")
    page.get_by_role("heading", name="Requests to talk to a person").wait_for()
    assert_accessible(page, "hand-off inbox")
    screenshot(page, "inbox-list")

    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", name=f"Request from {name}").wait_for()
    main = page.inner_text("main")
    assert "tester@example.org" in main and "Afternoons please" in main and "food support" in main
    assert_accessible(page, "hand-off request")
    page.set_viewport_size(NARROW)
    assert not has_horizontal_scroll(page)
    screenshot(page, "inbox-view-320")
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url(f"{base}/inbox?done=1")
    assert "Marked as done." in page.inner_text("main")
    assert name not in page.inner_text("main")  # "new" shows only what is still to do
    assert not has_horizontal_scroll(page)
