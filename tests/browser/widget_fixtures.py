"""Servers and helpers for the widget's browser tests.

Two origins, as in real life: Navigator (the sample directory, real model, the demo host allowed by
setting) and a tiny Starlette app on another port serving web/widget/demo-host.html with a strict
host CSP (no inline script or style; only Navigator's script and frame allowed) and a neutral page
for the quick exit to land on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, AXE_TAGS, REPO, LiveServer, free_port, start_server

WIDGET = REPO / "web" / "widget"
NEUTRAL_TITLE = "Weather forecast"


@dataclass
class WidgetSite:
    navigator: LiveServer
    host: LiveServer
    settings: Any

    @property
    def demo(self) -> str:
        return f"{self.host.url}/demo-host.html"

    @property
    def neutral(self) -> str:
        return f"{self.host.url}/neutral"


def demo_app(navigator_url: str, port: int) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    neutral = f"http://127.0.0.1:{port}/neutral"
    html = (
        (WIDGET / "demo-host.html")
        .read_text(encoding="utf-8")
        .replace("http://127.0.0.1:8000", navigator_url)
    )
    html = html.replace(
        'data-colour="#00703c"', f'data-colour="#00703c"\n          data-exit-url="{neutral}"'
    )
    css = (WIDGET / "demo-host.css").read_text(encoding="utf-8")
    csp = (
        f"default-src 'self'; script-src 'self' {navigator_url}; frame-src {navigator_url}; "
        "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
    )

    async def page(request: Request) -> Response:
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})

    async def style(request: Request) -> Response:
        return Response(css, media_type="text/css")

    async def weather(request: Request) -> Response:
        body = f"<!doctype html><html lang='en'><title>{NEUTRAL_TITLE}</title><h1>{NEUTRAL_TITLE}</h1></html>"
        return HTMLResponse(body)

    async def ping(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/demo-host.html", page),
            Route("/demo-host.css", style),
            Route("/neutral", weather),
            Route("/api/search", ping),  # start_server waits for this path to answer
        ]
    )


@pytest.fixture(scope="session", name="widget_site")
def widget_site_fixture(sample_settings: Any) -> Iterator[WidgetSite]:
    import httpx

    from navigator.app.factory import create_app

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    settings = sample_settings.model_copy(
        update={"chat_allowed_origins": [origin], "chat_rate_per_minute": 600}
    )
    navigator = start_quietly(create_app(settings))
    # One first message, waited for patiently: it warms the safety check and the search's need
    # vectors once (start_server's 2-second search pings would each start that work again).
    response = httpx.post(f"{navigator.url}/api/chat", json={"message": "food bank in Hythe"}, timeout=300)
    assert response.status_code == 200, response.text
    host = start_server(demo_app(navigator.url, port), port=port)
    yield WidgetSite(navigator, host, settings)
    host.stop()
    navigator.stop()


def start_quietly(app: Any, timeout_s: float = 300.0) -> LiveServer:
    """Like conftest's start_server, but waits on a static file rather than a search."""
    import threading
    import time

    import httpx
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/widget/panel.css", timeout=10).status_code == 200:
                return LiveServer(url, getattr(app.state, "settings", None), thread, server)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.should_exit = True
    raise RuntimeError(f"Navigator did not start on {url} within {timeout_s:.0f} s")


def frame_violations(frame: Any) -> list[dict[str, Any]]:
    """axe-core inside the chat panel's frame (another origin: axe on the host page can't see in)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(frame, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def assert_frame_accessible(frame: Any, label: str) -> None:
    violations = frame_violations(frame)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in violations
    ]
    assert not violations, f"axe found {len(violations)} violation(s) in the panel ({label}):\n" + "\n".join(
        summary
    )


def small_targets(frame: Any) -> list[str]:
    """Buttons, links and inputs in the panel smaller than 24×24 CSS px (WCAG 2.5.8)."""
    found: list[str] = frame.evaluate(
        """() => [...document.querySelectorAll('button, a[href], input, textarea')]
            .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden'))
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.width < 24 || r.height < 24)
            .map(([el, r]) => `${el.tagName} "${(el.textContent || el.name || '').trim().slice(0, 30)}" `
                 + `${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    return found


def shot(page: Any, name: str) -> None:
    """A screenshot of the viewport as a person sees it (the widget is fixed to the viewport, so a
    full-page screenshot would show it somewhere it never is)."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def frame_scrolls_sideways(frame: Any) -> bool:
    return bool(frame.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"))


__all__ = [
    "NEUTRAL_TITLE",
    "WidgetSite",
    "assert_frame_accessible",
    "frame_scrolls_sideways",
    "shot",
    "small_targets",
    "widget_site_fixture",
]
