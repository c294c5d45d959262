"""Review queues in a real browser: a curator merges a duplicate (the sample directory plus a
near-copy of one of its listings published by another source), verifies a stale listing, resolves a
reported problem, and edits a listing (an error first, then a save) and sees it in the history.
Every page passes axe; screenshots at 768×1024 and 1024×768; no sideways scrolling at 320 px.

The app runs on its own data dir (this module changes listings, so it must not share the session
server), indexed with the fake embedder so the rebuild after each change is real but quick."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    NARROW,
    REPO,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    LiveServer,
    assert_accessible,
    has_horizontal_scroll,
    screenshot,
    start_server,
)

PASSWORD = "review browser passphrase 7"
CURATOR = "reviewer@example.org"
NAVIGATOR = "helper@example.org"
PARTNER = Path(__file__).resolve().parents[1] / "fixtures" / "review" / "sample_partner.csv"


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from navigator.app.factory import create_app
    from navigator.auth.install import install_auth
    from navigator.auth.users import create_user
    from navigator.config import Settings
    from navigator.curation.review.problems import report_problem
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("review-data"), embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [REPO / "directory_data" / "sample-services.csv"], settings=settings, source="sample")
    report = import_paths(store, [PARTNER], settings=settings, source="partner")
    assert len(report.duplicates) == 1, report.duplicates
    report_problem(store, "NNS-002", "wrong_times", "They only ring on weekday afternoons now.", "navigator")
    create_user(store, CURATOR, PASSWORD, "curator", "Robin Reviewer")
    create_user(store, NAVIGATOR, PASSWORD, "navigator", "Nat Navigator")
    build_index(settings, store)
    store.dispose()
    app = create_app(settings)
    install_auth(app, settings)
    server = start_server(app)
    yield server
    server.stop()


def _sign_in(page: Any, url: str, email: str, next_path: str) -> None:
    page.goto(f"{url}/sign-in?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{next_path}")


# what sticks out of the viewport (for the failure message)
_WIDE_ELEMENTS = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
  .slice(0, 6).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _check(page: Any, label: str, name: str) -> None:
    """axe, then screenshots at both tablet sizes and no sideways scroll at 320 px."""
    assert_accessible(page, label)
    for size, suffix in ((TABLET_PORTRAIT, "portrait"), (TABLET_LANDSCAPE, "landscape")):
        page.set_viewport_size(size)
        assert not has_horizontal_scroll(page), f"{label} scrolls sideways at {size}"
        screenshot(page, f"review-{name}-{suffix}")
    page.set_viewport_size(NARROW)
    wide = page.evaluate(_WIDE_ELEMENTS)
    assert not has_horizontal_scroll(page), f"{label} scrolls sideways at 320 px: {wide}"
    page.set_viewport_size(TABLET_PORTRAIT)


def test_merge_a_duplicate(page: Any, review_server: LiveServer) -> None:
    url = review_server.url
    _sign_in(page, url, CURATOR, "/curator/duplicates")
    page.get_by_role("heading", name="Possible duplicates", level=1).wait_for()
    _check(page, "duplicates queue", "duplicates")
    page.get_by_role("link", name="Bereavement Counselling and Bereavement Counseling").click()
    page.get_by_role("heading", name="Possible duplicate", level=1).wait_for()
    _check(page, "comparison", "compare")
    keep = page.get_by_role("group", name="Which listing stays?")
    keep.get_by_label("Keep sample:NNS-006").check()
    times = page.get_by_role("group", name="Opening times")
    times.get_by_label("Wed 17:00-19:00", exact=False).check()  # the partner's extra evening
    page.get_by_role("button", name="Merge into the listing that stays").click()
    notice = page.locator(".notice--ok")
    notice.wait_for()
    assert "partner:CCB-1 is now inactive" in notice.inner_text()
    assert "This pair has been merged" in page.inner_text("main")
    assert_accessible(page, "comparison after the merge")
    page.goto(f"{url}/curator/listings/sample:NNS-006")
    history = page.get_by_role("region", name="Change history")
    assert "merged from partner:CCB-1" in history.inner_text()
    assert "Wed 17:00-19:00" in history.inner_text()
    page.goto(f"{url}/curator/duplicates")
    assert "Nothing to review" in page.inner_text("main")


def test_verify_a_stale_listing(page: Any, review_server: LiveServer) -> None:
    url = review_server.url
    _sign_in(page, url, CURATOR, "/curator/stale")
    page.get_by_role("heading", name="Needs checking", level=1).wait_for()
    _check(page, "needs checking", "stale")
    first = page.locator("ol.review-list > li").first
    name = first.get_by_role("heading").inner_text()
    total = page.inner_text("main").split(" listing")[0].rsplit("\n", 1)[-1]
    button = first.get_by_role("button", name="Still correct")
    assert name in (button.get_attribute("aria-label") or button.inner_text() + button.text_content())
    button.click()
    notice = page.locator(".notice--ok")
    notice.wait_for()
    assert "verified today" in notice.inner_text()
    assert page.locator("ol.review-list > li h2").first.inner_text() != name
    assert total != page.inner_text("main").split(" listing")[0].rsplit("\n", 1)[-1]
    assert_accessible(page, "needs checking after verifying")
    page.get_by_label("Source").select_option("partner")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/curator/stale?source=partner")
    assert "Nothing needs checking from partner" in page.inner_text("main")


def test_resolve_a_problem_with_the_keyboard(page: Any, review_server: LiveServer) -> None:
    url = review_server.url
    _sign_in(page, url, CURATOR, "/curator/problems")
    page.get_by_role("heading", name="Reported problems", level=1).wait_for()
    _check(page, "reported problems", "problems")
    page.get_by_role("button", name="Resolve the report about Telephone Friendship Calls").click()
    page.get_by_role("alert").or_(page.locator(".field-error")).first.wait_for()
    assert page.get_by_label("What did you do?").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "problems with an error")
    screenshot(page, "review-problems-error")
    note = page.get_by_label("What did you do?")
    note.fill("Rang the group: afternoon calls now in the listing.")
    note.press("Tab")
    page.keyboard.press("Enter")  # the Resolve button has focus next
    page.locator(".notice--ok").wait_for()
    assert "No open problem reports" in page.inner_text("main")


def test_edit_a_listing_and_see_the_history(page: Any, review_server: LiveServer) -> None:
    url = review_server.url
    _sign_in(page, url, CURATOR, "/curator/listings/sample:NNS-002/edit")
    page.get_by_role("heading", name="Edit Telephone Friendship Calls", level=1).wait_for()
    _check(page, "editor", "edit")
    page.get_by_label("Opening times").fill("Weekday afternoons-ish")
    page.get_by_label("Minimum age").fill("fifty")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "Nothing was saved" in summary.inner_text()
    summary.get_by_role("link", name="Give a whole number").click()
    assert page.evaluate("document.activeElement.id") == "f-min_age"
    assert_accessible(page, "editor with errors")
    screenshot(page, "review-edit-errors")
    page.get_by_label("Opening times").fill("Mon-Fri 14:00-17:00")
    page.get_by_label("Minimum age").fill("50")
    page.get_by_role("button", name="Save changes").click()
    page.locator(".notice--ok").wait_for()
    assert "Saved 2 change(s)" in page.locator(".notice--ok").inner_text()
    page.get_by_role("link", name="Back to the listing").click()
    page.get_by_role("heading", name="Telephone Friendship Calls", level=1).wait_for()
    history = page.get_by_role("region", name="Change history").inner_text()
    assert CURATOR in history and "Mon-Fri 14:00-17:00" in history
    held = page.get_by_role("region", name="Fields held by curators").inner_text()
    assert "schedules" in held and "eligibility" in held
    _check(page, "listing page", "listing")


def test_a_navigator_is_refused(page: Any, review_server: LiveServer) -> None:
    url = review_server.url
    _sign_in(page, url, NAVIGATOR, "/account")
    response = page.goto(f"{url}/curator/duplicates")
    assert response is not None and response.status == 403
    assert "curator" in page.inner_text("main").lower()
    page.goto(f"{url}/curator/listings/sample:NO-SUCH-ID")
    assert page.get_by_role("heading", level=1).inner_text() != "Not found"  # refused before looking
