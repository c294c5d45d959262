"""Real-browser test infrastructure: the app on a loopback port over the bundled sample directory
(imported and indexed once per session with the real embedding model), Debian's Chromium driven by
Playwright, axe-core for accessibility, and screenshots saved as test artefacts.

Every browser test is marked `browser`. Chromium comes from Debian's package (`make browser`);
`playwright install` cannot download browsers here.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("NAVIGATOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1024, "height": 768}
NARROW = {"width": 320, "height": 640}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    settings: Any
    thread: threading.Thread
    server: Any

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(app: Any, port: int | None = None) -> LiveServer:
    """Run an ASGI app with uvicorn in a thread on a free loopback port; wait until it answers."""
    import httpx
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    # A static file answers as soon as the server is up, without loading any model; the deadline
    # is generous because a loaded 2-core CI machine can take a while to start the app.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError(f"test server on {url} stopped while starting")
        try:
            httpx.get(url + "/static/css/app.css", timeout=5)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise RuntimeError(f"test server did not start on {url}")
    return LiveServer(url, getattr(app.state, "settings", None), thread, server)


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A data dir holding the sample directory, imported and indexed with the real model."""
    from navigator.config import Settings
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("browser-data"))
    store = Store.open(settings)
    sample = REPO / "directory_data" / "sample-services.csv"
    report = import_paths(store, [sample], settings=settings, source="sample")
    assert report.accepted > 200, report.counts()
    build_index(settings, store)
    store.dispose()
    return settings


@pytest.fixture(scope="session")
def live_server(sample_settings) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    from navigator.app.factory import create_app

    server = start_server(create_app(sample_settings))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        message = f"Debian's chromium is not installed at {CHROMIUM}: run `make browser`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):  # type: ignore[no-untyped-def]
    """A fresh page at tablet portrait size; failures leave a screenshot behind."""
    context = browser.new_context(viewport=TABLET_PORTRAIT)
    pg = context.new_page()
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        screenshot(pg, f"FAILED-{request.node.name}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (look at them)."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core (WCAG 2.0–2.2 A/AA rules) on the page as it is now; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    results = Axe().run(page, context=context, options=options)
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def assert_accessible(page: Any, label: str) -> None:
    violations = axe_violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in violations
    ]
    assert not violations, f"axe found {len(violations)} violation(s) on {label}:\n" + "\n".join(summary)


def has_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))
