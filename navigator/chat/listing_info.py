"""What the chat needs to know about a result beyond the search response: is it local (has a venue
or serves a named area, so a place matters) and what does it cost, in words.

Read from the loaded index build (filter arrays and display docs), so it costs no store query.
If the search core's internals change shape, everything here degrades to "assume local, cost not
stated" rather than failing a reply.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from navigator.search.filters import FREE_NO, FREE_YES

log = logging.getLogger(__name__)
MAX_FEES_CHARS = 120


@dataclass(frozen=True)
class ListingInfo:
    local: bool  # has a venue or a named service area: results for it depend on place
    free: bool | None  # True free, False charges, None not stated
    fees: str | None  # the publisher's own words about cost, shortened
    schedule: str | None  # "Tuesdays 10:00–12:00", or the publisher's wording


class _BundleIndex:
    def __init__(self, bundle: Any) -> None:
        f = bundle.filters
        self.bundle = bundle
        self.rows = {(s, i): r for r, (s, i) in enumerate(zip(bundle.sources, bundle.ids, strict=True))}
        self.by_id: dict[str, int] = {}
        for r, i in enumerate(bundle.ids):
            self.by_id.setdefault(i, r)
        has_area = np.zeros(f.n, dtype=bool)
        has_area[f.areas.rows] = True
        self.local = np.asarray(f.has_location) | has_area
        self.free = f.free


class ListingLookup:
    """Per-build lookups, rebuilt when the search service swaps to a new build."""

    def __init__(self) -> None:
        self._current: _BundleIndex | None = None  # for the build the search service has loaded
        self._lock = threading.Lock()

    def _index(self, search: Any) -> _BundleIndex | None:
        try:
            bundle = search.searcher.bundle
        except Exception:  # no index loaded: the caller reports that separately
            return None
        with self._lock:
            index = self._current
            if index is None or index.bundle is not bundle:
                try:
                    index = _BundleIndex(bundle)
                except Exception:
                    log.exception("chat: could not read listing facts from the index build")
                    return None
                self._current = index
        return index

    def info(self, search: Any, source: str, listing_id: str) -> ListingInfo:
        index = self._index(search)
        if index is None:
            return ListingInfo(local=True, free=None, fees=None, schedule=None)
        row = index.rows.get((source, listing_id), index.by_id.get(listing_id))
        if row is None:
            return ListingInfo(local=True, free=None, fees=None, schedule=None)
        flag = int(index.free[row])
        free = True if flag == FREE_YES else (False if flag == FREE_NO else None)
        fees = schedule = None
        try:
            doc = index.bundle.docs.get(row)
            fees = _short(doc.get("fees"))
            schedule = _schedule(doc.get("schedules") or [])
        except Exception:  # a display nicety; never worth failing a reply for
            log.warning("chat: could not read display details of listing row %s", row)
        return ListingInfo(local=bool(index.local[row]), free=free, fees=fees, schedule=schedule)


def _short(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = " ".join(value.split())
    return text if len(text) <= MAX_FEES_CHARS else text[: MAX_FEES_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _schedule(schedules: list[dict[str, Any]]) -> str | None:
    from navigator.search.schedule_text import schedule_line

    for s in schedules:
        line = schedule_line(s)
        if line:
            return line
    return None
