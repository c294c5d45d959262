"""Secrets stay secret: no password, session id or API token in logs or the store (only hashes),
and the CSRF signing key is never a hard-coded default."""

from __future__ import annotations

import logging
import stat
import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr

from navigator.app.factory import create_app
from navigator.auth.secret import SecretKeyError, load_secret_key
from navigator.auth.testing import auth_client, csrf_from
from navigator.auth.tokens import create_token
from navigator.auth.users import create_user
from navigator.config import Settings
from navigator.store.db import Store


def dump_store(store: Store) -> str:
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        return "\n".join(raw.iterdump())  # type: ignore[union-attr]


def test_marker_password_token_and_session_leave_no_trace(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    marker = f"marker-{uuid.uuid4().hex}"
    wrong = f"wrong-{uuid.uuid4().hex}"
    with auth_client(create_app(settings)) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        create_user(store, "pat.q@example.org", marker, "curator", "Pat Q")
        failed = client.post(
            "/sign-in",
            data={"email": "pat.q@example.org", "password": wrong, "csrf_token": csrf_from(client)},
            follow_redirects=False,
        )
        assert failed.status_code == 401 and wrong not in failed.text
        ok = client.post(
            "/sign-in",
            data={"email": "pat.q@example.org", "password": marker, "csrf_token": csrf_from(client)},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        session_id = client.cookies["navigator_session"]
        api_token, _ = create_token(store, "pat.q@example.org", "script")
        assert client.get("/api/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 200
        dumped = dump_store(store)
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records) + caplog.text
    assert caplog.records  # logging really was captured
    for secret in (marker, wrong, session_id, api_token):
        assert secret not in logged
        assert secret not in dumped
    assert "$argon2id$" in dumped  # the password is there only as its hash
    assert "pat.q@example.org" not in logged  # no personal data in logs either


def test_secret_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_secret_key(settings)
    path = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 48
    assert load_secret_key(settings) == first  # persisted, not regenerated
    other = load_secret_key(Settings(data_dir=tmp_path / "other"))
    assert other != first  # never a shared default
    assert not list((tmp_path / "data").glob(".secret_key.*"))  # no temp files left behind


def test_configured_secret_key_wins_and_bad_files_are_explained(tmp_path: Path) -> None:
    configured = Settings(data_dir=tmp_path / "data", secret_key=SecretStr("k" * 40))
    assert load_secret_key(configured) == b"k" * 40
    assert not (tmp_path / "data" / "secret_key").exists()
    assert "k" * 40 not in repr(configured)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "secret_key").write_text("short\n")
    with pytest.raises(SecretKeyError, match="too short a key"):
        load_secret_key(Settings(data_dir=tmp_path / "data"))
