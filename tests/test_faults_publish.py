"""`navigator index build` publishes a new build while a load of searches runs against a live server:
no request fails, and every answer is exactly the old build's or exactly the new build's answer to
that search (never a mixture, never an error while the new build loads). Fake embedder, uvicorn on a
loopback port, the build in its own process as an operator would run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from navigator.config import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "faults"))
from fault_store import write_versions

CLIENTS = 4
BUILD = ("index", "build")
QUERIES: list[dict[str, Any]] = [
    {"q": "food bank"},
    {"q": "someone to talk to", "postcode": "CT20 1AA"},
    {"q": "lonely since my wife died", "limit": 20},
    {"q": "debt advice", "free": "true"},
    {"q": "carers", "postcode": "CT21", "radius_km": 30},
    {"q": "young people counselling", "age": 15},
]

Answer = tuple[str, tuple[tuple[str, float], ...], int]  # build id, (id, score) per result, total


def answer(body: dict[str, Any]) -> Answer:
    results = tuple((r["source"] + ":" + r["id"], round(r["score"], 5)) for r in body["results"])
    return body["index"]["build_id"], results, body["total"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings, Path]]:
    """A store holding the `after` directory and an index built from `before`, served live."""
    import uvicorn

    from navigator.app.factory import create_app
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    before_csv, after_csv = write_versions(tmp_path)
    # One client address makes every request here: the per-client search limit is set out of the way.
    settings = Settings(data_dir=tmp_path / "data", embedding_backend="fake", search_rate_per_minute=10**6)
    store = Store.open(settings)
    import_paths(store, [before_csv], settings=settings, source="faults")
    build_index(settings, store)
    import_paths(store, [after_csv], settings=settings, source="faults")  # the new build's data
    store.dispose()
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="faults-server")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield url, settings, tmp_path
    uv.should_exit = True
    thread.join(timeout=30)


def search_all(client: httpx.Client) -> dict[int, Answer]:
    out = {}
    for i, params in enumerate(QUERIES):
        response = client.get("/api/search", params=params)
        assert response.status_code == 200, response.text
        out[i] = answer(response.json())
    return out


def test_publish_under_a_load_of_searches(server: tuple[str, Settings, Path]) -> None:
    url, settings, _ = server
    with httpx.Client(base_url=url, timeout=60) as client:
        old = search_all(client)
    old_build = old[0][0]
    assert {a[0] for a in old.values()} == {old_build}

    stop = threading.Event()
    seen: list[tuple[int, Answer]] = []
    failures: list[str] = []

    def load(worker: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            i = worker
            while not stop.is_set():
                i = (i + 1) % len(QUERIES)
                try:
                    response = client.get("/api/search", params=QUERIES[i])
                except httpx.HTTPError as exc:
                    failures.append(f"{QUERIES[i]}: {exc!r}")
                    continue
                if response.status_code != 200:
                    failures.append(f"{QUERIES[i]}: {response.status_code} {response.text[:200]}")
                    continue
                seen.append((i, answer(response.json())))

    threads = [threading.Thread(target=load, args=(w,), name=f"load-{w}") for w in range(CLIENTS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    try:
        build = subprocess.run(
            [str(Path(sys.executable).with_name("navigator")), "--data-dir", str(settings.data_dir), *BUILD],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "NAVIGATOR_EMBEDDING_BACKEND": "fake"},
        )
        assert build.returncode == 0, build.stdout + build.stderr
        # The server notices the new CURRENT within a second and loads it in the background.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(a[0] != old_build for _, a in seen[-20:]):
            time.sleep(0.05)
        swapped_at = len(seen)
        while time.monotonic() < deadline and len(seen) < swapped_at + 40:
            time.sleep(0.05)  # keep the load on a while after the swap
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    with httpx.Client(base_url=url, timeout=60) as client:
        new = search_all(client)
    new_build = new[0][0]
    assert new_build != old_build, "the server did not switch to the new build"
    assert {a[0] for a in new.values()} == {new_build}
    assert any(old[i][1] != new[i][1] for i in old), "the two builds should answer differently"

    assert not failures, failures[:5]
    builds_seen = {a[0] for _, a in seen}
    assert builds_seen == {old_build, new_build}, builds_seen
    expected = {old_build: old, new_build: new}
    wrong = [(QUERIES[i], a[0]) for i, a in seen if a != expected[a[0]][i]]
    assert not wrong, f"{len(wrong)} answers match neither build, e.g. {wrong[:3]}"
    took = time.monotonic() - started
    print(f"\npublish under load: {len(seen)} searches in {took:.1f} s, 0 failed, {CLIENTS} clients")
