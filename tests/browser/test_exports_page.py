"""The curators' exports page in a real browser: axe-clean, no sideways scroll at 320 px or on a tablet,
works with the keyboard, and a download really arrives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    NARROW,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    LiveServer,
    assert_accessible,
    has_horizontal_scroll,
    screenshot,
    start_server,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "refuge.oruk.json"
SAMPLE = Path(__file__).resolve().parents[2] / "directory_data" / "sample-services.csv"
CURATOR = "curator@example.org"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(scope="module")
def exports_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from navigator.app.factory import create_app
    from navigator.auth.install import install_auth
    from navigator.auth.users import create_user
    from navigator.config import Settings
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("exports-data"), embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [FIXTURE], settings=settings, source="fixture")
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    create_user(store, CURATOR, PASSWORD, "curator", "Casey Curator")
    store.dispose()
    app = create_app(settings)
    install_auth(app, settings)
    server = start_server(app)
    yield server
    server.stop()


def test_exports_page(page: Any, exports_server: LiveServer) -> None:
    url = exports_server.url
    page.goto(f"{url}/sign-in?next=/exports")
    page.get_by_label("Email address").fill(CURATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/exports")
    assert page.get_by_role("heading", level=1).inner_text() == "Exports"
    assert_accessible(page, "exports page")
    for size, name in ((TABLET_PORTRAIT, "portrait"), (TABLET_LANDSCAPE, "landscape"), (NARROW, "narrow")):
        page.set_viewport_size(size)
        assert not has_horizontal_scroll(page), f"exports page scrolls sideways at {size}"
        screenshot(page, f"exports-{name}")
    page.set_viewport_size(TABLET_PORTRAIT)

    # Keyboard only: choose a source, then download its ORUK JSON.
    page.get_by_label("Listings from").focus()
    page.keyboard.press("ArrowDown")  # "fixture (2)"
    page.get_by_role("button", name="Choose").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/exports?source=fixture")
    assert "2 listings" in page.locator("main").inner_text()
    assert_accessible(page, "exports page for one source")
    link = page.locator('a[href="/exports/oruk-json?source=fixture"]')
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    saved = info.value.path()
    body = json.loads(Path(saved).read_text(encoding="utf-8"))
    assert body["total_items"] == 2 and "Quiet Lane" not in json.dumps(body)
