"""While a long import holds SQLite's single write lock, another write that times out gets a
friendly 503 with Retry-After, never a bare 500."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import text

from navigator.app.factory import create_app
from navigator.config import Settings


def test_a_write_that_finds_the_store_locked_gets_503(settings: Settings) -> None:
    quick = Settings(data_dir=settings.data_dir, sqlite_busy_timeout_ms=50)
    app = create_app(quick)
    probe = APIRouter()

    @probe.post("/_test/write")
    def write() -> dict[str, str]:
        with app.state.store.write() as session:
            session.execute(text("UPDATE store_state SET generation = generation"))
        return {"ok": "yes"}

    app.include_router(probe)
    with TestClient(app) as client:
        holder = app.state.store.engine.connect()
        holder.info["write"] = True
        holder.begin()  # BEGIN IMMEDIATE: holds the write lock like a long import does
        try:
            response = client.post("/_test/write")
            assert response.status_code == 503
            assert response.headers["retry-after"] == "30"
            assert "busy" in response.json()["detail"]
            page = client.post("/_test/write", headers={"accept": "text/html"})
            assert page.status_code == 503 and "try again" in page.text
        finally:
            holder.rollback()
            holder.close()
        assert client.post("/_test/write").status_code == 200
