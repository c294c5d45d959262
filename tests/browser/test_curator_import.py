"""Bulk import in a real browser: a curator signs in, uploads files (with upload progress), reviews the
dry-run preview (the CLI's numbers), applies it, sees it in the history and rolls it back. Every
curator page this area owns passes axe; screenshots at 768×1024 and 1024×768; no sideways
scrolling at 320 px. Also: an over-size upload refused before sending, a feed sync that fails, the
Folkestone files (realdata) and the Miami package (realdata, slow: 4,089 services, with progress).

The app runs on its own data dir with the fake embedder (this module changes listings, so it must
not share the session server; the index rebuild after apply/rollback is real but quick)."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
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

PASSWORD = "import browser passphrase 9"
CURATOR = "importer@example.org"
SAMPLE = REPO / "directory_data" / "sample-services.csv"
LABELS = {
    "read": "Records read",
    "added": "Added",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "rejected": "Rejected",
    "warnings": "Warnings",
    "possible_duplicates": "Possible duplicates",
}


def _server(data_dir: Path, **overrides: Any) -> LiveServer:
    from navigator.app.factory import create_app
    from navigator.auth.install import install_auth
    from navigator.auth.users import create_user
    from navigator.config import Settings
    from navigator.store.db import Store

    settings = Settings(data_dir=data_dir, embedding_backend="fake", **overrides)
    store = Store.open(settings)
    create_user(store, CURATOR, PASSWORD, "curator", "Ida Importer")
    store.dispose()
    app = create_app(settings)
    install_auth(app, settings)
    return start_server(app)


@pytest.fixture(scope="module")
def import_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = _server(tmp_path_factory.mktemp("import-data"), max_upload_bytes=20 * 1_048_576)
    yield server
    server.stop()


def _sign_in(page: Any, url: str, next_path: str = "/curator") -> None:
    page.goto(f"{url}/sign-in?next={next_path}")
    page.get_by_label("Email address").fill(CURATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{next_path}")


def _check(page: Any, label: str, name: str) -> None:
    """axe, then screenshots at both tablet sizes and no sideways scroll there or at 320 px."""
    assert_accessible(page, label)
    for size, suffix in ((TABLET_PORTRAIT, "portrait"), (TABLET_LANDSCAPE, "landscape")):
        page.set_viewport_size(size)
        assert not has_horizontal_scroll(page), f"{label} scrolls sideways at {size}"
        screenshot(page, f"curator-import-{name}-{suffix}")
    page.set_viewport_size(NARROW)
    assert not has_horizontal_scroll(page), f"{label} scrolls sideways at 320 px"
    page.set_viewport_size(TABLET_PORTRAIT)


def _page_counts(page: Any) -> dict[str, int]:
    counts = {}
    for item in page.locator(".counts li").all():
        label = item.locator(".count-label").inner_text().strip()
        counts[label] = int(item.locator(".count-value").inner_text().replace(",", ""))
    return counts


def _expected(counts: dict[str, int]) -> dict[str, int]:
    return {LABELS[k]: counts[k] for k in LABELS}


def _cli_dry_run(data_dir: Path, paths: list[Path], source: str) -> dict[str, int]:
    """`navigator import --dry-run` numbers for these files against that data dir's store."""
    from navigator.config import Settings
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=data_dir, embedding_backend="fake")
    store = Store.open(settings)
    try:
        return import_paths(store, paths, settings=settings, source=source, dry_run=True).counts()
    finally:
        store.dispose()


def _upload(page: Any, url: str, source: str, files: list[Path], timeout_ms: float = 120_000) -> None:
    """Fill the form and upload with the page's script; end on the preview page."""
    page.goto(f"{url}/curator/import")
    page.get_by_label("Source").fill(source)
    page.get_by_label("Files").set_input_files([str(f) for f in files])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(f"{url}/curator/jobs/**", timeout=timeout_ms)
    page.wait_for_url(f"{url}/curator/import/**", timeout=timeout_ms)
    page.get_by_role("heading", name=f"Preview: import into “{source}”").wait_for()


