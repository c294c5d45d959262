"""Import throughput: listings per second for the Miami HSDS package and for 10× it.

No embeddings here (they come with the search index). Each run imports into a fresh store, then
re-imports the same data to time the all-unchanged path.

    python bench/import_bench.py [--shared ../shared] [--scale 10] [--out bench/results/import.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from navigator.config import Settings
from navigator.ingest.pipeline import import_paths
from navigator.store.db import Store

ID_COLUMNS = {
    "id",
    "service_id",
    "location_id",
    "organization_id",
    "service_at_location_id",
    "contact_id",
    "program_id",
}
NOT_SCALED = {"taxonomy.csv"}  # a shared vocabulary: copies link to the same terms


def scale_package(src: Path, dest: Path, copies: int) -> Path:
    """Write `copies` variants of an HSDS CSV package, ids suffixed so every copy is a new listing."""
    csv.field_size_limit(1 << 26)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "datapackage.json", dest / "datapackage.json")
    (dest / "data").mkdir(exist_ok=True)
    for table in sorted((src / "data").glob("*.csv")):
        with (
            table.open(newline="", encoding="utf-8") as fin,
            (dest / "data" / table.name).open("w", newline="", encoding="utf-8") as fout,
        ):
            reader = csv.DictReader(fin)
            writer = csv.DictWriter(fout, fieldnames=reader.fieldnames or [])
            writer.writeheader()
            rows = list(reader)
            for k in range(1 if table.name in NOT_SCALED else copies):
                for row in rows:
                    out = dict(row)
                    if k:
                        for col in ID_COLUMNS & set(out):
                            if out[col]:
                                out[col] = f"{out[col]}-x{k}"
                        if out.get("name") and table.name == "services.csv":
                            out["name"] = f"{out['name']} ({k})"
                    writer.writerow(out)
    return dest


def timed_import(package: Path, work: Path) -> dict[str, float]:
    settings = Settings(data_dir=work)
    store = Store.open(settings)
    t0 = time.perf_counter()
    first = import_paths(store, [package], settings=settings, source="miami")
    t1 = time.perf_counter()
    again = import_paths(store, [package], settings=settings, source="miami")
    t2 = time.perf_counter()
    store.dispose()
    n = first.accepted
    return {
        "listings": n,
        "rejected": len(first.rejected),
        "first_import_s": round(t1 - t0, 2),
        "first_import_listings_per_s": round(n / (t1 - t0), 1),
        "reimport_unchanged": again.unchanged,
        "reimport_s": round(t2 - t1, 2),
        "reimport_listings_per_s": round(n / (t2 - t1), 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    miami = args.shared / "data/real/miami-211-hsds/raw"
    if not miami.is_dir():
        print(f"Miami package not found at {miami}", file=sys.stderr)
        return 2
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["miami_x1"] = timed_import(miami, Path(tmp) / "x1")
        print("miami ×1:", results["miami_x1"], flush=True)
        scaled = scale_package(miami, Path(tmp) / f"miami-x{args.scale}", args.scale)
        results[f"miami_x{args.scale}"] = timed_import(scaled, Path(tmp) / "xN")
        print(f"miami ×{args.scale}:", results[f"miami_x{args.scale}"], flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
