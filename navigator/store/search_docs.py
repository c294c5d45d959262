"""The search index's reads and writes: listings to index, cached embeddings, the store generation.

The only SQL the search area runs. Listings stream in batches (the whole record is in `record_json`),
so an index build at 100k listings never holds every ORM object at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from navigator.store import models as m

BATCH = 2000


def store_generation(session: Session) -> int:
    """The counter every listing-changing write bumps (0 for a store that was never written)."""
    value = session.scalar(select(m.StoreState.generation).where(m.StoreState.id == 1))
    return int(value or 0)


def listing_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(m.Service)) or 0)


def iter_listings(session: Session, batch: int = BATCH) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    """(store id, source, status, record_json) for every listing, in id order."""
    last = 0
    while True:
        rows = session.execute(
            select(m.Service.id, m.Service.source, m.Service.status, m.Service.record_json)
            .where(m.Service.id > last)
            .order_by(m.Service.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield int(row[0]), str(row[1]), str(row[2]), dict(row[3])
        last = int(rows[-1][0])


def cached_embeddings(session: Session, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
    """Stored vectors for these text hashes under this model (missing ones are simply absent)."""
    wanted = list(dict.fromkeys(hashes))
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(wanted), 900):  # stay under SQLite's bound-parameter limit
        chunk = wanted[start : start + 900]
        rows = session.execute(
            select(m.Embedding.text_hash, m.Embedding.vector, m.Embedding.dimensions).where(
                m.Embedding.model == model, m.Embedding.text_hash.in_(chunk)
            )
        )
        for text_hash, blob, dims in rows:
            vector = np.frombuffer(blob, dtype="<f4")
            if vector.shape[0] == dims:
                found[text_hash] = vector
    return found


def store_embeddings(session: Session, model: str, vectors: dict[str, np.ndarray]) -> int:
    """Add vectors not yet stored (a concurrent writer may have added some: those are skipped)."""
    if not vectors:
        return 0
    existing = set(cached_embeddings(session, model, vectors))
    now = datetime.now(UTC).replace(tzinfo=None)
    added = 0
    for text_hash, vector in vectors.items():
        if text_hash in existing:
            continue
        data = np.ascontiguousarray(vector, dtype="<f4")
        session.add(
            m.Embedding(
                model=model,
                text_hash=text_hash,
                dimensions=int(data.shape[0]),
                vector=data.tobytes(),
                created_at=now,
            )
        )
        added += 1
    return added


def embedding_count(session: Session, model: str) -> int:
    return int(
        session.scalar(select(func.count()).select_from(m.Embedding).where(m.Embedding.model == model)) or 0
    )