def _apply(page: Any, url: str, timeout_ms: float = 120_000) -> None:
    page.get_by_role("button", name="Apply this import").click()
    page.wait_for_url(f"{url}/curator/imports/*?applied=1", timeout=timeout_ms)
    page.locator(".notice").filter(has_text="was applied").wait_for()


def _roll_back(page: Any, url: str) -> None:
    page.get_by_role("link", name="Roll back this import…").click()
    page.get_by_role("heading", name="Roll back import", exact=False).wait_for()
    page.get_by_role("button", name="Roll back import", exact=False).click()
    page.wait_for_url(f"{url}/curator/imports/*", timeout=120_000)
    page.get_by_role("heading", name="Rollback #", exact=False).wait_for()


def test_upload_preview_apply_history_and_roll_back(page: Any, import_server: LiveServer) -> None:
    url = import_server.url
    data_dir = import_server.settings.data_dir
    _sign_in(page, url)
    page.get_by_role("heading", name="Curator home", level=1).wait_for()
    _check(page, "curator home", "home")
    page.goto(f"{url}/curator/import")
    _check(page, "upload form", "form")

    expected = _cli_dry_run(data_dir, [SAMPLE], "sample")
    _upload(page, url, "sample", [SAMPLE])
    assert _page_counts(page) == _expected(expected)
    assert "Dry run — nothing has been changed yet" in page.inner_text("main")
    _check(page, "preview", "preview")

    _apply(page, url)
    assert {k: v for k, v in _page_counts(page).items() if k in LABELS.values()} == _expected(expected)
    _check(page, "import detail", "detail")

    page.goto(f"{url}/curator/imports")
    row = page.locator("tbody tr").first
    assert "sample-services.csv" in row.inner_text() and "applied" in row.inner_text()
    _check(page, "import history", "history")
    row.get_by_role("link").first.click()
    page.get_by_role("link", name="Roll back this import…").click()
    page.get_by_role("heading", name="Roll back import", exact=False).wait_for()
    _check(page, "rollback confirm", "rollback-confirm")
    page.get_by_role("button", name="Roll back import", exact=False).click()
    page.wait_for_url(f"{url}/curator/imports/*", timeout=120_000)
    page.get_by_role("heading", name="Rollback #", exact=False).wait_for()
    assert f"{expected['added']} Removed" in " ".join(page.locator(".counts").inner_text().split())
    _check(page, "rollback result", "rollback-result")
    assert page.request.get(f"{url}/api/curator/imports").json()["imports"][1]["status"] == "rolled back"


def test_feeds_page_failed_job_and_refused_upload(
    page: Any, import_server: LiveServer, tmp_path: Path
) -> None:
    url = import_server.url
    _sign_in(page, url, "/curator/feeds")
    _check(page, "feeds (empty)", "feeds-empty")
    page.get_by_label("Name").fill("loopback")
    page.get_by_label("ORUK API base URL").fill("https://127.0.0.1/api")
    page.get_by_role("button", name="Add feed").click()
    page.locator(".error-summary").wait_for()
    assert "loopback" in page.locator(".error-summary").inner_text()
    _check(page, "feeds with an error", "feeds-error")
    page.get_by_label("Name").fill("county")
    page.get_by_label("ORUK API base URL").fill("https://directory.invalid/api/v1")
    page.get_by_role("button", name="Add feed").click()
    page.get_by_role("button", name="Sync county now").click()
    page.wait_for_url(f"{url}/curator/jobs/**")
    error = page.locator("[data-job-error]")
    error.wait_for(state="visible", timeout=60_000)
    assert "could not be fetched" in error.inner_text() and "Nothing was changed" in error.inner_text()
    _check(page, "failed job", "job-failed")
    page.goto(f"{url}/curator/feeds")
    _check(page, "feeds list", "feeds")

    big = tmp_path / "huge.json"
    with big.open("wb") as handle:
        handle.truncate(21 * 1_048_576)  # sparse: over this server's 20 MB limit
    page.goto(f"{url}/curator/import")
    page.get_by_label("Source").fill("huge")
    page.get_by_label("Files").set_input_files(str(big))
    page.get_by_role("button", name="Upload and preview").click()
    summary = page.locator("[data-upload-error]")
    summary.wait_for(state="visible")
    assert (
        "over the limit of 20.0 MB" in summary.inner_text() and "Nothing was uploaded" in summary.inner_text()
    )
    assert page.evaluate("document.activeElement.hasAttribute('data-upload-error')")
    _check(page, "upload refused", "refused")
    page.goto(f"{url}/curator/imports/9999")
    _check(page, "not found", "not-found")


