"""The key that signs CSRF tokens: `settings.secret_key`, or one generated once and kept in
DATA_DIR/secret_key with owner-only permissions. Never a hard-coded default."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from navigator.config import Settings

KEY_FILE = "secret_key"


class SecretKeyError(Exception):
    """The key file exists but cannot be used; the message says what to do."""


def load_secret_key(settings: Settings) -> bytes:
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value().encode()
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    key = path.read_text().strip()
    if len(key) < 32:
        raise SecretKeyError(
            f"{path} holds too short a key ({len(key)} characters, need at least 32). Delete it to "
            "generate a new one (everyone will need to reload open forms), or set NAVIGATOR_SECRET_KEY."
        )
    return key.encode()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    # O_EXCL + 0600 from the start: the key is never readable by others, not even briefly.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link is atomic and never overwrites: two processes racing agree on one key
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
