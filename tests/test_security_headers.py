"""Security headers on every response, and no inline script on any page.

Walks the real app's route table (routes other areas add later are picked up) and requests every
GET route as a browser would — anonymous, and signed in as each role — with path parameters filled
by real ids where the sample directory has them. Every answer must carry the CSP (no inline script,
`object-src 'none'`, `base-uri 'none'`, `frame-ancestors` as configured), nosniff and a referrer
policy; HSTS only over TLS; every HTML page is parsed and must hold no inline <script>, on*=
handler or javascript: URL. Error pages (401, 403, 404, 405, 422, 500) are checked the same way.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.protected import iter_routes
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "security"))

from security_support import HTML, app_settings, csp_directives, inline_script_problems, sample_data_dir

HOST = "https://council.example"
# Path parameters with a real value in the sample directory (others get a dummy and a 404 page).
REAL = {"listing_id": "NNS-001", "batch_id": "1", "handoff_id": "1", "fmt": "csv"}
# FastAPI's own interactive docs: inline script and a CDN, so our CSP stops them running anyway;
# in production they are not served at all (tests/test_security_production.py).
FASTAPI_DOCS = ("/docs", "/redoc", "/docs/oauth2-redirect")
MUST_SEE = (
    "/",
    "/listing/NNS-001",
    "/shortlist",
    "/shortlist/print",
    "/widget/panel",
    "/sign-in",
    "/account",
    "/inbox",
    "/inbox/1",
    "/navigator/records",
    "/curator",
    "/curator/import",
    "/curator/imports/1",
    "/curator/listings/NNS-001/edit",
    "/exports",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_data_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    """Over https (so Secure session cookies work): every answer here must carry HSTS."""
    app = create_app(app_settings(data_dir))
    with auth_client(app, raise_server_exceptions=False) as c:
        for role in ("navigator", "curator", "admin"):
            make_user(c, role)
        handoff = {"consent": True, "name": "Sam", "contact_method": "phone", "contact": "07700 900123"}
        assert c.post("/api/chat/handoff", json=handoff).status_code == 201
        yield c


def share_token(client: TestClient) -> str:
    """A real shared-shortlist token, made the way a browser makes one."""
    token = csrf_from(client, "/listing/NNS-001")
    client.post("/shortlist/add", data={"id": "NNS-001", "csrf_token": token}, headers=HTML)
    made = client.post("/shortlist/share", data={"csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303, made.text[:300]
    return str(made.headers["location"]).rsplit("/", 1)[-1]


def get_paths(client: TestClient, token: str) -> list[str]:
    """Every GET route of the app with its parameters filled."""
    values = {**REAL, "token": token}
    paths = []
    for route in iter_routes(client.app):
        if "GET" not in route.methods or route.kind not in ("api", "other"):
            continue
        path = re.sub(r"{([^}:]+)(?::[^}]*)?}", lambda m: values.get(m.group(1), "dummy"), route.path_format)
        paths.append(path)
    return sorted(set(paths))


def header_problems(response: Any, *, tls: bool, frame_ancestors: str = "'none'") -> list[str]:
    """What is missing or wrong in one response's security headers."""
    h = response.headers
    problems = []
    csp = csp_directives(h.get("content-security-policy", ""))
    script_src = csp.get("script-src", csp.get("default-src"))
    if script_src != ["'self'"]:
        problems.append(f"script-src is {script_src} (want only 'self': no inline, no eval, no CDN)")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}")
    if csp.get("base-uri") != ["'none'"]:
        problems.append(f"base-uri is {csp.get('base-uri')}")
    if " ".join(csp.get("frame-ancestors", [])) != frame_ancestors:
        problems.append(f"frame-ancestors is {csp.get('frame-ancestors')} (want {frame_ancestors})")
    if h.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if h.get("referrer-policy") not in ("strict-origin-when-cross-origin", "no-referrer"):
        problems.append(f"Referrer-Policy is {h.get('referrer-policy')}")
    if tls and not h.get("strict-transport-security", "").startswith("max-age="):
        problems.append("no HSTS over TLS")
    if not tls and "strict-transport-security" in h:
        problems.append("HSTS sent over plain HTTP")
    if frame_ancestors == "'none'" and h.get("x-frame-options") != "DENY":
        problems.append("no X-Frame-Options: DENY on a page nobody may frame")
    return problems


def check(response: Any, label: str, *, tls: bool = True) -> list[str]:
    """Header problems, plus inline script in HTML pages, labelled by request."""
    path = response.request.url.path
    panel = path == "/widget/panel" and response.status_code == 200  # a refused panel is not framable
    ancestors = f"'self' {HOST}" if panel else "'none'"
    found = [f"{label}: {p}" for p in header_problems(response, tls=tls, frame_ancestors=ancestors)]
    if "text/html" in response.headers.get("content-type", "") and path not in FASTAPI_DOCS:
        found += [f"{label}: {p}" for p in inline_script_problems(response.text)]
    return found


