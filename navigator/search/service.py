"""The long-lived search service: loads the published index build, answers searches, and swaps to
a newly published build without a restart and without failing a request.

A request checks the CURRENT pointer at most once a second (one stat). When it changed, the new build
is loaded in a background thread while the old searcher keeps answering; the swap is a single
reference assignment once the new one is fully loaded, checked and has answered a probe search. A
build that fails to load (wrong model, a truncated or missing file) is logged as a warning and the old
one stays in service; when nothing is serving yet (a start), the newest older build that loads is
used instead and `degraded` says so. The broken build is not retried until CURRENT changes again.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from navigator.config import Settings
from navigator.search.bundle import IndexBundle
from navigator.search.embedder import Embedder, QueryCache, load_embedder, model_id_for
from navigator.search.engine import Searcher
from navigator.search.factory import build_searcher
from navigator.search.manifest import IndexMismatch
from navigator.search.publish import builds, current_folder, pointer_stamp
from navigator.search.schema import SearchRequest, SearchResponse

if TYPE_CHECKING:
    from navigator.geo.outcodes import OutcodeTable
    from navigator.store.db import Store

log = logging.getLogger(__name__)


class IndexUnavailable(Exception):
    """No usable index is loaded; the message says why and what to run."""


class SearchService:
    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        embedder: Embedder | None = None,
        table: OutcodeTable | None = None,
        check_interval: float = 1.0,
    ) -> None:
        self.settings = settings
        self.store = store
        self._embedder = embedder
        self._table = table
        self.check_interval = check_interval
        self._searcher: Searcher | None = None
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self.problem: str | None = None  # why nothing can be searched (requests get IndexUnavailable)
        self.degraded: str | None = None  # why an older build than the published one is serving
        self._failed_stamp: tuple[int, int] | None = None
        self._query_cache: QueryCache | None = None
        self._generation: tuple[float, int] = (0.0, -1)

    # ---- loading ---------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def table(self) -> OutcodeTable:
        if self._table is None:
            from navigator.geo.outcodes import OutcodeTable

            self._table = OutcodeTable.load_default()
        return self._table

    def _load(self, stamp: tuple[int, int] | None) -> None:
        index_dir = self.settings.resolved_index_dir
        folder = current_folder(index_dir)
        if folder is None:
            self.problem = f"No search index has been built in {index_dir}. Run `navigator index build`."
            return
        try:
            searcher = self._open(folder)
            note = None
        except Exception as exc:
            self._failed_stamp = stamp  # not retried until CURRENT changes again
            problem = _why_not_loaded(folder, exc)
            serving = self._searcher
            if serving is not None:
                self.degraded = f"{problem} Still serving build {serving.bundle.manifest.build_id}."
                log.warning("search: %s", self.degraded)
                return
            fallback = self._open_previous(index_dir, skip=folder.name)
            if fallback is None:
                self.problem = problem
                log.error("search index not loaded: %s", problem)
                return
            searcher = fallback
            note = f"{problem} Serving the previous build {searcher.bundle.manifest.build_id} instead."
            log.warning("search: %s", note)
        old, self._searcher = self._searcher, searcher  # the swap: one assignment
        self._stamp = stamp
        self.problem = None
        self.degraded = note
        log.info("search index %s loaded (%d listings)", folder.name, searcher.bundle.count)
        # `old` is not closed here: requests still holding it finish first; its docs file closes with GC.
        del old

    def _open(self, folder: Path) -> Searcher:
        """Load one build and prove it answers, or raise: a broken build never goes into service."""
        embedder = self.embedder
        bundle = IndexBundle.load(folder, model_id_for(self.settings), embedder.dimensions)
        try:
            _check_consistent(bundle)
            if self._query_cache is None:
                self._query_cache = QueryCache(embedder, store=self.store)
            searcher = build_searcher(
                bundle, embedder, self.table, self.settings, query_cache=self._query_cache
            )
            searcher.search(SearchRequest(q="someone to talk to"))  # reads every part of the build once
        except Exception:
            bundle.close()  # a refused build leaves no open files behind
            raise
        return searcher

    def close(self) -> None:
        """Close the build in service (app shutdown); a later search loads it again."""
        searcher, self._searcher, self._stamp = self._searcher, None, None
        if searcher is not None:
            searcher.bundle.close()

    def _open_previous(self, index_dir: Path, skip: str) -> Searcher | None:
        """The newest older build that loads (a fallback while the published one is broken)."""
        for name in sorted(builds(index_dir), reverse=True):
            if name == skip:
                continue
            try:
                return self._open(index_dir / name)
            except Exception as exc:
                log.warning("search: previous %s", _why_not_loaded(index_dir / name, exc))
        return None

    def load(self) -> None:
        """Load the published build now (startup, tests)."""
        from navigator.search.ann import single_threaded

        single_threaded()
        self._load(pointer_stamp(self.settings.resolved_index_dir))
        self._checked = time.monotonic()

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_interval:
            return
        self._checked = now
        stamp = pointer_stamp(self.settings.resolved_index_dir)
        if stamp in (self._stamp, self._failed_stamp) or (
            self._loading is not None and self._loading.is_alive()
        ):
            return
        if self._searcher is None:
            self._load(stamp)  # nothing to serve meanwhile: load in this request
            return
        # Not a daemon: exiting mid-load would tear down native libraries (ONNX Runtime, FAISS) under a
        # running thread and abort the process; exit waits for the load to finish instead.
        self._loading = threading.Thread(target=self._load, args=(stamp,), name="index-reload", daemon=False)
        self._loading.start()

    def wait_for_reload(self, timeout: float = 30.0) -> None:
        """Tests: wait until a reload started by a request has finished."""
        if self._loading is not None:
            self._loading.join(timeout)

    # ---- answering -------------------------------------------------------------------------------
    @property
    def searcher(self) -> Searcher:
        self._maybe_reload()
        searcher = self._searcher
        if searcher is None:
            raise IndexUnavailable(self.problem or "No search index is loaded. Run `navigator index build`.")
        return searcher

    def is_stale(self, searcher: Searcher) -> bool:
        """Has the store changed since this build? (Checked at most once a second.)"""
        if self.store is None:
            return False
        checked, generation = self._generation
        now = time.monotonic()
        if now - checked > 1.0:
            from navigator.store.search_docs import store_generation

            try:
                with self.store.read() as session:
                    generation = store_generation(session)
            except Exception:  # a store hiccup must not fail a search
                return False
            self._generation = (now, generation)
        return generation != searcher.bundle.manifest.store_generation

    def search(self, request: SearchRequest) -> SearchResponse:
        _one_omp_thread()  # OpenMP's thread count is per calling thread: set it in each worker
        searcher = self.searcher
        stale, degraded = self.is_stale(searcher), self.degraded
        note = degraded or (STALE_NOTE if stale else None)
        return searcher.search(request, stale=stale, note=note, fallback=degraded is not None)


STALE_NOTE = (
    "The directory has changed since this index was built: new and changed listings appear once the "
    "rebuild finishes (imports start one; otherwise run `navigator index build`)."
)


def _why_not_loaded(folder: Path, exc: Exception) -> str:
    if isinstance(exc, IndexMismatch):
        return str(exc)
    why = f"{type(exc).__name__}: {exc}"
    return f"Index build {folder.name} could not be loaded ({why}). Run `navigator index build`."


def _check_consistent(bundle: IndexBundle) -> None:
    """Every part of a build describes the same rows (a truncated or swapped file fails here)."""
    m = bundle.manifest
    sizes = {"vectors": int(bundle.vectors.shape[0]), "ids": len(bundle.ids), "filters": bundle.filters.n}
    sizes["ann"] = bundle.ann.count()
    wrong = {name: n for name, n in sizes.items() if n != m.count}
    if bundle.vectors.ndim != 2 or (m.count and bundle.vectors.shape[1] != m.dimensions):
        wrong["vector dimensions"] = int(bundle.vectors.shape[-1])
    if wrong:
        found = ", ".join(f"{name} {n}" for name, n in wrong.items())
        raise IndexMismatch(
            f"Index build {m.build_id} is inconsistent: its manifest says {m.count} listings of "
            f"{m.dimensions} dimensions but found {found}. Run `navigator index build`."
        )


def _one_omp_thread() -> None:
    try:
        import faiss
    except ImportError:  # pragma: no cover
        return
    faiss.omp_set_num_threads(1)
