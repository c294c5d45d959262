"""How fast the navigator's results page renders server-side at 10,000 listings.

    HF_HUB_OFFLINE=1 python bench/pages_bench.py                 # builds /tmp/navigator-pages-bench once
    HF_HUB_OFFLINE=1 python bench/pages_bench.py --n 10000 --rebuild --out bench/results/pages.json

The sample directory (279 listings) is scaled up with varied copies: each copy is moved to another
English outward code (its centroid), its town named in its text, and its id suffixed, so copies
neither collide nor rank identically. The directory is imported through the normal pipeline and
indexed with the real embedding model. Then GET /?q=...&where=... runs in-process (TestClient: the
whole app — routing, search, the card-extras query, the shortlist cookie, Jinja rendering — but no
network) for typical navigator queries: first sight (query not yet embedded) and then warm, repeated.
The issue's bar: median ≤ 50 ms at 10,000 listings.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
AREAS = ("DN", "CT", "BS", "LS", "NR", "EX", "YO", "HU", "LN", "CA")
QUERIES = [
    ("lonely since my wife died", "CT21"),
    ("food bank", "DN15"),
    ("help with debt and bills", "BS1"),
    ("my mum has dementia and I'm her carer", "LS6"),
    ("something to do for an older man who lives alone", "NR2"),
    ("feeling low and anxious", "EX4"),
    ("walking group", "YO1"),
    ("bereavement support, befriending", "DN15"),
    ("struggling to heat my home", "HU5"),
    ("free exercise class for over 60s", "LN2"),
    ("new mum feeling isolated", "CA1"),
    ("benefits advice", "CT20 6AA"),
]


def scaled_csv(n: int, out: Path, seed: int = 7) -> int:
    """Write n listings (copies of the sample, moved about England) to `out`; returns the count."""
    from navigator.geo.outcodes import OutcodeTable

    table = OutcodeTable.load_default()
    rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8")))
    codes = sorted({c for group in table.towns().values() for c in group if c[:2] in AREAS})
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    rng = random.Random(seed)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            copy = i // len(rows)
            if copy:
                code = rng.choice(codes)
                info = table.info(code)
                assert info is not None
                town = info.town or code
                row["service_id"] = f"{row['service_id']}~{copy}"
                row["service_name"] = f"{row['service_name']} ({town})"
                row["description"] = f"{row['description']} Based in {town}."
                row["town"] = town
                row["postcode"] = f"{code} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
                row["latitude"] = f"{info.lat + rng.uniform(-0.01, 0.01):.5f}"
                row["longitude"] = f"{info.lon + rng.uniform(-0.01, 0.01):.5f}"
                row["service_area"] = town
            writer.writerow(row)
    return n


def build(data_dir: Path, n: int) -> dict[str, float]:
    from navigator.config import Settings
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "scaled.csv"
    scaled_csv(n, path)
    settings = Settings(data_dir=data_dir, max_import_file_bytes=500 * 1024 * 1024)
    store = Store.open(settings)
    started = time.perf_counter()
    report = import_paths(store, [path], settings=settings, source="bench")
    imported = time.perf_counter() - started
    print(f"imported {report.counts()} in {imported:.1f}s", file=sys.stderr)
    started = time.perf_counter()
    build_index(settings, store)
    indexed = time.perf_counter() - started
    print(f"indexed in {indexed:.1f}s", file=sys.stderr)
    store.dispose()
    return {"import_s": round(imported, 1), "index_s": round(indexed, 1)}


def measure(data_dir: Path, repeats: int) -> dict[str, object]:
    from fastapi.testclient import TestClient

    from navigator.app.factory import create_app
    from navigator.config import Settings

    settings = Settings(data_dir=data_dir, search_rate_per_minute=10**6)  # one client sends every request
    cold: list[float] = []
    warm: list[float] = []
    search_ms: list[float] = []
    with TestClient(create_app(settings)) as client:
        count = client.app.state.search.searcher.bundle.count  # type: ignore[attr-defined]
        client.get("/", params={"q": "warm up the model", "where": "DN15"})
        for q, where in QUERIES:
            started = time.perf_counter()
            response = client.get("/", params={"q": q, "where": where}, headers={"accept": "text/html"})
            cold.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and 'class="card result"' in response.text, (
                q,
                response.status_code,
            )
        for _ in range(repeats):
            for q, where in QUERIES:
                started = time.perf_counter()
                response = client.get("/", params={"q": q, "where": where}, headers={"accept": "text/html"})
                warm.append((time.perf_counter() - started) * 1000)
                took = client.get("/api/search", params={"q": q, "postcode": where}).json()["took_ms"]
                search_ms.append(float(took))
    return {
        "listings": count,
        "queries": len(QUERIES),
        "repeats": repeats,
        "first_sight_median_ms": round(statistics.median(cold), 1),
        "first_sight_p90_ms": round(sorted(cold)[int(0.9 * (len(cold) - 1))], 1),
        "page_median_ms": round(statistics.median(warm), 1),
        "page_p90_ms": round(sorted(warm)[int(0.9 * (len(warm) - 1))], 1),
        "search_only_median_ms": round(statistics.median(search_ms), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="listings in the scaled directory")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/navigator-pages-bench"))
    parser.add_argument("--rebuild", action="store_true", help="rebuild the scaled directory and index")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    built: dict[str, float] = {}
    if args.rebuild or not (args.data_dir / "index").exists():
        built = build(args.data_dir, args.n)
    result = {**measure(args.data_dir, args.repeats), **built}
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
