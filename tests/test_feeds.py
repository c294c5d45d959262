"""Feeds: `navigator feeds add` / `navigator sync` against a local HTTPS ORUK feed server: all pages,
v1 details, import through the pipeline, listings that left the feed marked inactive only after a
whole fetch, partial fetches deactivate nothing, and the guard's refusals reach the curator."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.models_feeds import FeedSync

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "feeds"))

from feed_server import FeedServer, Reply, json_reply, make_certificate

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def service(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"FD-{n:03d}",
        "name": f"Feed Service {n}",
        "description": f"Invented test service number {n} for the feed tests.",
        "status": "active",
        "url": f"https://service{n}.example.org",
        **extra,
    }


def v3_pages(services: list[dict[str, Any]], per_page: int = 2):  # type: ignore[no-untyped-def]
    pages = [services[i : i + per_page] for i in range(0, len(services), per_page)] or [[]]

    def route(path: str, query: dict[str, list[str]]) -> Reply:
        page = int(query.get("page", ["1"])[0])
        items = pages[page - 1] if 1 <= page <= len(pages) else []
        return json_reply(
            {"total_items": len(services), "total_pages": len(pages), "page_number": page, "contents": items}
        )

    return route


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def server(certificate: tuple[Path, Path]) -> Iterator[FeedServer]:
    with FeedServer(*certificate) as s:
        yield s


@pytest.fixture
def allow_local(monkeypatch: pytest.MonkeyPatch, certificate: tuple[Path, Path]) -> None:
    """The test-only allowance, through the environment the CLI reads its settings from."""
    monkeypatch.setenv("NAVIGATOR_FEED_ALLOW_LOOPBACK_FOR_TESTS", "true")
    monkeypatch.setenv("NAVIGATOR_FEED_CA_FILE", str(certificate[0]))


def said(result: Any) -> str:
    """The command's output with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def local(server: FeedServer) -> str:
    return f"https://127.0.0.1:{server.port}"


