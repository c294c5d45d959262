"""Request bodies are bounded: one app-wide size limit (413) counted as the body arrives — declared,
chunked without a Content-Length, or longer than its Content-Length claims — a larger allowance for
the curator upload only, and JSON shape limits (depth, items per array/object → 422) on every route
that takes JSON. Chunked bodies and lying headers are also sent to a live uvicorn server, where
they arrive exactly as a hostile client would send them."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.app.limits import check_json_body, json_shape_problem
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in
from navigator.config import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "security"))

from security_support import HTML, app_settings, live_server, raw_request, sample_data_dir

LIMIT = 20_000  # the app-wide limit in these tests (bytes)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_data_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def settings(data_dir: Path) -> Settings:
    return app_settings(data_dir, max_request_bytes=LIMIT, max_upload_bytes=60_000)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def chunks(total: int, size: int = 4096) -> Iterator[bytes]:
    """A body with no Content-Length: the client sends it chunked."""
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---- size ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/chat", "application/json"),
        ("/api/chat/handoff", "text/plain"),
        ("/sign-in", "application/x-www-form-urlencoded"),
        ("/api/records", "application/json"),  # refused before anyone asks who is sending it
    ],
)
def test_a_body_over_the_limit_is_refused_with_413(client: TestClient, path: str, content_type: str) -> None:
    body = b"x" * (LIMIT + 1)
    declared = client.post(path, content=body, headers={"content-type": content_type})
    assert declared.status_code == 413
    text = declared.json()["detail"]
    assert f"larger than the limit of {LIMIT:,} bytes" in text and "NAVIGATOR_MAX_REQUEST_BYTES" in text
    streamed = client.post(path, content=chunks(LIMIT * 3), headers={"content-type": content_type})
    assert streamed.status_code == 413 and "larger than the limit" in streamed.json()["detail"]
    assert "content-security-policy" in streamed.headers


def test_a_browser_gets_a_413_page(client: TestClient) -> None:
    page = client.post(
        "/sign-in", content=b"email=" + b"a" * LIMIT, headers={**HTML, "content-type": "text/plain"}
    )
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "Too much sent at once" in page.text and "larger than the limit" in page.text


def test_a_body_just_under_the_limit_still_reaches_the_route(client: TestClient) -> None:
    body = json.dumps({"message": "food bank", "pad": "x" * (LIMIT - 100)}).encode()
    assert len(body) <= LIMIT
    answer = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 200 and answer.json()["conversation"]


def test_a_content_length_that_lies_is_not_trusted(client: TestClient) -> None:
    short_claim = client.post(
        "/sign-in",
        content=b"email=a&password=" + b"b" * 5000,
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "10"},
    )
    assert short_claim.status_code == 400 and "longer than its Content-Length" in short_claim.json()["detail"]
    as_json = client.post(
        "/api/chat", content=b'{"message": "' + b"a" * 500 + b'"}', headers={"content-length": "12"}
    )
    assert as_json.status_code == 400 and "longer than its Content-Length" in as_json.json()["detail"]
    big_claim = client.post("/api/chat", content=b"{}", headers={"content-length": str(10**12)})
    assert big_claim.status_code == 413


def test_only_the_curator_upload_may_send_more(settings: Settings) -> None:
    with auth_client(create_app(settings), raise_server_exceptions=False) as c:
        make_user(c, "curator")
        sign_in(c, "curator@example.org")
        token = csrf_from(c, "/curator/import")
        listing = b'[{"id": "big-1", "name": "Big upload", "description": "' + b"d" * 40_000 + b'"}]'
        files = [("files", ("big.json", io.BytesIO(listing), "application/json"))]
        accepted = c.post(
            "/curator/import",
            data={"csrf_token": token, "source": "limits"},
            files=files,
            headers=HTML,
            follow_redirects=False,
        )
        assert accepted.status_code == 303, accepted.text[:300]  # over the app-wide limit, under its own
        too_big = [("files", ("bigger.json", io.BytesIO(b" " * 70_000), "application/json"))]
        refused = c.post(
            "/curator/import", data={"csrf_token": token, "source": "limits"}, files=too_big, headers=HTML
        )
        assert refused.status_code == 413 and "data-upload-error" in refused.text  # the upload's own page
        not_a_form = c.post(
            "/curator/import",
            content=b"[" + b" " * LIMIT + b"]",
            headers={"content-type": "application/json"},
        )
        assert not_a_form.status_code == 413  # only a multipart upload gets the larger allowance
        elsewhere = c.post("/curator/feeds", data={"csrf_token": token, "url": "x" * 50_000}, headers=HTML)
        assert elsewhere.status_code == 413  # every other curator form has the app-wide limit


# ---- JSON shape -------------------------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", ""])
def test_json_nested_too_deep_is_422_whatever_the_content_type(client: TestClient, content_type: str) -> None:
    body = '{"message": "hi", "extra": ' + nested(40) + "}"
    answer = client.post("/api/chat", content=body, headers={"content-type": content_type})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("The JSON body is too complex: $.extra")
    assert "nested deeper than 32 levels" in answer.json()["detail"]
    assert answer.json()["problems"][0]["field"].startswith("$.extra")


def test_json_deeper_than_python_can_parse_is_422_not_500(client: TestClient) -> None:
    answer = client.post("/api/chat", content=nested(9000), headers={"content-type": "application/json"})
    assert answer.status_code == 422 and "nested deeper than" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ([0] * 10_001, "$.extra"),
        ({f"k{i}": 0 for i in range(10_001)}, "$.extra"),
        ([[0] * 10_001], "$.extra[0]"),
    ],
)
def test_json_arrays_and_objects_that_are_too_wide_are_422(data_dir: Path, extra: Any, where: str) -> None:
    settings = app_settings(data_dir, max_request_bytes=1_000_000)
    with TestClient(create_app(settings)) as c:
        answer = c.post("/api/chat", json={"message": "hi", "extra": extra})
        assert answer.status_code == 422
        assert f"{where} holds 10,001 items; at most 10,000 are allowed" in answer.json()["detail"]
        fine = c.post("/api/chat", json={"message": "hi", "extra": [0] * 10_000})
        assert fine.status_code == 200


def test_json_limits_cover_every_json_route(client: TestClient) -> None:
    deep = {"content-type": "application/json"}
    for path in ("/api/records", "/api/curator/listings/NNS-001/edit", "/api/chat/handoff"):
        answer = client.post(path, content=nested(50), headers=deep)
        assert answer.status_code == 422, path
        assert "nested deeper than 32 levels" in answer.json()["detail"], path


def test_json_limits_are_configurable(data_dir: Path) -> None:
    with TestClient(create_app(app_settings(data_dir, max_json_depth=4, max_json_items=10))) as c:
        assert c.post("/api/chat", json={"message": "hi", "x": [[[1]]]}).status_code == 200  # 4 deep
        assert c.post("/api/chat", json={"message": "hi", "x": [[[[1]]]]}).status_code == 422
        assert c.post("/api/chat", json={"message": "hi", "x": list(range(11))}).status_code == 422


def test_bodies_that_are_not_json_are_left_to_the_route(client: TestClient) -> None:
    broken = client.post("/api/chat", content=b'{"message": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and broken.json()["messages"][-1]["kind"] == "error"


def test_shape_checker_units() -> None:
    assert json_shape_problem({"a": [1, {"b": 2}]}, 3, 10) is None
    assert json_shape_problem({"a": [1, {"b": [3]}]}, 3, 10) == ("$.a[1].b", "is nested deeper than 3 levels")
    assert json_shape_problem([list(range(5))], 5, 4) == ("$[0]", "holds 5 items; at most 4 are allowed")
    limits = Settings(max_json_depth=3)
    assert check_json_body(b"not json", limits) is None
    assert check_json_body(b"[[[[", limits) is None  # unparseable: the route says so
    assert check_json_body(nested(5000).encode(), limits) is not None


# ---- a live server: real chunked bodies, real lying headers -----------------------------------------
def test_live_server_refuses_chunked_and_lying_bodies(settings: Settings) -> None:
    with live_server(create_app(settings)) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        chunked = http.post(
            "/api/chat", content=chunks(LIMIT * 3), headers={"content-type": "application/json"}
        )
        assert chunked.request.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in chunked.request.headers
        assert chunked.status_code == 413 and "larger than the limit" in chunked.json()["detail"]
        form = http.post(
            "/sign-in",
            content=chunks(LIMIT * 2),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 413
        # A claim of a huge body is refused at once, before any of it is read.
        head = (
            b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 5000000000\r\nConnection: close\r\n\r\n{}"
        )
        answer = raw_request(live.port, head)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        # A claim of a tiny body followed by a big one: only the claimed bytes are the request; the
        # rest is not a valid request at all. Nothing is processed from it and nothing breaks.
        lying = (
            b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 12\r\n\r\n" + b'{"message": "' + b"a" * 200_000 + b'"}'
        )
        answer = raw_request(live.port, lying)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert b"HTTP/1.1 5" not in answer and b"HTTP/1.1 200" not in answer
        assert http.get("/api/search", params={"q": "food"}).status_code == 200  # still serving
