"""The listings an export writes: every one (or one source's), in store order, with outward ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from navigator.oruk.api import Listing, prepare
from navigator.store import oruk_queries as q
from navigator.store.db import Store
from navigator.store.oruk_queries import ServiceFilter

BATCH = 500


@contextmanager
def open_listings(store: Store, source: str | None = None) -> Iterator[tuple[int, Iterator[Listing]]]:
    """(how many, the listings) read in one transaction, so the count and the rows agree. Ids are
    resolved against every collision in the store: an export names each listing as the API does."""
    with store.read() as session:
        total = q.count_services(session, ServiceFilter(source=source))
        yield total, _listings(session, source)


def _listings(session: Session, source: str | None) -> Iterator[Listing]:
    owners = q.all_owners(session)
    batch = []
    for row in q.iter_listings(session, source, BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield from prepare(session, batch, owners)
            batch = []
    if batch:
        yield from prepare(session, batch, owners)
