"""The ONNX embedder's document path (token-sorted small batches on single-threaded sessions side by
side) gives the same vectors as embedding each text alone, in input order."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from navigator.config import Settings
from navigator.search.embedder import load_embedder

pytestmark = pytest.mark.slow

TEXTS = [
    "Befriending calls for older people living alone in Hythe",
    "",
    "Food bank",
    "Debt advice, benefits checks and help with energy bills. " * 12,
    "Carers' café — Tuesdays 10–12 at the library ☕",
    "x " * 600,  # beyond the 256-token truncation
    "Walking group",
    "Bereavement support after the death of a partner, one-to-one and in groups",
    "Ayuda para personas mayores",
    "Domestic abuse outreach",
    "Toddler group",
]


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_embedder(Settings(data_dir=tmp_path_factory.mktemp("embed")))


def test_batched_documents_match_one_at_a_time_in_input_order(embedder) -> None:  # type: ignore[no-untyped-def]
    together = embedder.embed_documents(TEXTS)
    alone = np.stack([embedder.embed_query(text) for text in TEXTS])
    assert together.shape == (len(TEXTS), embedder.dimensions)
    assert np.min(np.sum(together * alone, axis=1)) > 0.9999
    assert embedder.embed_documents([]).shape == (0, embedder.dimensions)


def test_documents_from_several_threads_at_once(embedder) -> None:  # type: ignore[no-untyped-def]
    expected = embedder.embed_documents(TEXTS)
    results: dict[int, np.ndarray] = {}

    def work(n: int) -> None:
        results[n] = embedder.embed_documents(TEXTS[n:] + TEXTS[:n])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for n, vectors in results.items():
        assert np.allclose(vectors, np.roll(expected, -n, axis=0), atol=1e-5)
    assert len(results) == 4
