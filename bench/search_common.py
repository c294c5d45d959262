"""Shared by the search benches: the real listings (../shared) as ServiceRecords, their vectors
(cached under /tmp), and an index build over them in a temporary folder."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.record import Address, Location, Organization, ServiceRecord, TaxonomyTerm
from navigator.search.bundle import IndexBundle, directory_towns, write_bundle
from navigator.search.doctext import text_hash
from navigator.search.embedder import Embedder
from navigator.search.facts import ListingFacts, listing_facts
from navigator.search.places import AreaResolver

SHARED = Path(os.environ.get("NAVIGATOR_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
REAL = SHARED / "data" / "real"
DEV = SHARED / "eval" / "dev-queries.jsonl"
CACHE = Path("/tmp/navigator-bench")
TABLE = OutcodeTable.load_default()


def common_records() -> list[tuple[str, ServiceRecord]]:
    out = []
    for folder in ("oruk-bristol-northlincs", "folkestone-hythe"):
        for line in (REAL / folder / "services_common.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            if not (row.get("name") or row.get("description")):
                continue
            locations = []
            if row.get("postcode") and not row.get("lat") and TABLE.centroid(row["postcode"]):
                # the importer geocodes postcodes offline to the outcode centroid; do the same here
                row["lat"], row["lon"] = TABLE.centroid(row["postcode"])
            if row.get("postcode") or row.get("lat"):
                city = (row.get("address") or "").split(",")[-1].strip() or None
                locations.append(
                    Location(
                        latitude=row.get("lat"),
                        longitude=row.get("lon"),
                        addresses=[
                            Address(address_1=row.get("address"), city=city, postal_code=row.get("postcode"))
                        ],
                    )
                )
            out.append(
                (
                    row["source"],
                    ServiceRecord(
                        source_id=row["source_id"],
                        name=row.get("name") or row.get("organisation") or "(no name)",
                        description=row.get("description"),
                        organization=Organization(name=row["organisation"])
                        if row.get("organisation")
                        else None,
                        taxonomy_terms=[TaxonomyTerm(term=c) for c in row.get("categories") or []],
                        locations=locations,
                        is_free=True if row.get("cost") == "Free" else None,
                        url=row.get("website"),
                    ),
                )
            )
    return out


def embed_cached(embedder: Embedder, texts: list[str]) -> np.ndarray:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"vectors-{embedder.model_id}.npz"
    known: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [text_hash(t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in known]
    if missing:
        vectors = embedder.embed_documents([texts[i] for i in missing])
        for i, v in zip(missing, vectors, strict=True):
            known[keys[i]] = v
        np.savez(path, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[k] for k in keys])


def facts_and_areas(table: OutcodeTable) -> tuple[list[ListingFacts], list[set[str]]]:
    facts = [listing_facts(i + 1, source, rec) for i, (source, rec) in enumerate(common_records())]
    resolver = AreaResolver(table, directory_towns(facts))
    resolver.learn_ambiguity(f.text for f in facts)
    return facts, [resolver.listing_keys(f) for f in facts]


def build_real_bundle(embedder: Embedder, table: OutcodeTable) -> IndexBundle:
    facts, areas = facts_and_areas(table)
    vectors = embed_cached(embedder, [f.text for f in facts])
    folder = Path(tempfile.mkdtemp(prefix="navbench-"))
    write_bundle(
        folder,
        build_id="bench",
        facts=facts,
        vectors=vectors,
        area_keys=areas,
        model_id=embedder.model_id,
        store_generation=0,
    )
    return IndexBundle.load(folder, embedder.model_id, embedder.dimensions)


def load_dev() -> list[dict]:
    return [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]


# ---- the scaled corpus of the speed benches -------------------------------------------------------
TOWNS = [
    "Scunthorpe",
    "Folkestone",
    "Hythe",
    "Bristol",
    "Leeds",
    "Norwich",
    "Exeter",
    "Derby",
    "York",
    "Carlisle",
    "Hull",
    "Bath",
    "Lincoln",
    "Dover",
    "Margate",
    "Truro",
    "Kendal",
    "Ely",
]
NOISE = 0.04  # per-dimension noise added to each copy's vector before re-normalising


def base_vectors(facts: list[ListingFacts]) -> np.ndarray:
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    return embed_cached(load_embedder(Settings(data_dir=CACHE)), [f.text for f in facts])


def scaled_vectors(n: int, base: np.ndarray | None = None, seed: int = 7) -> np.ndarray:
    """Row i is the real listing i % len(base); copies (i >= len(base)) are nudged by noise and
    re-normalised, so they neither collide nor rank identically. Deterministic for (n, seed)."""
    if base is None:
        base = base_vectors(facts_and_areas(TABLE)[0])
    rng = np.random.default_rng(seed + 1000)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    chunk = 100_000
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        block = base[rows % base.shape[0]].copy()
        copy = rows >= base.shape[0]
        block[copy] += rng.normal(0, NOISE, (int(copy.sum()), base.shape[1])).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[rows] = block
    return out


def speed_queries() -> list[str]:
    """The dev queries, the same with a town, 20 with "free", and three short keyword queries."""
    dev = [q["query"] for q in load_dev()]
    extra = [f"{q} near {TOWNS[i % len(TOWNS)]}" for i, q in enumerate(dev)]
    extra += [f"free {q.split('.')[0]}" for q in dev[:20]] + ["food bank", "men's shed", "Citizens Advice"]
    return dev + extra