def statuses(store: Store, source: str = "harbour") -> dict[str, tuple[str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(m.Service.source_id, m.Service.status, m.Service.record_json).where(
                m.Service.source == source
            )
        )
        return {sid: (status, record["status"]) for sid, status, record in rows}


def last_sync(store: Store) -> FeedSync:
    with store.read() as s:
        sync = s.scalars(select(FeedSync).order_by(FeedSync.id.desc())).first()
        assert sync is not None
        return sync


def test_feeds_add_checks_the_address(cli) -> None:  # type: ignore[no-untyped-def]
    refused = cli("feeds", "add", "harbour", "http://feeds.example.org/api")
    assert refused.exit_code == 2 and "https" in said(refused)
    added = cli("feeds", "add", "harbour", "https://feeds.example.org/api/services/")
    assert added.exit_code == 0, added.output
    assert "https://feeds.example.org/api/services" in said(added)
    assert cli("feeds", "add", "harbour", "https://other.example.org").exit_code == 2
    listed = json.loads(cli("feeds", "list", "--json").output)
    assert listed == [
        {
            "name": "harbour",
            "url": "https://feeds.example.org/api",
            "last_sync": None,
            "status": None,
            "message": None,
        }
    ]


def test_sync_pulls_every_page_and_deactivates_what_left_the_feed(
    cli, store: Store, server: FeedServer, allow_local
) -> None:  # type: ignore[no-untyped-def]
    server.routes["/api/services"] = v3_pages([service(1), service(2), service(3)])
    assert cli("feeds", "add", "harbour", local(server) + "/api").exit_code == 0
    first = cli("sync", "harbour", "--no-index")
    assert first.exit_code == 0, first.output
    assert "Added" in said(first) and "3 services in 2 page(s)" in said(first)
    assert statuses(store) == {f"FD-00{i}": ("active", "active") for i in (1, 2, 3)}
    assert last_sync(store).status == "applied"

    server.routes["/api/services"] = v3_pages([service(1), service(3)])  # FD-002 left the feed
    second = cli("sync", "--no-index", "--json")  # every feed
    assert second.exit_code == 0, second.output
    [outcome] = json.loads(second.output)
    assert outcome["report"]["deactivated_count"] == 1 and outcome["complete"] is True
    assert statuses(store)["FD-002"] == ("inactive", "inactive")  # kept, never deleted
    with store.read() as s:
        batch = s.get_one(m.ImportBatch, outcome["report"]["batch_id"])
        assert batch.actor == "sync" and batch.counts["deactivated"] == 1
        assert batch.files == [local(server) + "/api/services"]
        assert batch.report_json and batch.report_json["deactivated"] == [
            {"id": "FD-002", "name": "Feed Service 2"}
        ]
        change = s.scalars(select(m.ServiceChange).where(m.ServiceChange.import_batch_id == batch.id)).one()
        assert (change.field, change.old_value, change.new_value) == ("status", "active", "inactive")

    history = json.loads(cli("history", "--json").output)
    assert [i["status"] for i in history["imports"]] == ["applied", "applied"]
    undone = cli("rollback", str(batch.id), "--no-index")
    assert undone.exit_code == 0, undone.output
    assert statuses(store)["FD-002"] == ("active", "active")

    server.routes["/api/services"] = v3_pages([service(1), service(3)])
    cli("sync", "harbour", "--no-index")  # gone again
    server.routes["/api/services"] = v3_pages([service(1), service(2), service(3)])
    back = json.loads(cli("sync", "harbour", "--no-index", "--json").output)[0]["report"]
    assert back["updated"] == 1 and back["updates"][0]["changes"] == [
        {"field": "status", "old": "inactive", "new": "active"}
    ]
    assert statuses(store)["FD-002"] == ("active", "active")


def test_a_partial_fetch_imports_what_it_got_and_deactivates_nothing(
    cli, store: Store, server: FeedServer, allow_local
) -> None:  # type: ignore[no-untyped-def]
    server.routes["/api/services"] = v3_pages([service(1), service(2), service(3)])
    cli("feeds", "add", "harbour", local(server) + "/api")
    assert cli("sync", "--no-index").exit_code == 0
    full = v3_pages([service(1), service(4)], per_page=1)

    def broken_second_page(path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(500, b"{}") if query.get("page") == ["2"] else full(path, query)

    server.routes["/api/services"] = broken_second_page
    result = cli("sync", "harbour", "--no-index")
    assert result.exit_code == 1, result.output
    assert "PARTIAL" in said(result) and "page 2" in said(result)
    assert {k: v[0] for k, v in statuses(store).items()} == {
        "FD-001": "active", "FD-002": "active", "FD-003": "active"
    }  # fmt: skip
    assert last_sync(store).status == "partial"


def test_v1_feed_fetches_each_service_and_respects_the_request_cap(  # type: ignore[no-untyped-def]
    cli, store: Store, server: FeedServer, allow_local, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = json.loads((FEEDS / "v1_list_page.json").read_text())
    details = json.loads((FEEDS / "v1_details.json").read_text())
    server.routes["/v1/services"] = lambda p, q: json_reply(page)
    for sid, detail in details.items():
        server.routes[f"/v1/services/{sid}"] = lambda p, q, d=detail: json_reply(d)
    cli("feeds", "add", "harbour", local(server) + "/v1")
    result = cli("sync", "--no-index")
    assert result.exit_code == 0, result.output
    assert "ORUK 1.0, 2 services" in said(result) and "3 request(s)" in said(result)
    with store.read() as s:
        coffee = s.scalars(select(m.Service).where(m.Service.source_id == "FV1-001")).one()
        assert coffee.service_at_locations[0].location.name == "Quay Chapel"
        assert coffee.schedules and coffee.schedules[0].byday == "TU"

    monkeypatch.setenv("NAVIGATOR_FEED_MAX_REQUESTS", "2")  # the list page and one look-up
    page["content"] = [page["content"][0], dict(page["content"][1], description="Changed text.")]
    capped = cli("sync", "--no-index")
    assert capped.exit_code == 1 and "request cap reached" in said(capped)
    assert last_sync(store).status == "partial"


def test_zero_based_paging_fetches_page_zero(cli, store: Store, server: FeedServer, allow_local) -> None:  # type: ignore[no-untyped-def]
    pages = {0: [service(1, service_at_locations=[])], 1: [service(2, service_at_locations=[])]}

    def spring(path: str, query: dict[str, list[str]]) -> Reply:
        n = int(query["page"][0])
        return json_reply(
            {"content": pages.get(n, []), "totalPages": 2, "number": n, "first": n == 0, "last": n == 1}
        )

    server.routes["/s/services"] = spring
    cli("feeds", "add", "harbour", local(server) + "/s")
    assert cli("sync", "--no-index").exit_code == 0
    assert set(statuses(store)) == {"FD-001", "FD-002"}


def test_default_settings_refuse_a_loopback_feed(cli, store: Store, server: FeedServer) -> None:  # type: ignore[no-untyped-def]
    server.routes["/api/services"] = v3_pages([service(1)])
    cli("feeds", "add", "harbour", local(server) + "/api")
    result = cli("sync", "--no-index")
    assert result.exit_code == 2
    assert "loopback" in said(result) and "not synced" in said(result)
    assert server.requests == [] and statuses(store) == {}
    sync = last_sync(store)
    assert sync.status == "failed" and "loopback" in (sync.message or "")


def test_html_and_huge_feeds_are_refused_clearly(cli, store: Store, server: FeedServer, allow_local) -> None:  # type: ignore[no-untyped-def]
    server.routes["/site/services"] = lambda p, q: Reply(
        200, b"<html><body>Our directory</body></html>", "text/html"
    )
    server.routes["/big/services"] = lambda p, q: Reply(
        200, b"", headers={"Content-Length": str(10 * 1024**3)}
    )
    cli("feeds", "add", "site", local(server) + "/site")
    cli("feeds", "add", "big", local(server) + "/big")
    html = cli("sync", "site", "--no-index")
    assert html.exit_code == 2 and "the feed returned an HTML page, not JSON" in said(html)
    big = cli("sync", "big", "--no-index")
    assert big.exit_code == 2 and "10,737,418,240 bytes" in said(big)
    assert statuses(store, "site") == {} and statuses(store, "big") == {}
    listed = {f["name"]: f for f in json.loads(cli("feeds", "list", "--json").output)}
    assert listed["site"]["status"] == "failed" and "HTML" in listed["site"]["message"]


def test_dry_run_changes_nothing_and_says_what_would_go_inactive(
    cli, store: Store, server: FeedServer, allow_local
) -> None:  # type: ignore[no-untyped-def]
    server.routes["/api/services"] = v3_pages([service(1), service(2)])
    cli("feeds", "add", "harbour", local(server) + "/api")
    cli("sync", "--no-index")
    server.routes["/api/services"] = v3_pages([service(1)])
    dry = cli("sync", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Dry run" in said(dry) and "Would mark inactive (left the feed): 1" in said(dry)
    assert statuses(store)["FD-002"] == ("active", "active")
    assert not any(
        (Path(store.engine.url.database or "").parent / "uploads").iterdir()
    )  # nothing left staged
