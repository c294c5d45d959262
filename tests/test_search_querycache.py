"""The query-vector cache: an LRU for queries, and store-backed batches so a restart reads the
understanding's phrasing vectors instead of embedding them again."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from navigator.config import Settings
from navigator.search.embed_fake import CountingEmbedder
from navigator.search.embedder import QueryCache
from navigator.store import search_docs
from navigator.store.db import Store


def test_queries_are_embedded_once_and_shared_read_only() -> None:
    embedder = CountingEmbedder()
    cache = QueryCache(embedder, size=2)
    first = cache("food bank")
    assert cache("food bank") is first and embedder.queries == 1
    assert not first.flags.writeable
    cache("a")
    cache("b")  # evicts "food bank"
    cache("food bank")
    assert embedder.queries == 4


def test_batches_come_from_the_store_after_the_first_time(tmp_path: Path) -> None:
    store = Store.open(Settings(data_dir=tmp_path, embedding_backend="fake"))
    texts = ["lonely since my wife died", "debt advice", "lonely since my wife died"]
    embedder = CountingEmbedder()
    first = QueryCache(embedder, store=store).embed_documents(texts)
    assert embedder.documents == 2  # the repeated text is embedded once
    again = CountingEmbedder()
    second = QueryCache(again, store=store).embed_documents(texts)
    assert again.documents == 0  # a restart: all read back
    assert np.allclose(first, second) and second.shape == (3, embedder.dimensions)
    with store.read() as session:
        assert search_docs.embedding_count(session, embedder.model_id) == 2
        assert search_docs.store_generation(session) == 0  # caching vectors changes no listing
    store.dispose()


def test_without_a_store_batches_go_straight_to_the_model() -> None:
    embedder = CountingEmbedder()
    QueryCache(embedder).embed_documents(["a", "b"])
    QueryCache(embedder).embed_documents(["a", "b"])
    assert embedder.documents == 4
