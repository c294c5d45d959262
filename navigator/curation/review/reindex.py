"""After a curator's change: rebuild the search index in the background, so the page answers at
once and search catches up within moments (embeddings are cached, so only changed listings are
embedded). Until the new build is published, search serves the previous one, marked stale."""

from __future__ import annotations

import logging
import threading
from typing import Any

from starlette.background import BackgroundTasks

from navigator.config import Settings
from navigator.search.index_build import index_status, rebuild_after_import
from navigator.store.db import Store

log = logging.getLogger(__name__)
PENDING = (
    "Search is being updated with this change in the background; until then it shows the "
    "previous version of the listing."
)


def schedule_rebuild(app_state: Any, background: BackgroundTasks) -> str:
    """Queue one rebuild after the response; returns what to tell the curator."""
    lock = getattr(app_state, "review_reindex_lock", None)
    if lock is None:
        lock = threading.Lock()
        app_state.review_reindex_lock = lock
    background.add_task(rebuild_if_stale, app_state.settings, app_state.store, lock)
    return PENDING


def rebuild_if_stale(settings: Settings, store: Store, lock: threading.Lock) -> str:
    """One rebuild at a time; a queued one whose changes an earlier build already covered does nothing."""
    with lock:
        try:
            if not index_status(settings, store).stale:
                return "Search index already up to date."
        except Exception as exc:  # a status problem must not stop the rebuild that would fix it
            log.warning("review: index status unreadable (%s); rebuilding", exc)
        message = rebuild_after_import(settings, store)
        log.info("review: %s", message)
        return message
