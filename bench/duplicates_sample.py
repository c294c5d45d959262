"""Import the real datasets into a fresh store and print a random sample of the possible-duplicate
pairs, side by side, for hand-checking precision (see bench/README.md for the last check).

    python bench/duplicates_sample.py [--shared ../shared] [--sample 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from sqlalchemy import select

from navigator.config import Settings
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store


def sources(shared: Path) -> dict[str, list[Path]]:
    real = shared / "data" / "real"
    oruk = real / "oruk-bristol-northlincs" / "raw"
    return {
        "oruk-bristol-northlincs": sorted(oruk.glob("*.json")),
        "folkestone-hythe": [real / "folkestone-hythe" / "raw"],
        "miami-211": [real / "miami-211-hsds" / "raw"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        store = Store.open(settings)
        for source, paths in sources(args.shared).items():
            report = import_paths(store, paths, settings=settings, source=source)
            print(f"{source}: {report.accepted} listings, {len(report.duplicates)} possible duplicates")
        with store.read() as session:
            pairs = list(session.scalars(select(m.PossibleDuplicate)))
            print(f"total pairs: {len(pairs)}")
            random.seed(args.seed)
            for n, pair in enumerate(random.sample(pairs, min(args.sample, len(pairs))), 1):
                a, b = (
                    session.get_one(m.Service, pair.service_a_id),
                    session.get_one(m.Service, pair.service_b_id),
                )
                print(f"\n#{n} score {pair.score}: {'; '.join(pair.reasons)}")
                for s in (a, b):
                    org = s.organization.name if s.organization else "—"
                    text = (s.description or "").replace("\n", " ")[:160]
                    print(f"  [{s.source}:{s.source_id}] {s.name} | {org} | {text}")
        store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
