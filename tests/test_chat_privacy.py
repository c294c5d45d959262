"""No transcripts: words people type end up nowhere — not in the store, not in the logs, not in any
file — unless they agreed to a hand-off, and then only in that hand-off."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"


def marker() -> str:
    return "zq" + uuid.uuid4().hex[:12]


def files_containing(folder: Path, text: str) -> list[Path]:
    needle = text.encode()
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_messages_leave_no_trace_but_a_consented_hand_off_does(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    build_index(settings, store)
    store.dispose()

    caplog.set_level(logging.DEBUG)
    said = [marker() for _ in range(8)]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        token = None
        messages = [
            f"my name is {said[0]} and I need a food bank",
            f"Hythe {said[1]}",
            f"anything free? {said[2]}",
            f"i want to end my life {said[3]}",  # crisis
            f"how much paracetamol can I take {said[4]}",  # medical advice
            said[5] + " " + "x" * 2000,  # too long
        ]
        for text in messages:
            response = client.post("/api/chat", json={"message": text, "conversation": token})
            assert response.status_code in (200, 422)
            token = response.json()["conversation"] or token
        refused = client.post(
            "/api/chat/handoff",
            json={
                "consent": False,
                "name": said[6],
                "contact_method": "email",
                "contact": f"{said[6]}@x.org",
            },
        )
        assert refused.status_code == 422
        agreed = client.post(
            "/api/chat/handoff",
            json={
                "consent": True,
                "name": "Agreed Person",
                "contact_method": "phone",
                "contact": "07700 900123",
                "note": f"please ring {said[7]}",
                "conversation": token,
            },
        )
        assert agreed.status_code == 201
    # The app has stopped: the store is closed (its write-ahead log folded in) and every file is final.

    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for text in said[:7]:
        assert not files_containing(settings.data_dir, text), f"{text} was written to a file"
        assert text not in logged, f"{text} was logged"
    # ...and the control: what was agreed to IS kept, in the store only
    assert {p.name for p in files_containing(settings.data_dir, said[7])} <= {
        "navigator.db",
        "navigator.db-wal",
    }
    assert files_containing(settings.data_dir, said[7])
    assert said[7] not in logged