@pytest.mark.parametrize("role", [None, "navigator", "curator", "admin"])
def test_every_get_route_has_security_headers_and_no_inline_script(
    client: TestClient, role: str | None
) -> None:
    client.cookies.clear()
    if role:
        sign_in(client, f"{role}@example.org")
    paths = get_paths(client, share_token(client))
    problems: list[str] = []
    html_pages: dict[str, int] = {}
    for path in paths:
        response = client.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code < 500, f"{path} as {role}: {response.status_code}"
        problems += check(response, f"GET {path} as {role or 'anonymous'} ({response.status_code})")
        if "text/html" in response.headers.get("content-type", ""):
            html_pages[path] = response.status_code
    assert not problems, "\n".join(problems)
    assert len(paths) >= 60, paths  # the walk really covered the app
    if role == "admin":
        shown = {p for p, status in html_pages.items() if status == 200}
        assert set(MUST_SEE) - {"/inbox/1"} <= shown | {"/inbox/1"}, set(MUST_SEE) - shown
        assert "/inbox/1" in shown and "/listing/NNS-001" in shown and "/curator/imports/1" in shown


def test_error_pages_have_the_headers_too(data_dir: Path) -> None:
    boom = APIRouter()

    @boom.get("/test-only/boom")
    def _boom() -> None:
        raise RuntimeError("deliberate failure for the header test")

    app = create_app(app_settings(data_dir))
    app.include_router(boom)
    with auth_client(app, raise_server_exceptions=False) as c:
        make_user(c, "navigator", "errors-navigator@example.org")
        answers = {
            "404 page": c.get("/no/such/page", headers=HTML),
            "404 JSON": c.get("/api/no/such/thing"),
            "401 page": c.get("/curator", headers=HTML, follow_redirects=False),
            "405 page": c.put("/sign-in", headers=HTML),
            "422 JSON": c.get("/widget/panel", params={"title": "x" * 600}),
            "500 page": c.get("/test-only/boom", headers=HTML),
            "500 JSON": c.get("/test-only/boom"),
        }
        sign_in(c, "errors-navigator@example.org")
        answers["403 page"] = c.get("/curator", headers=HTML)
    statuses = {label: r.status_code for label, r in answers.items()}
    assert statuses == {
        "404 page": 404,
        "404 JSON": 404,
        "401 page": 401,
        "405 page": 405,
        "422 JSON": 422,
        "500 page": 500,
        "500 JSON": 500,
        "403 page": 403,
    }
    problems = [p for label, r in answers.items() for p in check(r, label)]
    assert not problems, "\n".join(problems)
    for label in ("404 page", "401 page", "403 page", "500 page"):
        assert answers[label].headers["content-type"].startswith("text/html"), label


def test_hsts_only_over_tls_and_forwarded_proto_only_from_a_trusted_proxy(data_dir: Path) -> None:
    forwarded = {"x-forwarded-proto": "https"}
    with TestClient(create_app(app_settings(data_dir))) as plain:
        assert "strict-transport-security" not in plain.get("/", headers=HTML).headers
        spoofed = plain.get("/", headers={**HTML, **forwarded})
        assert "strict-transport-security" not in spoofed.headers, "X-Forwarded-Proto from anyone"
        assert not check(plain.get("/sign-in", headers=HTML), "plain http", tls=False)
    with TestClient(create_app(app_settings(data_dir, behind_tls_proxy=True))) as proxied:
        assert "strict-transport-security" not in proxied.get("/", headers=HTML).headers
        hsts = proxied.get("/", headers={**HTML, **forwarded}).headers["strict-transport-security"]
        assert hsts.startswith("max-age=63072000")
    with TestClient(create_app(app_settings(data_dir)), base_url="https://testserver") as tls:
        assert tls.get("/api/search", params={"q": "food"}).headers["strict-transport-security"]


def test_framing_follows_the_settings(data_dir: Path) -> None:
    intranet = "'self' https://intranet.example"
    with TestClient(create_app(app_settings(data_dir, frame_ancestors=intranet))) as c:
        page = c.get("/", headers=HTML)
        assert csp_directives(page.headers["content-security-policy"])["frame-ancestors"] == intranet.split()
        assert "x-frame-options" not in page.headers  # framing is allowed to those named
        panel = c.get("/widget/panel", params={"host": HOST})
        assert csp_directives(panel.headers["content-security-policy"])["frame-ancestors"] == ["'self'", HOST]
        assert panel.headers["referrer-policy"] == "no-referrer"  # the host never learns the panel URL
        assert not inline_script_problems(panel.text)
        script = c.get("/widget.js")
        assert script.headers["cross-origin-resource-policy"] == "cross-origin"
        assert script.headers["x-content-type-options"] == "nosniff"
    with TestClient(create_app(app_settings(data_dir, chat_allowed_origins=[]))) as closed:
        panel = closed.get("/widget/panel")
        assert csp_directives(panel.headers["content-security-policy"])["frame-ancestors"] == ["'self'"]


def test_the_html_checker_catches_inline_script() -> None:
    page = (
        '<html><body onload="x()"><script>alert(1)</script><script src="/static/a.js"></script>'
        '<a href="javascript:alert(1)">x</a><script src="https://cdn.example/x.js"></script>'
        '<script type="application/json">{"data": 1}</script></body></html>'
    )
    found = inline_script_problems(page)
    assert len(found) == 4, found
    assert any("onload" in p for p in found) and any("javascript:" in p for p in found)
    assert inline_script_problems('<script src="/static/js/app.js" defer></script>') == []
