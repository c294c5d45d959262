"""A store and a published index of N listings for the load runs, built the way the product stores
listings (the importer), then scaled up with varied copies the way the search benches scale them.

1. The base listings are imported by the real importer (every child row a page shows: phones,
   schedules, venues, categories): the real Bristol + North Lincolnshire and Folkestone feeds when
   ../shared is beside the repo, otherwise the bundled sample directory (279 services, original to
   this project).
2. Their vectors come from the embedding cache of the search benches (/tmp/navigator-bench, keyed by
   text hash), so the real model embeds each base text at most once across all runs.
3. Copies up to N are written in SQL, one round per copy of the base set: copy k sits in another
   English town (its description starts with the town's name, its venue moves to the town's centre
   ± ~2 km in the record the index reads) and its vector is the original's nudged by noise and re-normalised
   (`search_common.scaled_vectors`), so copies neither collide nor rank identically. Child rows are
   copied with INSERT ... SELECT; copies share the original's venue rows, so a copy's detail page
   shows the original's address (a page costs the same either way).
4. The index is built by the product's `build_index` with an embedder that refuses to embed: every
   vector must already be in the store (100k listings are never re-embedded).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import func, insert, select, text

BENCH = Path(__file__).resolve().parents[1]
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from search_common import embed_cached, scaled_vectors  # noqa: E402

from navigator.config import Settings  # noqa: E402
from navigator.geo.outcodes import OutcodeTable  # noqa: E402
from navigator.ingest.pipeline import import_paths  # noqa: E402
from navigator.ingest.record import ServiceRecord  # noqa: E402
from navigator.search.doctext import document_text_from_record, text_hash  # noqa: E402
from navigator.search.embedder import Embedder, load_embedder, model_id_for  # noqa: E402
from navigator.search.index_build import build_index, read_facts  # noqa: E402
from navigator.search.manifest import Manifest  # noqa: E402
from navigator.store import models as m  # noqa: E402
from navigator.store import search_docs  # noqa: E402
from navigator.store.db import Store  # noqa: E402

SHARED_REAL = Path(os.environ.get("NAVIGATOR_SHARED_DIR", REPO.parent / "shared")) / "data" / "real"
SAMPLE = REPO / "directory_data" / "sample-services.csv"
# Towns the copies move to, with an outward code at each town's centre (none is in the base data).
COPY_TOWNS = [
    ("Leeds", "LS1"),
    ("Norwich", "NR1"),
    ("Exeter", "EX1"),
    ("Derby", "DE1"),
    ("York", "YO1"),
    ("Carlisle", "CA1"),
    ("Hull", "HU1"),
    ("Bath", "BA1"),
    ("Lincoln", "LN1"),
    ("Dover", "CT16"),
    ("Margate", "CT9"),
    ("Truro", "TR1"),
    ("Kendal", "LA9"),
    ("Manchester", "M1"),
    ("Birmingham", "B1"),
    ("Newcastle", "NE1"),
    ("Plymouth", "PL1"),
    ("Sheffield", "S1"),
    ("Liverpool", "L1"),
]
QUARTERS = [
    ("", (0.0, 0.0)),
    ("North", (0.03, 0.0)),
    ("South", (-0.03, 0.0)),
    ("East", (0.0, 0.05)),
    ("West", (0.0, -0.05)),
    ("Central", (0.01, 0.01)),
]
# Listing content rows copied with each listing (the relationships a detail page loads).
CHILD_TABLES = [
    "phone",
    "contact",
    "schedule",
    "cost_option",
    "eligibility",
    "language",
    "service_area",
    "service_taxonomy_term",
    "service_at_location",
]


@dataclass
class Corpus:
    """What was prepared: where, how many listings, from which base, and how long it took."""

    data_dir: Path
    listings: int
    base: str  # "shared" (real feeds) or "sample"
    base_listings: int
    model_id: str
    seconds: float
    reused: bool
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds per preparation stage


class NoEmbedding:
    """Stands in for the model in the index build: every vector must come from the store."""

    def __init__(self, model_id: str, dimensions: int) -> None:
        self.model_id = model_id
        self.dimensions = dimensions

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"{len(texts)} listing texts had no stored embedding")

    def embed_query(self, text: str) -> np.ndarray:
        raise AssertionError("the index build embeds no queries")


def base_sources() -> tuple[str, list[tuple[str, list[Path]]]]:
    """("shared", the real feeds) when ../shared is present, else ("sample", the sample directory)."""
    raw_bn = SHARED_REAL / "oruk-bristol-northlincs" / "raw"
    raw_fh = SHARED_REAL / "folkestone-hythe" / "raw"
    if raw_bn.is_dir() and raw_fh.is_dir():
        feeds = [
            raw_bn / "bristol_council_services.json",
            raw_bn / "north_lincolnshire_council_services.json",
        ]
        return "shared", [("oruk-bristol-northlincs", feeds), ("folkestone-hythe", [raw_fh])]
    return "sample", [("sample", [SAMPLE])]


def prepare(settings: Settings, n: int, *, base: str = "auto", reuse: bool = False) -> Corpus:
    """A store and published index of exactly n listings in `settings.data_dir` (must be empty
    unless `reuse` finds a finished corpus of this size there)."""
    clock = _Stages()
    store = Store.open(settings)
    try:
        with store.read() as session:
            have = search_docs.listing_count(session)
        model_id = model_id_for(settings)
        marker = settings.data_dir / "load-corpus.json"
        if reuse and have == n and _index_count(settings) == n and marker.exists():
            return Corpus(**{**json.loads(marker.read_text()), "data_dir": settings.data_dir, "reused": True})
        if have:
            raise SystemExit(f"{settings.data_dir} already holds {have:,} listings: remove it and re-run")
        kind, sources = ("sample", [("sample", [SAMPLE])]) if base == "sample" else base_sources()
        for source, paths in sources:
            report = import_paths(store, paths, settings=settings, source=source, actor="load-bench")
            if report.file_errors:
                raise SystemExit(f"importing {source} failed: {report.file_errors}")
        clock.lap("import the base listings")
        facts, _generation = read_facts(store)
        if n < len(facts):
            raise SystemExit(f"--n {n:,} is below the {len(facts):,} base listings; ask for more")
        texts = [f.text for f in facts]
        if settings.embedding_backend == "fake":
            base_vectors = load_embedder(settings).embed_documents(texts)
        else:
            base_vectors = embed_cached(cast(Embedder, _LazyEmbedder(settings)), texts)
        with store.write() as session:
            search_docs.store_embeddings(
                session, model_id, dict(zip(map(text_hash, texts), base_vectors, strict=True))
            )
        clock.lap("base vectors (cache, else the model)")
        _add_copies(store, n, model_id, scaled_vectors(n, base_vectors))
        clock.lap("copies")
        build_index(settings, store, NoEmbedding(model_id, int(base_vectors.shape[1])))
        clock.lap("index build")
        corpus = Corpus(settings.data_dir, n, kind, len(facts), model_id, clock.total(), False, clock.laps)
        marker.write_text(json.dumps({k: v for k, v in asdict(corpus).items() if k != "data_dir"}))
        return corpus
    finally:
        store.dispose()


class _Stages:
    """Wall time per preparation stage, printed as it goes (a 100k build takes minutes)."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 1)
        self.last = now
        print(f"  {name}: {self.laps[name]:.1f} s", flush=True)

    def total(self) -> float:
        return round(time.perf_counter() - self.start, 1)


