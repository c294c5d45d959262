"""A broken index on disk never takes search down. A published build with a truncated, garbled or
missing file, or a manifest for another model, is refused with a logged warning: a running server
keeps serving its build; a starting server falls back to the newest older build that loads; with no
usable build at all /api/search answers 503 with what to run, and the rest of the app still serves.
(Fake embedder over an original two-version directory made from the sample.)"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings
from navigator.search.publish import CURRENT, current_build_id
from navigator.search.schema import SearchRequest
from navigator.search.service import SearchService
from navigator.util.atomic import atomic_write_text

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "faults"))
from fault_store import write_versions

LOGGER = "navigator.search.service"


@dataclass
class TwoBuilds:
    data_dir: Path
    old: str  # build of the `before` directory
    new: str  # build of the `after` directory (published last: CURRENT)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> TwoBuilds:
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    folder = tmp_path_factory.mktemp("index-faults")
    before_csv, after_csv = write_versions(folder)
    settings = Settings(data_dir=folder / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [before_csv], settings=settings, source="faults")
    old = build_index(settings, store).manifest.build_id
    import_paths(store, [after_csv], settings=settings, source="faults")
    new = build_index(settings, store).manifest.build_id
    store.dispose()
    assert old != new
    return TwoBuilds(settings.data_dir, old, new)


@pytest.fixture
def setup(two_builds: TwoBuilds, tmp_path: Path) -> tuple[Settings, TwoBuilds]:
    """A private copy of the data dir with both builds (CURRENT → the new one)."""
    data_dir = tmp_path / "data"
    shutil.copytree(two_builds.data_dir, data_dir)
    return Settings(data_dir=data_dir, embedding_backend="fake"), TwoBuilds(
        data_dir, two_builds.old, two_builds.new
    )


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garble(path: Path) -> None:
    path.write_bytes(b"\x00garbage\xff" * 50)


def fewer_rows(path: Path) -> None:
    """A well-formed vectors file for a different (smaller) directory."""
    np.save(path, np.load(path)[:-7])


def other_model(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["model_id"] = "some-other-model-768"
    manifest["dimensions"] = 768
    (folder / "manifest.json").write_text(json.dumps(manifest))


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated vectors": lambda f: truncate(f / "vectors.npy"),
    "garbled vectors": lambda f: garble(f / "vectors.npy"),
    "vectors of another size": lambda f: fewer_rows(f / "vectors.npy"),
    "missing ids": lambda f: (f / "ids.json").unlink(),
    "truncated ids": lambda f: truncate(f / "ids.json"),
    "missing filters": lambda f: (f / "filters.npz").unlink(),
    "missing manifest": lambda f: (f / "manifest.json").unlink(),
    "garbled manifest": lambda f: garble(f / "manifest.json"),
    "manifest for another model": other_model,
    "missing keyword index": lambda f: shutil.rmtree(f / "bm25"),
    "missing lexicon": lambda f: (f / "lexicon.json").unlink(),
}


def warnings_about(caplog: pytest.LogCaptureFixture, build: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == LOGGER and r.levelno >= logging.WARNING and build in r.getMessage()
    ]


@pytest.fixture
def client_for() -> Iterator[Callable[[Settings], TestClient]]:
    clients: list[TestClient] = []

    def make(settings: Settings) -> TestClient:
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_starting_server_falls_back_to_the_previous_build(
    kind: str,
    setup: tuple[Settings, TwoBuilds],
    caplog: pytest.LogCaptureFixture,
    client_for: Callable[[Settings], TestClient],
) -> None:
    settings, builds = setup
    CORRUPTIONS[kind](settings.resolved_index_dir / builds.new)
    caplog.set_level(logging.WARNING, logger=LOGGER)
    client = client_for(settings)
    response = client.get("/api/search", params={"q": "food bank", "postcode": "CT20 1AA"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["index"]["build_id"] == builds.old
    assert body["results"], "the previous build answers with results"
    warned = warnings_about(caplog, builds.new)
    assert warned and "previous build" in warned[0] and builds.old in warned[0], caplog.text
    assert "navigator index build" in warned[0] or "NAVIGATOR_EMBEDDING_MODEL" in warned[0]
    service = client.app.state.search  # type: ignore[attr-defined]
    assert service.degraded and builds.new in service.degraded and service.problem is None
    # The answer itself says so: the API for the people running it, the page in plain words.
    assert body["index"]["fallback"] is True
    assert body["index"]["note"] == service.degraded and "previous build" in body["index"]["note"]
    page = client.get("/", params={"q": "food bank"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "earlier copy of the directory" in page.text


def test_a_broken_new_build_never_replaces_the_serving_one(
    setup: tuple[Settings, TwoBuilds], caplog: pytest.LogCaptureFixture
) -> None:
    settings, builds = setup
    index_dir = settings.resolved_index_dir
    atomic_write_text(index_dir / CURRENT, builds.old + "\n")
    service = SearchService(settings, check_interval=0.0)
    service.load()
    assert service.search(SearchRequest(q="food bank")).index.build_id == builds.old
    caplog.set_level(logging.WARNING, logger=LOGGER)
    truncate(index_dir / builds.new / "vectors.npy")
    atomic_write_text(index_dir / CURRENT, builds.new + "\n")  # a broken build is published
    for _ in range(20):  # many requests, many pointer checks
        assert service.search(SearchRequest(q="food bank")).index.build_id == builds.old
        service.wait_for_reload()
    assert current_build_id(index_dir) == builds.new
    warned = warnings_about(caplog, builds.new)
    assert len(warned) == 1, "a broken build is tried once, not on every check"
    assert "Still serving build " + builds.old in warned[0]
    assert service.degraded and service.problem is None
    # A good build published afterwards is picked up, and the note goes away.
    shutil.rmtree(index_dir / builds.new)
    shutil.copytree(index_dir / builds.old, index_dir / (builds.new + "-fixed"))
    atomic_write_text(index_dir / CURRENT, builds.new + "-fixed\n")
    for _ in range(50):
        service.search(SearchRequest(q="food bank"))
        service.wait_for_reload()
        if service.degraded is None:
            break
    assert service.degraded is None
    answer = service.search(SearchRequest(q="food bank"))
    assert answer.index.build_id == builds.old  # its manifest id
    assert answer.index.fallback is False


def test_no_usable_build_is_a_503_with_what_to_run_and_the_rest_still_serves(
    setup: tuple[Settings, TwoBuilds],
    caplog: pytest.LogCaptureFixture,
    client_for: Callable[[Settings], TestClient],
) -> None:
    settings, builds = setup
    for build in (builds.old, builds.new):
        truncate(settings.resolved_index_dir / build / "vectors.npy")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    client = client_for(settings)
    response = client.get("/api/search", params={"q": "food bank"})
    assert response.status_code == 503
    assert "navigator index build" in response.json()["detail"]
    assert warnings_about(caplog, builds.new) and warnings_about(caplog, builds.old)
    assert client.get("/", headers={"accept": "text/html"}).status_code == 200
    page = client.get("/search", params={"q": "food bank"}, headers={"accept": "text/html"})
    assert page.status_code < 500


def test_shutdown_closes_the_build_in_service(setup: tuple[Settings, TwoBuilds]) -> None:
    settings, _ = setup
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/search", params={"q": "food bank"}).status_code == 200
        service: SearchService = client.app.state.search  # type: ignore[attr-defined]
        docs = service.searcher.bundle.docs
    assert docs._file.closed, "the index's docs file is closed when the app stops"
    assert service._searcher is None
