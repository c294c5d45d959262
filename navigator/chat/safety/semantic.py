"""Semantic similarity to curated example phrasings (data/examples.toml), for risk the rules miss.

Each category has example phrasings; [not_crisis] holds near misses (idioms, grief, training, low
mood). A message part counts for a category when its best cosine to that category's examples clears
the category's threshold AND beats its best cosine to the near misses by a margin: the near misses
are what keep "my phone died" and "support group for families bereaved by suicide" quiet.
Example vectors are computed once per embedder and kept as long as the embedder lives.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from navigator.chat.safety.config import SafetyConfigError, read_toml
from navigator.chat.safety.rules import CATEGORIES

NEAR_MISS = "not_crisis"
MAX_PARTS = 5  # whole message + up to four of its sentences/clauses: bounded cost per message
MIN_WORDS = 3  # shorter texts give MiniLM too little to go on: similarities are noise
MIN_CONTENT = 2  # ... and so do texts of only little words ("i want to" left after masking an idiom)
# fmt: off
_LITTLE = frozenset((
    "i", "im", "ive", "id", "ill", "me", "my", "a", "an", "the", "to", "and", "or", "of", "in", "on",
    "at", "for", "with", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "so",
    "just", "want", "wanna", "need", "going", "do", "dont", "can", "cant", "you", "your", "he", "she",
    "they", "we", "if", "but", "not", "no", "have", "has", "had", "get", "got", "really", "very",
    "some", "any", "there", "what", "how", "when", "where", "who", "why", "lol", "please", "help", "x",
    "xx",
))
# fmt: on
_SPLIT = re.compile(r" \. | (?:also|but|anyway|btw|by the way|and also|oh and|plus|though|because|cos|so) ")


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Examples:
    texts: tuple[str, ...]  # normalised example phrasings
    owners: tuple[str, ...]  # category (or NEAR_MISS) of each
    thresholds: dict[str, float]
    margin: float
    plain_penalty: float  # added to the thresholds when the message has no signal word at all
    signal_words: frozenset[str]


@dataclass(frozen=True)
class SemanticMatch:
    category: str
    similarity: float
    example: str
    near_miss: float  # best similarity to a near-miss example (for reports)


@dataclass(frozen=True)
class _Vectors:
    matrix: np.ndarray  # (n examples, dims), unit rows
    owners: np.ndarray  # owner index per row
    names: tuple[str, ...]


_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], _Vectors]] = weakref.WeakKeyDictionary()
# One computation of example vectors per embedder at a time: concurrent first messages wait for it
# rather than each embedding every example; a waiter gives up after a minute (a hung model must not
# pile up threads, and must not hold up other embedders).
_LOCKS: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()
_WAIT_S = 60.0


@lru_cache(maxsize=1)
def load_examples() -> Examples:
    from navigator.chat.safety.normalise import normalise_for_safety

    data, where = read_toml("examples.toml")
    return build_examples(data, where, normalise_for_safety)


def build_examples(data: dict[str, Any], where: str, normalise: Any) -> Examples:
    texts: list[str] = []
    owners: list[str] = []
    for name in (*CATEGORIES, NEAR_MISS):
        section = data.get(name, {})
        phrasings = section.get("examples") if isinstance(section, dict) else None
        if not isinstance(phrasings, list) or not phrasings:
            raise SafetyConfigError(f"{where}: [{name}] needs `examples = [...]`, a list of phrasings.")
        for text in phrasings:
            texts.append(normalise(str(text)))
            owners.append(name)
    raw = data.get("thresholds", {})
    try:
        thresholds = {c: float(raw[c]) for c in CATEGORIES}
        margin = float(raw.get("margin", 0.0))
        plain_penalty = float(raw.get("plain_penalty", 0.0))
    except (KeyError, TypeError, ValueError) as exc:
        raise SafetyConfigError(
            f"{where}: [thresholds] needs a number for each of {', '.join(CATEGORIES)} ({exc})."
        ) from exc
    signal = data.get("signal", {}).get("words", [])
    if not isinstance(signal, list):
        raise SafetyConfigError(f"{where}: [signal] words must be a list of words.")
    return Examples(
        tuple(texts), tuple(owners), thresholds, margin, plain_penalty, frozenset(map(str, signal))
    )


def _vectors(examples: Examples, embedder: QueryEmbedder) -> _Vectors:
    try:
        per_embedder = _CACHE.setdefault(embedder, {})
    except TypeError:  # not weak-referenceable: compute every time rather than keep it alive
        per_embedder = {}
    cached = per_embedder.get(examples.texts)
    if cached is not None:
        return cached
    with _LOCKS_GUARD:
        try:
            lock = _LOCKS.setdefault(embedder, threading.Lock())
        except TypeError:  # not weak-referenceable: no sharing, so nothing to wait for
            lock = threading.Lock()
    if not lock.acquire(timeout=_WAIT_S):
        raise TimeoutError("example vectors are still being computed by another request")
    try:
        cached = per_embedder.get(examples.texts)
        if cached is None:
            cached = _compute(examples, embedder)
            per_embedder[examples.texts] = cached
        return cached
    finally:
        lock.release()


def _compute(examples: Examples, embedder: QueryEmbedder) -> _Vectors:
    names = (*CATEGORIES, NEAR_MISS)
    embed_many = getattr(embedder, "embed_documents", None)
    if callable(embed_many):
        matrix = np.asarray(embed_many(list(examples.texts)), dtype=np.float32)
    else:
        matrix = np.stack([np.asarray(embedder.embed_query(t), dtype=np.float32) for t in examples.texts])
    owners = np.array([names.index(o) for o in examples.owners])
    return _Vectors(matrix, owners, names)


def prepare(embedder: QueryEmbedder, examples: Examples | None = None) -> None:
    """Compute (and cache) the example vectors for this embedder now, e.g. at app start-up."""
    _vectors(examples or load_examples(), embedder)


def message_parts(text: str) -> list[str]:
    """The texts to embed: the whole message and, when it has several, its clauses (risk often comes
    at the end of an ordinary request, where it is diluted in the whole)."""
    parts = [p.strip() for p in _SPLIT.split(text) if _enough(p)]
    if len(parts) <= 1:
        return [text] if _enough(text) else []
    chosen = [parts[0], *parts[-(MAX_PARTS - 2) :]] if len(parts) > MAX_PARTS - 1 else parts
    return [text, *dict.fromkeys(chosen)]


def _enough(text: str) -> bool:
    words = text.split()
    return len(words) >= MIN_WORDS and sum(w not in _LITTLE for w in words) >= MIN_CONTENT


def embed_parts(parts: list[str], embedder: QueryEmbedder) -> np.ndarray:
    """Unit vectors of `message_parts(text)`, one row each (row 0 is the whole message). Computed once
    per message: the semantic match and the classifier's joint model both read them."""
    embed_many = getattr(embedder, "embed_documents", None)
    if len(parts) > 1 and callable(embed_many):
        return np.asarray(embed_many(parts), dtype=np.float32)
    return np.stack([np.asarray(embedder.embed_query(p), dtype=np.float32) for p in parts])


