"""Rollback through the curator pages: confirm page with the plan, refusal when listings changed since
(with the "leave those" choice), the rollback job, and the history afterwards."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from navigator.config import Settings
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "curator_import"))

from curator_support import (
    CURATOR,
    FIX,
    HTML,
    JSON,
    app_settings,
    signed_in_client,
    soup,
    token,
    wait_for_job,
)


@pytest.fixture
def curator_settings(tmp_path: Path) -> Settings:
    return app_settings(tmp_path)


@pytest.fixture
def client(curator_settings: Settings) -> Iterator[TestClient]:
    yield from signed_in_client(curator_settings)


def imported(settings: Settings, *names: str) -> list[int]:
    store = Store.open(settings)
    ids = []
    for name in names:
        report = import_paths(store, [FIX / name], settings=settings, source="riverside")
        assert report.batch_id
        ids.append(report.batch_id)
    store.dispose()
    return ids


def listing_ids(settings: Settings) -> list[str]:
    store = Store.open(settings)
    with store.read() as s:
        ids = sorted(s.scalars(select(m.Service.source_id)))
    store.dispose()
    return ids


def test_confirm_then_roll_back(client: TestClient, curator_settings: Settings) -> None:
    first, second = imported(curator_settings, "riverside_v1.json", "riverside_v2.json")
    confirm = client.get(f"/curator/imports/{second}/rollback", headers=HTML)
    assert confirm.status_code == 200
    counts = [li.get_text(" ", strip=True) for li in soup(confirm).select(".counts li")]
    assert counts[0].startswith("1 Will get their previous version back") and counts[1].startswith(
        "1 Will be removed"
    )
    response = client.post(
        f"/curator/imports/{second}/rollback",
        data={"csrf_token": token(client)},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    job = wait_for_job(client, response.headers["location"])
    assert job["state"] == "done", job
    page = " ".join(soup(client.get(job["result_url"], headers=HTML)).get_text(" ").split())
    assert f"{CURATOR} rolled back import #{second} of “riverside”" in page
    assert listing_ids(curator_settings) == ["RV-001", "RV-002", "RV-003"]
    history = client.get("/api/curator/imports").json()["imports"]
    assert [(i["id"], i["status"]) for i in history] == [
        (second + 1, "rollback"),
        (second, "rolled back"),
        (first, "applied"),
    ]
    again = client.post(
        f"/curator/imports/{second}/rollback", data={"csrf_token": token(client)}, headers=HTML
    )
    assert again.status_code == 409 and "already rolled back" in again.text


def test_later_changes_refuse_until_the_curator_chooses_to_leave_them(
    client: TestClient, curator_settings: Settings
) -> None:
    first, _second = imported(curator_settings, "riverside_v1.json", "riverside_v2.json")
    confirm = soup(client.get(f"/curator/imports/{first}/rollback", headers=HTML))
    assert (
        "Changed again since this import" in confirm.get_text()
        and confirm.select_one("#skip_changed") is not None
    )
    refused = client.post(
        f"/curator/imports/{first}/rollback", data={"csrf_token": token(client)}, headers=HTML
    )
    assert refused.status_code == 409 and "nothing was rolled back" in refused.text
    assert listing_ids(curator_settings) == ["RV-001", "RV-002", "RV-003", "RV-004"]
    as_json = client.post(
        f"/curator/imports/{first}/rollback", data={"csrf_token": token(client)}, headers=JSON
    )
    assert as_json.status_code == 409 and as_json.json()["counts"]["skip"] == 1
    response = client.post(
        f"/curator/imports/{first}/rollback",
        data={"csrf_token": token(client), "skip_changed": "true"},
        headers=HTML,
        follow_redirects=False,
    )
    job = wait_for_job(client, response.headers["location"])
    assert job["state"] == "done", job
    assert listing_ids(curator_settings) == ["RV-001", "RV-004"]
    detail = " ".join(soup(client.get(job["result_url"], headers=HTML)).get_text(" ").split())
    assert "left as it was" in detail and "changed again by import" in detail


def test_rollback_needs_csrf_and_a_real_import(client: TestClient, curator_settings: Settings) -> None:
    [batch] = imported(curator_settings, "riverside_v1.json")
    assert client.post(f"/curator/imports/{batch}/rollback", headers=HTML).status_code == 403
    assert listing_ids(curator_settings) == ["RV-001", "RV-002", "RV-003"]
    assert client.get("/curator/imports/999", headers=HTML).status_code == 404
    assert client.get("/curator/imports/999/rollback", headers=HTML).status_code == 404
    missing = client.post("/curator/imports/999/rollback", data={"csrf_token": token(client)}, headers=HTML)
    assert missing.status_code == 404
    assert client.get("/curator/imports/not-a-number", headers=HTML).status_code == 422
