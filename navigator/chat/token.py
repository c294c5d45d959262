"""The conversation token: the chat's short-lived state, sealed and handed to the client.

Nothing about a conversation is kept on the server. Each reply carries the state (the search the
conversation has arrived at; never what was typed) in an opaque token the client sends back with
its next message, so any replica can answer and a restart loses nothing.

Sealing uses AES-256-GCM from the `cryptography` package (authenticated encryption: a forged or
altered token fails to open), with a key derived by HKDF from the app's secret key. The version and
issue time travel in clear but are authenticated as associated data; the issue time makes a token
expire (older than the idle limit, or from the future, is refused). A forged, altered, truncated or
expired token raises `TokenError`; the engine then starts again.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x02"
NONCE_BYTES = 12
HEAD_BYTES = 1 + 8 + NONCE_BYTES
TAG_BYTES = 16
MAX_TOKEN_CHARS = 8192  # a real token is a few hundred characters; refuse anything absurd unread
CLOCK_SKEW_S = 60  # replicas' clocks may differ a little


class TokenError(ValueError):
    """The token cannot be used. `reason` is "expired" or "invalid" (forged, altered, unreadable)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TokenCodec:
    def __init__(self, secret: bytes, ttl_seconds: int) -> None:
        if len(secret) < 16:
            raise ValueError("the chat token key needs at least 16 bytes of secret")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"navigator chat token v2").derive(
            secret
        )
        self._aead = AESGCM(key)
        self.ttl_seconds = ttl_seconds

    def seal(self, state: dict[str, Any], now: float | None = None) -> str:
        plain = json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        issued = int(now if now is not None else time.time()).to_bytes(8, "big")
        nonce = secrets.token_bytes(NONCE_BYTES)
        head = VERSION + issued + nonce
        sealed = head + self._aead.encrypt(nonce, plain, VERSION + issued)
        return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")

    def open(self, token: str, now: float | None = None) -> dict[str, Any]:
        """The state sealed in `token`; raises TokenError("invalid" | "expired")."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            raise TokenError("invalid")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise TokenError("invalid") from None
        if len(raw) < HEAD_BYTES + TAG_BYTES or raw[:1] != VERSION:
            raise TokenError("invalid")
        issued_bytes, nonce = raw[1:9], raw[9:HEAD_BYTES]
        try:
            plain = self._aead.decrypt(nonce, raw[HEAD_BYTES:], VERSION + issued_bytes)
        except InvalidTag:
            raise TokenError("invalid") from None
        issued = int.from_bytes(issued_bytes, "big")
        clock = now if now is not None else time.time()
        if issued > clock + CLOCK_SKEW_S:
            raise TokenError("invalid")
        if clock - issued > self.ttl_seconds:
            raise TokenError("expired")
        try:
            state = json.loads(plain.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise TokenError("invalid") from None
        if not isinstance(state, dict):
            raise TokenError("invalid")
        return state
