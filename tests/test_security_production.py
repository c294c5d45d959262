"""Production mode and failures: the interactive API docs are not served in production (the JSON
schema stays, unless switched off), and an unexpected error — in any environment — answers with a
kind page or JSON carrying a reference, never a stack trace or the exception's text, while the
trace is logged on the server under the same reference. Failing routes are added by the test only.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from navigator.app.factory import create_app
from navigator.config import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "security"))

from security_support import HTML, app_settings, inline_script_problems, sample_data_dir

SECRET = "zqsecret-detail-7f3e"  # in every failure's message: must never reach a response
TRACE_WORDS = (
    "Traceback",
    "RuntimeError",
    "OperationalError",
    "ValueError",
    SECRET,
    ".py",
    "/work/",
    "line ",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_data_dir(tmp_path_factory)


def failing_router() -> APIRouter:
    """Test-only routes that fail in the ways real code can."""
    router = APIRouter()

    def broken_dependency() -> None:
        raise ValueError(f"dependency failed {SECRET}")

    @router.get("/test-only/sync")
    def _sync() -> None:
        password = f"hunter2 {SECRET}"  # noqa: F841  (a local a debugger page would show)
        raise RuntimeError(f"sync route failed {SECRET}")

    @router.get("/test-only/async")
    async def _async() -> None:
        raise RuntimeError(f"async route failed {SECRET}")

    @router.get("/test-only/dependency", dependencies=[Depends(broken_dependency)])
    def _dependency() -> None:
        return None

    @router.get("/test-only/database")
    def _database() -> None:
        raise OperationalError(
            f"SELECT name FROM handoff_request -- {SECRET}", {}, Exception("disk I/O error")
        )

    @router.get("/api/test-only/failure")
    def _api() -> None:
        raise RuntimeError(f"api route failed {SECRET}")

    return router


def app_with_failures(settings: Settings) -> FastAPI:
    app = create_app(settings)
    app.include_router(failing_router())
    return app


@pytest.fixture(scope="module")
def production(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(
        app_with_failures(app_settings(data_dir, env="production")), raise_server_exceptions=False
    ) as c:
        yield c


def test_production_hides_the_interactive_docs_but_keeps_the_schema(production: TestClient) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        page = production.get(path, headers=HTML)
        assert page.status_code == 404, path
        assert "swagger" not in page.text.lower() and "redoc" not in page.text.lower()
    schema = production.get("/openapi.json")
    assert schema.status_code == 200 and "/api/search" in schema.json()["paths"]


def test_production_can_switch_the_schema_off_too(data_dir: Path) -> None:
    settings = app_settings(data_dir, env="production", openapi_in_production=False)
    with TestClient(create_app(settings)) as c:
        assert c.get("/openapi.json").status_code == 404
        assert c.get("/api/search", params={"q": "food"}).status_code == 200  # the API itself is unaffected


def test_development_serves_the_docs(data_dir: Path) -> None:
    with TestClient(create_app(app_settings(data_dir))) as c:
        assert c.get("/docs").status_code == 200 and c.get("/openapi.json").status_code == 200
        # Still under the same CSP, which stops their inline script and CDN: a development aid only.
        assert "script-src 'self';" in c.get("/docs").headers["content-security-policy"]


@pytest.mark.parametrize(
    "path", ["/test-only/sync", "/test-only/async", "/test-only/dependency", "/test-only/database"]
)
def test_an_unexpected_error_is_a_kind_page_with_a_reference_and_no_trace(
    production: TestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="navigator.app.errors"):
        page = production.get(path, headers=HTML)
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    reference = page.headers["x-error-reference"]
    assert re.fullmatch(r"[0-9A-F]{10}", reference)
    assert "Something went wrong" in page.text and reference in page.text
    for word in TRACE_WORDS:
        assert word not in page.text, f"{word!r} shown to the person"
    assert not inline_script_problems(page.text) and "content-security-policy" in page.headers
    assert page.headers["cache-control"] == "no-store"
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None, "the trace is logged under the reference"
    assert SECRET in caplog.text and "Traceback" in caplog.text


def test_an_unexpected_error_in_json_has_the_reference_too(production: TestClient) -> None:
    for path, headers in (
        ("/api/test-only/failure", HTML),
        ("/test-only/async", {"accept": "application/json"}),
    ):
        answer = production.get(path, headers=headers)
        assert answer.status_code == 500 and answer.headers["content-type"] == "application/json"
        body: dict[str, Any] = answer.json()
        assert set(body) == {"detail", "problems", "reference"}
        assert (
            body["reference"] == answer.headers["x-error-reference"] and body["reference"] in body["detail"]
        )
        for word in TRACE_WORDS:
            assert word not in answer.text


def test_every_failure_gets_its_own_reference(production: TestClient) -> None:
    references = {production.get("/test-only/sync").headers["x-error-reference"] for _ in range(5)}
    assert len(references) == 5


def test_development_is_just_as_discreet(data_dir: Path) -> None:
    with TestClient(app_with_failures(app_settings(data_dir)), raise_server_exceptions=False) as c:
        page = c.get("/test-only/sync", headers=HTML)
        assert page.status_code == 500 and SECRET not in page.text and "Traceback" not in page.text
