"""POST /api/chat speed at 10,000 listings, end to end over HTTP (target: p95 ≤ 50 ms).

    HF_HUB_OFFLINE=1 python bench/chat_bench.py            # 10,000 listings
    HF_HUB_OFFLINE=1 python bench/chat_bench.py --n 50000

The bundled sample directory (279 services, original to this project, so no ../shared needed) is
scaled up with varied copies: each copy gets a town appended to its text, a venue at a random
outward code, and its vector nudged by noise (re-normalised), so copies neither collide nor rank
identically. Navigator runs as `navigator serve` in its own process; scripted conversations
(need → place → options → follow-ups, a crisis, a medical question, odd input) are played against
it with the conversation token carried between turns. Every message goes through the real safety
check (phrase rules + semantic match with the real model) before anything else, as in production.
Each round words its searches a little differently ("... please", "... this week") so caches do not
flatter the figures. Reported: p50/p95/p99 per kind of turn and overall, after one warm-up pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from copy import deepcopy
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.pipeline import import_paths
from navigator.search.bundle import directory_towns, write_bundle
from navigator.search.embedder import load_embedder, model_id_for
from navigator.search.facts import fold
from navigator.search.index_build import read_facts
from navigator.search.places import AreaResolver
from navigator.search.publish import new_build_id, publish, staging_folder
from navigator.store.db import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
TOWNS = ["Leeds", "Norwich", "Exeter", "Derby", "York", "Carlisle", "Hull", "Bath", "Lincoln", "Dover"]

# Each conversation: (kind of turn, message). Tokens are carried from turn to turn.
CONVERSATIONS = [
    [
        ("open", ""),
        ("need", "I need a food bank"),
        ("place", "Hythe"),
        ("free", "anything free?"),
        ("more", "something else"),
        ("none", "none of these"),
        ("widen", "look further away"),
    ],
    [
        ("open", ""),
        ("need+place", "I've been lonely since my wife died, I live in Scunthorpe"),
        ("online", "online instead"),
        ("more", "something else"),
        ("person", "talk to a person"),
    ],
    [
        ("need+place", "help with debt and my gas bill near BS5"),
        ("age", "it's for my daughter, she's 13"),
        ("closer", "closer to home"),
        ("free", "anything free?"),
    ],
    [
        ("need+place", "a knitting group in Folkestone"),
        ("crisis", "honestly i dont want to be here anymore"),
        ("carry-on", "carry on"),
        ("more", "something else"),
    ],
    [
        ("need+place", "somewhere to talk about feeling anxious, CT20"),
        ("medical", "how much sertraline can I take"),
        ("odd", "😀😀😀"),
        ("odd", "Je cherche une banque alimentaire"),
    ],
    [
        ("need+place", "support for carers of someone with dementia in Bristol"),
        ("days", "what about weekends"),
        ("thanks", "thanks"),
    ],
]


def scaled(n: int, data_dir: Path, seed: int = 7) -> tuple[list, np.ndarray, list]:  # type: ignore[type-arg]
    """The sample directory imported into a store, then copied up to n listings."""
    settings = Settings(data_dir=data_dir)
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    facts, _generation = read_facts(store)
    store.dispose()
    table = OutcodeTable.load_default()
    embedder = load_embedder(settings)
    base = embedder.embed_documents([f.text for f in facts])
    resolver = AreaResolver(table, directory_towns(facts))
    resolver.learn_ambiguity(f.text for f in facts)
    areas = [resolver.listing_keys(f) for f in facts]
    rng = np.random.default_rng(seed)
    codes = [
        c for c in getattr(table, "_by_outcode", {}) if c[:2] in ("CT", "DN", "BS", "LS", "NR", "EX", "YO")
    ]
    out_facts, out_areas = [], []
    vectors = np.empty((n, base.shape[1]), dtype=np.float32)
    for i in range(n):
        j = i % len(facts)
        f = deepcopy(facts[j]) if i >= len(facts) else facts[j]
        if i >= len(facts):
            town = TOWNS[(i // len(facts)) % len(TOWNS)]
            f.source_id = f"{f.source_id}~{i // len(facts)}"
            f.store_id = i + 1
            f.text = f"{f.text} {town}"
            info = table.info(codes[int(rng.integers(len(codes)))])
            if info is not None and f.points:
                f.points = [(info.lat + float(rng.normal(0, 0.02)), info.lon + float(rng.normal(0, 0.02)))]
            vec = base[j] + rng.normal(0, 0.04, base.shape[1]).astype(np.float32)
            vectors[i] = vec / np.linalg.norm(vec)
            out_areas.append(areas[j] | {fold(town)})
        else:
            vectors[i] = base[j]
            out_areas.append(areas[j])
        out_facts.append(f)
    return out_facts, vectors, out_areas


def build(n: int, data_dir: Path) -> None:
    facts, vectors, areas = scaled(n, data_dir)
    index_dir = data_dir / "index"
    build_id = new_build_id()
    staging = staging_folder(index_dir, build_id)
    manifest = write_bundle(
        staging,
        build_id=build_id,
        facts=facts,
        vectors=vectors,
        area_keys=areas,
        model_id=model_id_for(Settings(data_dir=data_dir)),
        store_generation=0,
    )
    publish(index_dir, staging, build_id)
    print(f"{manifest.count:,} listings, backend {manifest.backend}")


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))


# Each round words its searches a little differently, so understanding and query vectors are not
# simply served from their caches (the safety check never caches: it embeds every message).
VARIANTS = ["", " please", " if possible", " for me", " thank you", " asap", " nearby", " this week", " x"]
SEARCHING = {"need", "need+place", "age", "days", "crisis", "medical"}


def play(url: str, rounds: int, first_round: int = 0) -> dict[str, list[float]]:
    import httpx

    times: dict[str, list[float]] = {}
    with httpx.Client(timeout=120) as client:
        for r in range(first_round, first_round + rounds):
            for conversation in CONVERSATIONS:
                token = None
                for kind, said in conversation:
                    message = said + VARIANTS[r % len(VARIANTS)] if kind in SEARCHING else said
                    started = time.perf_counter()
                    response = client.post(url, json={"message": message, "conversation": token})
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (kind, response.status_code, response.text[:200])
                    token = response.json()["conversation"]
                    times.setdefault(kind, []).append(elapsed)
    return times


def serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NAVIGATOR_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "NAVIGATOR_CHAT_RATE_PER_MINUTE": "100000",  # one client plays every conversation
    }
    command = [str(Path(sys.executable).parent / "navigator"), "serve", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_until_ready(base: str) -> float:
    import httpx

    started = time.perf_counter()
    for _ in range(3000):
        try:
            if httpx.get(base + "/widget/panel.css", timeout=5).status_code == 200:
                # the first message waits for the safety examples' vectors (computed at start-up)
                httpx.post(base + "/api/chat", json={"message": "food bank in Hythe"}, timeout=300)
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("Navigator did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=8, help="passes over the scripted conversations")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="navigator-chat-bench-"))
    t0 = time.perf_counter()
    build(args.n, data_dir)
    print(f"index built in {time.perf_counter() - t0:.1f} s")
    base = f"http://127.0.0.1:{args.port}"
    process = serve(data_dir, args.port)
    try:
        print(f"server ready in {wait_until_ready(base):.1f} s")
        play(base + "/api/chat", 1)  # warm-up: every code path once
        times = play(base + "/api/chat", args.rounds, first_round=1)
    finally:
        process.terminate()
        process.wait(10)
    every = [t for values in times.values() for t in values]
    report = {
        kind: {"n": len(v), "p50": round(statistics.median(v), 1), "p95": round(pct(v, 95), 1)}
        for kind, v in sorted(times.items())
    }
    report["ALL"] = {
        "n": len(every),
        "p50": round(statistics.median(every), 1),
        "p95": round(pct(every, 95), 1),
        "p99": round(pct(every, 99), 1),
    }
    print(json.dumps(report, indent=1))
    print(f"POST /api/chat at {args.n:,} listings: p95 {report['ALL']['p95']} ms (target ≤ 50 ms)")


if __name__ == "__main__":
    random.seed(7)
    main()