class _LazyEmbedder:
    """The real model, loaded only when the vector cache misses a text (all `embed_cached` uses)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_id = model_id_for(settings)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return load_embedder(self.settings).embed_documents(texts)


def _index_count(settings: Settings) -> int:
    from navigator.search.publish import current_folder

    folder = current_folder(settings.resolved_index_dir)
    return Manifest.read(folder).count if folder is not None else -1


def _add_copies(store: Store, n: int, model_id: str, vectors: np.ndarray) -> None:
    """Copies of the base listings up to n, one round per town; a copy whose text is already stored
    (two originals alike) shares that vector."""
    with store.read() as session:
        seen = set(session.scalars(select(m.Embedding.text_hash).where(m.Embedding.model == model_id)))
        base_rows = [
            dict(r) for r in session.execute(select(m.Service.__table__).order_by(m.Service.id)).mappings()
        ]
        contact_max = int(session.scalar(select(func.max(m.Contact.id))) or 0)
    size = len(base_rows)
    service_stride = int(base_rows[-1]["id"]) + 1
    contact_stride = contact_max + 1
    table = OutcodeTable.load_default()
    rng = np.random.default_rng(7)
    now = datetime.now(UTC).replace(tzinfo=None)
    for k in range(1, math.ceil(n / size)):
        town, centre = _copy_town(k, table)
        rows = base_rows[: min(size, n - k * size)]
        services, embeddings = [], []
        for j, row in enumerate(rows):
            record_json = _moved(row["record_json"], k, town, centre, rng)
            record = ServiceRecord.model_validate(record_json)
            digest = text_hash(document_text_from_record(record))
            services.append(
                {
                    **row,
                    "id": row["id"] + k * service_stride,
                    "source_id": record.source_id,
                    "description": record.description,
                    "record_json": record_json,
                    "content_hash": digest,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if digest not in seen:
                seen.add(digest)
                vector = np.ascontiguousarray(vectors[k * size + j], dtype="<f4")
                embeddings.append(
                    {
                        "model": model_id,
                        "text_hash": digest,
                        "dimensions": int(vector.shape[0]),
                        "vector": vector.tobytes(),
                        "created_at": now,
                    }
                )
        with store.write() as session:
            session.execute(insert(m.Service), services)
            session.execute(insert(m.Embedding), embeddings)
            _copy_children(session, k * service_stride, k * contact_stride, int(rows[-1]["id"]))


def _copy_town(k: int, table: OutcodeTable) -> tuple[str, tuple[float, float]]:
    """Copy round k's town: the list in turn, then its quarters ("Leeds North"), so texts stay distinct."""
    town, outcode = COPY_TOWNS[(k - 1) % len(COPY_TOWNS)]
    quarter = (k - 1) // len(COPY_TOWNS) % len(QUARTERS)
    name, (dlat, dlon) = QUARTERS[quarter]
    info = table.info(outcode)
    assert info is not None, f"{outcode} is not in the outcode table"
    return f"{town} {name}".strip(), (info.lat + dlat, info.lon + dlon)