@pytest.mark.realdata
def test_folkestone_files(page: Any, import_server: LiveServer, shared_data: Path) -> None:
    url = import_server.url
    raw = shared_data / "real" / "folkestone-hythe" / "raw"
    files = [raw / name for name in ("services.csv", "organisations.csv", "locations.csv")]
    expected = _cli_dry_run(import_server.settings.data_dir, [raw], "folkestone-hythe")
    _sign_in(page, url, "/curator/import")
    _upload(page, url, "folkestone-hythe", files)
    assert _page_counts(page) == _expected(expected) and expected["added"] == 133
    screenshot(page, "curator-import-folkestone-preview")
    _apply(page, url)
    page.goto(f"{url}/curator/imports")
    assert "services.csv, organisations.csv, locations.csv" in page.locator("tbody tr").first.inner_text()
    page.locator("tbody tr").first.get_by_role("link").first.click()
    _roll_back(page, url)
    assert "133 Removed" in " ".join(page.locator(".counts").inner_text().split())


@pytest.mark.realdata
@pytest.mark.slow
def test_miami_package_through_the_browser(
    page: Any, tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> None:
    """4,089 services: upload progress, import progress, and the CLI's numbers (the one slow test)."""
    raw = shared_data / "real" / "miami-211-hsds" / "raw"
    archive = tmp_path_factory.mktemp("miami") / "miami-211.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(raw.rglob("*")):
            if path.is_file():
                z.write(path, "raw/" + path.relative_to(raw).as_posix())
    server = _server(tmp_path_factory.mktemp("miami-data"))
    try:
        # The CLI's dry run on an equally empty store, alongside the browser's (same inputs, same numbers).
        cli: dict[str, dict[str, int]] = {}
        thread = threading.Thread(
            target=lambda: cli.update(
                counts=_cli_dry_run(tmp_path_factory.mktemp("cli-data"), [raw], "miami-211")
            )
        )
        thread.start()
        url = server.url
        _sign_in(page, url, "/curator/import")
        page.get_by_label("Source").fill("miami-211")
        page.get_by_label("Files").set_input_files(str(archive))
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_url(f"{url}/curator/jobs/**", timeout=120_000)
        # Import progress: a determinate bar with the pipeline's counts, and the stage announced.
        page.wait_for_function(
            "() => { const b = document.querySelector('[data-job-bar]');"
            " return b && b.hasAttribute('value') && Number(b.max) >= 4089 && Number(b.value) > 0; }",
            timeout=300_000,
        )
        stage = page.locator("[data-job-stage]").inner_text()
        assert stage in ("Checking records", "Saving listings", "Looking for possible duplicates"), stage
        screenshot(page, "curator-import-miami-progress")
        assert_accessible(page, "job progress page while importing")
        page.wait_for_url(f"{url}/curator/import/**", timeout=900_000)
        thread.join(900)
        assert cli["counts"]["read"] == 4089
        assert _page_counts(page) == _expected(cli["counts"])
        page.get_by_role("button", name="Apply this import").click()
        page.wait_for_url(f"{url}/curator/imports/*?applied=1", timeout=900_000)
        applied = {k: v for k, v in _page_counts(page).items() if k in LABELS.values()}
        assert applied == _expected(cli["counts"])
        assert "raw/" not in page.locator("dd").first.inner_text()  # shown by upload name
        assert "miami-211.zip" in page.inner_text("main")
    finally:
        server.stop()
