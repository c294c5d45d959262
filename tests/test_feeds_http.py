"""The feeds page: adding a feed (refusing http and non-public addresses at once), "Sync now" through
the same preview and apply as an upload, and a feed that returns HTML failing clearly."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from navigator.config import Settings
from navigator.store import models as m
from navigator.store.db import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "curator_import"))
sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "feeds"))

from curator_support import HTML, JSON, app_settings, page_counts, signed_in_client, soup, token, wait_for_job
from feed_server import FeedServer, Reply, json_reply, make_certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def server(certificate: tuple[Path, Path]) -> Iterator[FeedServer]:
    with FeedServer(*certificate) as s:
        yield s


@pytest.fixture
def curator_settings(tmp_path: Path, certificate: tuple[Path, Path]) -> Settings:
    return app_settings(tmp_path, feed_allow_loopback_for_tests=True, feed_ca_file=certificate[0])


@pytest.fixture
def client(curator_settings: Settings) -> Iterator[TestClient]:
    yield from signed_in_client(curator_settings)


def page_of(services: list[dict[str, Any]]) -> Any:
    return lambda p, q: json_reply({"total_pages": 1, "page_number": 1, "contents": services})


def service(n: int) -> dict[str, Any]:
    return {
        "id": f"WEB-{n}",
        "name": f"Web Feed Service {n}",
        "description": "An invented feed service.",
        "url": f"https://w{n}.example.org",
    }


def add(client: TestClient, name: str, url: str) -> Any:
    return client.post(
        "/curator/feeds", data={"csrf_token": token(client), "name": name, "url": url}, headers=HTML
    )


def sync_now(client: TestClient) -> dict[str, Any]:
    feed_id = client.get("/api/curator/feeds").json()["feeds"][0]["id"]
    response = client.post(
        f"/curator/feeds/{feed_id}/sync",
        data={"csrf_token": token(client)},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    return wait_for_job(client, response.headers["location"])


def test_adding_a_feed_checks_the_address(tmp_path: Path) -> None:
    settings = app_settings(tmp_path)  # the default guard: no loopback
    for c in signed_in_client(settings):
        http = add(c, "council", "http://directory.example.org/api")
        assert http.status_code == 422 and "https" in soup(http).select_one(".error-summary").get_text()
        loopback = add(c, "council", "https://127.0.0.1/api")
        assert loopback.status_code == 422 and "loopback" in loopback.text
        metadata = add(c, "council", "https://169.254.169.254/latest")
        assert metadata.status_code == 422 and "link-local" in metadata.text
        assert add(c, "council", "https://localhost:8443/api").status_code == 422
        ok = add(c, "council", "https://directory.example.org/api/v1/services")
        assert ok.status_code == 200 and "The feed was added" in ok.text
        assert add(c, "council", "https://other.example.org").status_code == 422
        feeds = c.get("/api/curator/feeds").json()["feeds"]
        assert [(f["name"], f["url"]) for f in feeds] == [("council", "https://directory.example.org/api/v1")]
        assert add(c, "", "https://x.example.org").status_code == 422
        as_json = c.post(
            "/curator/feeds", data={"csrf_token": token(c), "name": "x", "url": "ftp://x"}, headers=JSON
        )
        assert as_json.status_code == 422 and "url" in as_json.json()["errors"]


def test_sync_now_previews_then_applies_and_marks_what_left_inactive(
    client: TestClient, curator_settings: Settings, server: FeedServer
) -> None:
    server.routes["/api/services"] = page_of([service(1), service(2)])
    assert add(client, "webfeed", f"https://127.0.0.1:{server.port}/api").status_code == 200
    job = sync_now(client)
    assert job["state"] == "done", job
    preview = client.get(job["result_url"], headers=HTML)
    assert page_counts(preview)["Added"] == 2 and "ORUK 3.0 feed" in preview.text
    applied = client.post(
        job["result_url"] + "/apply", data={"csrf_token": token(client)}, headers=HTML, follow_redirects=False
    )
    assert wait_for_job(client, applied.headers["location"])["state"] == "done"

    server.routes["/api/services"] = page_of([service(1)])
    job = sync_now(client)
    preview = soup(client.get(job["result_url"], headers=HTML))
    feed = preview.select_one("#feed-h").find_parent("section").get_text(" ", strip=True)
    assert "Will be marked inactive (1)" in feed and "Web Feed Service 2" in feed
    applied = client.post(
        job["result_url"] + "/apply", data={"csrf_token": token(client)}, headers=HTML, follow_redirects=False
    )
    done = wait_for_job(client, applied.headers["location"])
    assert done["state"] == "done", done
    store = Store.open(curator_settings)
    with store.read() as s:
        status = dict(s.execute(select(m.Service.source_id, m.Service.status)).all())
    store.dispose()
    assert status == {"WEB-1": "active", "WEB-2": "inactive"}
    detail = client.get(done["result_url"], headers=HTML)
    assert "Marked inactive (1)" in detail.text
    listed = client.get("/api/curator/feeds").json()["feeds"][0]["last_sync"]
    assert listed["status"] == "applied" and listed["deactivated"] == 1


def test_sync_now_of_an_html_feed_fails_clearly(client: TestClient, server: FeedServer) -> None:
    server.routes["/site/services"] = lambda p, q: Reply(200, b"<html>Welcome</html>", "text/html")
    add(client, "website", f"https://127.0.0.1:{server.port}/site")
    job = sync_now(client)
    assert job["state"] == "failed"
    assert (
        "the feed returned an HTML page, not JSON" in job["message"]
        and "Nothing was changed" in job["message"]
    )
    page = client.get("/curator/feeds", headers=HTML)
    assert "failed" in page.text and "HTML page" in page.text
