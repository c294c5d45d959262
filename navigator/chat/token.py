"""The conversation token: the chat's short-lived state, sealed and handed to the client.

Nothing about a conversation is kept on the server. Each reply carries the state (the search the
conversation has arrived at; never what was typed) in an opaque token the client sends back with
its next message, so any replica can answer and a restart loses nothing.

Sealing (standard library only; `cryptography` is not a dependency): two keys are derived from the
app's secret key; the JSON state is encrypted with a keystream of HMAC-SHA256(enc_key, nonce ‖
counter) blocks — a PRF in counter mode — and the version, issue time, nonce and ciphertext are
authenticated with HMAC-SHA256(mac_key, ...) (encrypt-then-MAC, compared in constant time). The
issue time makes it expire: a token older than the idle limit (or from the future) is refused.
A forged, altered, truncated or expired token raises `TokenError`; the engine then starts again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

VERSION = b"\x01"
NONCE_BYTES = 16
TAG_BYTES = 16  # HMAC-SHA256 truncated to 128 bits
MAX_TOKEN_CHARS = 8192  # a real token is a few hundred characters; refuse anything absurd unread
CLOCK_SKEW_S = 60  # replicas' clocks may differ a little


class TokenError(ValueError):
    """The token cannot be used. `reason` is "expired" or "invalid" (forged, altered, unreadable)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, f"navigator chat token {purpose} v1".encode(), hashlib.sha256).digest()


class TokenCodec:
    def __init__(self, secret: bytes, ttl_seconds: int) -> None:
        if len(secret) < 16:
            raise ValueError("the chat token key needs at least 16 bytes of secret")
        self._enc = _derive(secret, "encryption")
        self._mac = _derive(secret, "authentication")
        self.ttl_seconds = ttl_seconds

    def _keystream(self, nonce: bytes, length: int) -> bytes:
        blocks = []
        for counter in range((length + 31) // 32):
            blocks.append(hmac.new(self._enc, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest())
        return b"".join(blocks)[:length]

    def _tag(self, body: bytes) -> bytes:
        return hmac.new(self._mac, body, hashlib.sha256).digest()[:TAG_BYTES]

    def seal(self, state: dict[str, Any], now: float | None = None) -> str:
        plain = json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        nonce = secrets.token_bytes(NONCE_BYTES)
        issued = int(now if now is not None else time.time()).to_bytes(8, "big")
        cipher = _xor(plain, self._keystream(nonce, len(plain)))
        body = VERSION + issued + nonce + cipher
        return base64.urlsafe_b64encode(body + self._tag(body)).decode("ascii").rstrip("=")

    def open(self, token: str, now: float | None = None) -> dict[str, Any]:
        """The state sealed in `token`; raises TokenError("invalid" | "expired")."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            raise TokenError("invalid")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise TokenError("invalid") from None
        head = 1 + 8 + NONCE_BYTES
        if len(raw) < head + TAG_BYTES or raw[:1] != VERSION:
            raise TokenError("invalid")
        body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
        if not hmac.compare_digest(tag, self._tag(body)):
            raise TokenError("invalid")
        issued = int.from_bytes(body[1:9], "big")
        clock = now if now is not None else time.time()
        if issued > clock + CLOCK_SKEW_S:
            raise TokenError("invalid")
        if clock - issued > self.ttl_seconds:
            raise TokenError("expired")
        nonce, cipher = body[9:head], body[head:]
        plain = _xor(cipher, self._keystream(nonce, len(cipher)))
        try:
            state = json.loads(plain.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise TokenError("invalid") from None
        if not isinstance(state, dict):
            raise TokenError("invalid")
        return state
