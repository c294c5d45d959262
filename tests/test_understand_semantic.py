"""Semantic need matching: plumbing with the deterministic fake embedder, meaning with the real model."""

from __future__ import annotations

import os

import numpy as np
import pytest

from navigator.search.embed_fake import CountingEmbedder, FakeEmbedder
from navigator.search.understand import Understander, Vocabulary, load_vocabulary
from navigator.search.understand.semantic import phrase_vectors, semantic_scores


def test_phrase_vectors_are_built_once_per_embedder() -> None:
    embedder = CountingEmbedder()
    understander = Understander(embedder=embedder)
    understander("lonely since the funeral")
    built = embedder.documents
    assert built > 1000
    understander("struggling with the gas bill")
    Understander(embedder=embedder)("another message")
    assert embedder.documents == built  # cached for the embedder's lifetime
    assert embedder.queries == 3  # one vector per message: the cleaned text the search embeds anyway


def test_semantic_scores_are_confidences() -> None:
    embedder = FakeEmbedder()
    vectors = phrase_vectors(load_vocabulary(), embedder)
    scores = semantic_scores(vectors, embedder.embed_query("bereavement support grief"))
    assert scores and all(0 < s <= 1 for s in scores.values())
    assert max(scores, key=scores.get) == "bereavement"  # type: ignore[arg-type]


def test_a_plain_callable_embedder_without_embed_documents_works() -> None:
    class QueryOnly:
        def embed_query(self, text: str) -> np.ndarray:
            return FakeEmbedder().embed_query(text)

    q = Understander(embedder=QueryOnly())("I feel so alone")
    assert "loneliness" in q.need_keys


@pytest.mark.slow
def test_real_model_finds_needs_the_phrases_miss(tmp_path) -> None:  # type: ignore[no-untyped-def]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    embedder = load_embedder(Settings(data_dir=tmp_path, embedding_backend="torch"))
    full = load_vocabulary()
    # A few needs keep the model's work (one vector per phrasing) to seconds.
    keep = {"mental_health", "loneliness", "debt", "food", "housing", "physical_activity"}
    few = Vocabulary(
        {k: v for k, v in full.needs.items() if k in keep},
        tuple(p for p in full.phrases if p.need in keep),
        full.settings,
    )
    text = "my head's a mess and I can't face seeing people"
    assert Understander(needs=few)(text).need_keys == []
    assert Understander(needs=few, embedder=embedder)(text).need_keys == ["mental_health"]
