"""After a curator's change the search index is rebuilt in the background, and search reflects it
(fake embedder: the real rebuild path, quick)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, make_user, sign_in
from navigator.config import Settings
from navigator.curation.review.reindex import rebuild_if_stale
from navigator.ingest.pipeline import import_paths
from navigator.search.index_build import build_index, index_status
from navigator.search.schema import SearchRequest
from navigator.store.db import Store

FIX = Path(__file__).parent / "fixtures" / "review"


def _fake(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_backend="fake")


def test_rebuild_only_when_stale(tmp_path: Path) -> None:
    settings = _fake(tmp_path)
    store = Store.open(settings)
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    lock = threading.Lock()
    assert "rebuilt" in rebuild_if_stale(settings, store, lock)
    assert rebuild_if_stale(settings, store, lock) == "Search index already up to date."
    store.dispose()


def test_a_closed_listing_leaves_search_after_the_rebuild(tmp_path: Path) -> None:
    settings = _fake(tmp_path)
    store = Store.open(settings)
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    build_index(settings, store)
    store.dispose()
    app = create_app(settings)
    with auth_client(app) as client:
        make_user(client, "curator")
        sign_in(client, "curator@example.org")
        token = _token(client)
        search = app.state.search
        search.check_interval = 0  # look for a new build on every request
        ids = [r.id for r in search.search(SearchRequest(q="walking group")).results]
        assert "RV-003" in ids
        version = client.get("/api/curator/listings/RV-003/edit").json()["version"]
        closed = client.post(
            "/api/curator/stale/close",
            json={"listing": "RV-003", "version": version},
            headers={"X-CSRF-Token": token},
        )
        assert closed.status_code == 200 and "background" in closed.json()["search"]
        # TestClient runs background tasks before returning: the new build is published now.
        assert not index_status(settings, app.state.store).stale
        search.searcher  # noqa: B018  (starts the hot swap to the new build)
        search.wait_for_reload()
        ids = [r.id for r in search.search(SearchRequest(q="walking group")).results]
        assert "RV-003" not in ids


def _token(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/account", headers={"accept": "text/html"})
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)
