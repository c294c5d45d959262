"""Server-side sessions: the browser holds a random 256-bit token in the `navigator_session`
cookie; the store holds only its SHA-256. A session ends after `session_idle_minutes` without a
request, `session_absolute_hours` after sign-in, on sign-out, or when the user is disabled.

Cookie: Secure (setting `cookie_secure`), HttpOnly, Path=/, SameSite=Lax. Lax rather than
Strict because a curator following a link from an email or another system should arrive signed
in; every state-changing request is a POST, which Lax never sends cross-site, and carries a CSRF
token anyway.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from starlette.responses import Response

from navigator.auth.users import CurrentUser, to_current, utcnow
from navigator.config import Settings
from navigator.store import accounts_queries as q
from navigator.store.db import Store
from navigator.store.models_accounts import UserSession

SESSION_COOKIE = "navigator_session"
# Refresh last_seen_at at most this often: a write per request would serialise every page view.
TOUCH_EVERY = timedelta(seconds=60)


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user_id: int, settings: Settings) -> str:
    """Create a session for the user; returns the raw token (for the cookie; never stored)."""
    token = new_token()
    now = utcnow()
    with store.write() as session:
        q.add_session(
            session,
            UserSession(
                token_hash=hash_token(token),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=settings.session_absolute_hours),
            ),
        )
    return token


def resolve_session(
    store: Store, token: str, settings: Settings, now: datetime | None = None
) -> CurrentUser | None:
    """The signed-in user for a cookie token, or None if it is unknown, expired or disabled."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    digest = hash_token(token)
    with store.read() as session:
        found = q.session_with_user(session, digest)
    if found is None:
        return None
    row, user = found
    idle_limit = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if now >= row.expires_at or now >= idle_limit or user.disabled:
        with store.write() as session:
            q.delete_session_id(session, row.id)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with store.write() as session:
            q.touch_session(session, row.id, now)
    return to_current(user, via="session")


def end_session(store: Store, token: str) -> bool:
    with store.write() as session:
        return q.delete_session(session, hash_token(token)) > 0


def purge_expired(store: Store, settings: Settings) -> int:
    now = utcnow()
    with store.write() as session:
        return q.delete_expired_sessions(session, now, now - timedelta(minutes=settings.session_idle_minutes))


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    # No max-age: a browser-session cookie, so closing the browser on a shared tablet signs out too.
    response.set_cookie(
        SESSION_COOKIE, token, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
    )