def semantic_matches(
    text: str,
    embedder: QueryEmbedder,
    examples: Examples | None = None,
    queries: np.ndarray | None = None,
) -> list[SemanticMatch]:
    """Categories whose examples the message (or one of its clauses) is close to, best first.
    A message with no signal word at all must be closer to count (plain_penalty). `queries` are the
    parts' vectors when the caller has them already (`embed_parts`)."""
    examples = examples or load_examples()
    plain = not any(w in examples.signal_words for w in text.split())
    vectors = _vectors(examples, embedder)
    parts = message_parts(text)
    if not parts:
        return []
    if queries is None:
        queries = embed_parts(parts, embedder)
    sims = queries @ vectors.matrix.T  # (parts, examples)
    near_index = len(vectors.names) - 1
    found: dict[str, SemanticMatch] = {}
    for row in sims:
        near = float(row[vectors.owners == near_index].max())
        for c_index, category in enumerate(CATEGORIES):
            mask = vectors.owners == c_index
            best_i = int(np.argmax(np.where(mask, row, -2.0)))
            best = float(row[best_i])
            threshold = examples.thresholds[category] + (examples.plain_penalty if plain else 0.0)
            if best < threshold or best < near + examples.margin:
                continue
            if category not in found or best > found[category].similarity:
                found[category] = SemanticMatch(category, best, examples.texts[best_i], near)
    return sorted(found.values(), key=lambda m: -m.similarity)


def best_similarities(
    text: str, embedder: QueryEmbedder, examples: Examples | None = None
) -> dict[str, float]:
    """Best cosine per category and for the near misses over the message's parts (for tuning)."""
    examples = examples or load_examples()
    vectors = _vectors(examples, embedder)
    sims = embed_parts(message_parts(text) or [text], embedder) @ vectors.matrix.T
    return {name: float(sims[:, vectors.owners == i].max()) for i, name in enumerate(vectors.names)}