def _moved(
    record_json: dict[str, Any], k: int, town: str, centre: tuple[float, float], rng: Any
) -> dict[str, Any]:
    """Copy k of a record: its own id, the town named in its description, venues in that town."""
    out = dict(record_json)
    out["source_id"] = f"{record_json['source_id']}~{k}"
    # The town goes first: the indexed text keeps only the description's first 2,000 characters.
    out["description"] = f"{town}. {record_json.get('description') or ''}".strip()
    locations = []
    for loc in record_json.get("locations") or []:
        loc = dict(loc)
        if loc.get("latitude") is not None and loc.get("longitude") is not None:
            loc["latitude"] = centre[0] + float(rng.normal(0, 0.02))
            loc["longitude"] = centre[1] + float(rng.normal(0, 0.02))
        loc["addresses"] = [{**a, "city": town, "postal_code": None} for a in loc.get("addresses") or []]
        locations.append(loc)
    out["locations"] = locations
    return out


def _copy_children(session: Any, service_offset: int, contact_offset: int, last_base_id: int) -> None:
    """Each child row of base listings up to `last_base_id`, again for their copies (ids offset)."""
    params = {"so": service_offset, "co": contact_offset, "last": last_base_id}
    for name in CHILD_TABLES:
        columns = [c.name for c in m.Base.metadata.tables[name].columns]
        keep = [c for c in columns if c != "id" or name == "contact"]
        values = [
            "service_id + :so"
            if c == "service_id"
            else "contact_id + :co"
            if c == "contact_id"
            else "id + :co"
            if (name == "contact" and c == "id")
            else c
            for c in keep
        ]
        where = "service_id <= :last"
        if name == "phone":  # a contact's phone has no service_id, only its contact's
            where = (
                "(service_id <= :last OR contact_id IN (SELECT id FROM contact WHERE service_id <= :last))"
            )
        session.execute(
            text(
                f"INSERT INTO {name} ({', '.join(keep)}) SELECT {', '.join(values)} FROM {name} WHERE {where}"
            ),
            params,
        )
