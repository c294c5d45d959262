"""Semantic need matching: the message's vector against every phrasing of every need.

Catches situations the phrase lists miss ("the house feels so empty now" → loneliness). The phrasing
vectors are computed once per embedder (batched when it can) and kept for the embedder's lifetime.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from navigator.search.understand.model import QueryEmbedder
from navigator.search.understand.vocabulary import Vocabulary

# Cosine → confidence: below LOW is noise for MiniLM on short phrasings, above HIGH is a clear hit.
LOW, HIGH, CAP = 0.55, 0.80, 0.80


@dataclass(frozen=True)
class PhraseVectors:
    matrix: np.ndarray  # (n phrasings, dims), unit rows
    owners: np.ndarray  # need index of each row
    keys: tuple[str, ...]


# Keyed by the embedder object itself, so vectors die with it; a cache of a pure function, not state.
_CACHE: weakref.WeakKeyDictionary[object, weakref.WeakKeyDictionary[Vocabulary, PhraseVectors]] = (
    weakref.WeakKeyDictionary()
)


def phrase_vectors(vocabulary: Vocabulary, embedder: QueryEmbedder) -> PhraseVectors:
    try:
        per_embedder = _CACHE.setdefault(embedder, weakref.WeakKeyDictionary())
    except TypeError:  # not weak-referenceable: compute without caching
        per_embedder = weakref.WeakKeyDictionary()
    cached = per_embedder.get(vocabulary)
    if cached is not None:
        return cached
    keys = tuple(vocabulary.needs)
    texts: list[str] = []
    owners: list[int] = []
    for i, key in enumerate(keys):
        spec = vocabulary.needs[key]
        for text in (spec.label, *spec.examples):
            texts.append(text)
            owners.append(i)
    embed_many = getattr(embedder, "embed_documents", None)
    if callable(embed_many):
        matrix = np.asarray(embed_many(texts), dtype=np.float32)
    else:
        matrix = np.stack([np.asarray(embedder.embed_query(t), dtype=np.float32) for t in texts])
    vectors = PhraseVectors(matrix, np.asarray(owners), keys)
    per_embedder[vocabulary] = vectors
    return vectors


def semantic_scores(vectors: PhraseVectors, query: np.ndarray) -> dict[str, float]:
    """Confidence per need from the best-matching phrasing; needs below the noise floor are left out."""
    sims = vectors.matrix @ np.asarray(query, dtype=np.float32)
    best = np.full(len(vectors.keys), -1.0, dtype=np.float32)
    np.maximum.at(best, vectors.owners, sims)
    scores: dict[str, float] = {}
    for i in np.flatnonzero(best > LOW):
        scores[vectors.keys[i]] = float(min(1.0, (best[i] - LOW) / (HIGH - LOW)) * CAP)
    return scores


def raw_similarities(vectors: PhraseVectors, query: np.ndarray) -> dict[str, float]:
    """Best cosine per need (for tuning and the bench)."""
    sims = vectors.matrix @ np.asarray(query, dtype=np.float32)
    best = np.full(len(vectors.keys), -1.0, dtype=np.float32)
    np.maximum.at(best, vectors.owners, sims)
    return {k: float(b) for k, b in zip(vectors.keys, best, strict=True)}
