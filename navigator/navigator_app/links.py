"""Shared shortlist links: an unguessable token (144 random bits) that opens a read-only copy of a
shortlist until it expires. Only the token's SHA-256, the listing ids and two times are stored;
a leaked database therefore holds no working links."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from navigator.store import navigator_queries as nq
from navigator.store.db import Store

TOKEN_BYTES = 18  # 144 bits → 24 URL-safe characters
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


@dataclass(frozen=True)
class SharedList:
    listing_ids: list[str]
    created_at: datetime
    expires_at: datetime


class LinkGone(LookupError):
    """The link was real but has expired (the page says so, with a 410)."""

    def __init__(self, expired_at: datetime | None) -> None:
        super().__init__("This list has expired.")
        self.expired_at = expired_at


class LinkUnknown(LookupError):
    """No list has this link: mistyped, never made, or expired long ago and deleted (a 404)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the store keeps naive UTC


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def plausible(token: str) -> bool:
    return bool(_TOKEN.match(token or ""))


def create_link(
    store: Store, listing_ids: list[str], days: int, now: datetime | None = None
) -> tuple[str, SharedList]:
    """Save a shared copy of these listing ids; returns (token, what was saved). Purges expired ones."""
    if not listing_ids:
        raise ValueError("an empty shortlist cannot be shared")
    now = now or _now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + timedelta(days=days)
    with store.write() as session:
        nq.delete_expired_shortlists(session, now)
        nq.add_shared_shortlist(session, token_hash(token), listing_ids, now, expires)
    return token, SharedList(list(listing_ids), now, expires)


def open_link(store: Store, token: str, now: datetime | None = None) -> SharedList:
    """The shared list for a token; LinkUnknown or LinkGone (expired) otherwise."""
    if not plausible(token):
        raise LinkUnknown(token)
    with store.read() as session:
        row = nq.shared_shortlist(session, token_hash(token))
        if row is None:
            raise LinkUnknown(token)
        found = SharedList(list(row.listing_ids or []), row.created_at, row.expires_at)
    if found.expires_at <= (now or _now()):
        raise LinkGone(found.expires_at)
    return found
