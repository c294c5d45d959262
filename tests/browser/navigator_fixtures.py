"""A live server for the navigator browser tests: the session's indexed sample directory (copied, so
nothing leaks into other areas' tests) plus the two hostile listings, with accounts installed and a
navigator user. Also small page helpers shared by the navigator browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import LiveServer, free_port

NAVIGATOR_EMAIL = "nav.browser@example.org"
PASSWORD = "correct horse battery staple 42"
TYPICAL = "lonely since my wife died"


@pytest.fixture(scope="module")
def nav_server(sample_settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from test_pages_support import HOSTILE, add_records

    from navigator.app.factory import create_app
    from navigator.auth.install import install_auth
    from navigator.auth.users import create_user
    from navigator.config import Settings
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    data = tmp_path_factory.mktemp("navigator-browser") / "data"
    shutil.copytree(sample_settings.data_dir, data)
    settings = Settings(data_dir=data, cookie_secure=False)
    store = Store.open(settings)
    add_records(store, HOSTILE, "hostile")
    build_index(settings, store)  # stored embeddings are reused: only the two new listings embed
    create_user(store, NAVIGATOR_EMAIL, PASSWORD, "navigator", "Nadia Navigator")
    store.dispose()
    app = create_app(settings)
    install_auth(app, settings)
    server = _start(app)
    yield server
    server.stop()


def _start(app: Any, timeout: float = 300.0) -> LiveServer:
    """conftest's start_server, but patient (loading the model on a busy 2-core runner can take more
    than its minute) and pinging a page that needs no search, so a slow first query can't time out."""
    import threading
    import time

    import httpx
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/shortlist", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        server.should_exit = True
        raise RuntimeError(f"test server did not start on {url}")
    httpx.get(url + "/?q=warm+up", timeout=120)  # the first search loads the model's session
    return LiveServer(url, app.state.settings, thread, server)


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/sign-in?next=/navigator/records")
    page.fill("#email", NAVIGATOR_EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    page.wait_for_url(f"{base}/navigator/records")


def small_targets(page: Any) -> list[str]:
    """Controls smaller than 24×24 CSS px (WCAG 2.2 2.5.8), links inside running text excepted."""
    found: list[str] = page.evaluate(
        """() => {
          const out = [];
          for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
            if (el.type === 'hidden' || el.closest('[hidden]')) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            const inline = el.tagName === 'A' && getComputedStyle(el).display === 'inline'
              && el.parentElement && ['P', 'LI', 'DD', 'TD', 'SPAN'].includes(el.parentElement.tagName)
              && el.parentElement.textContent.trim().length > el.textContent.trim().length;
            if (inline || el.classList.contains('skip-link')) continue;
            const what = el.outerHTML.slice(0, 120);
            if (r.width < 24 || r.height < 24) out.push(`${what} ${r.width}x${r.height}`);
          }
          return out;
        }"""
    )
    return found
