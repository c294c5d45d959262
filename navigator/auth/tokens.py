"""API tokens for scripts: `Authorization: Bearer nav_XXXXXXXX_<secret>`.

The full token is shown once, at creation. The store keeps its SHA-256 and the display prefix
(`nav_XXXXXXXX`) so people can tell tokens apart and revoke one. A token acts as its user, with
that user's role; disabling the user revokes all their tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from navigator.auth.users import AccountError, CurrentUser, email_key, to_current, utcnow
from navigator.store import accounts_queries as q
from navigator.store.db import Store
from navigator.store.models_accounts import ApiToken

TOKEN_START = "nav_"  # noqa: S105  (the public prefix of every token, not a secret)
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    prefix: str
    name: str
    user_email: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= utcnow():
            return "expired"
        return "active"


def _info(token: ApiToken, email: str) -> TokenInfo:
    return TokenInfo(
        id=token.id,
        prefix=token.prefix,
        name=token.name,
        user_email=email,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    store: Store, email: str, name: str, expires_days: int | None = None
) -> tuple[str, TokenInfo]:
    """Make a token for the user; returns (the token, to show once, and its record)."""
    label = name.strip()
    if not label or len(label) > 200:
        raise AccountError("Give the token a name of 1–200 characters, e.g. 'nightly sync'.")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise AccountError("--expires-days must be between 1 and 3650.")
    now = utcnow()
    with store.write() as session:
        user = q.user_by_email_key(session, email_key(email))
        if user is None:
            raise AccountError(f"No user has the email {email.strip()}. Add them with `navigator users add`.")
        if user.disabled:
            raise AccountError(f"{user.email} is disabled; enable them first (`navigator users enable`).")
        prefix = TOKEN_START + secrets.token_hex(4)
        while q.prefix_taken(session, prefix):
            prefix = TOKEN_START + secrets.token_hex(4)
        raw = f"{prefix}_{secrets.token_urlsafe(32)}"  # 256 random bits after the prefix
        row = q.add_token(
            session,
            ApiToken(
                user_id=user.id,
                name=label,
                prefix=prefix,
                token_hash=hash_token(raw),
                created_at=now,
                expires_at=now + timedelta(days=expires_days) if expires_days else None,
            ),
        )
        return raw, _info(row, user.email)


def resolve_token(store: Store, raw: str, now: datetime | None = None) -> CurrentUser | None:
    """The user a bearer token acts as, or None if unknown, revoked, expired or disabled."""
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    now = now or utcnow()
    with store.read() as session:
        found = q.token_with_user(session, hash_token(raw))
    if found is None:
        return None
    token, user = found
    if token.revoked_at or (token.expires_at and token.expires_at <= now) or user.disabled:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        with store.write() as session:
            q.touch_token(session, token.id, now)
    return to_current(user, via="token")


def list_tokens(store: Store) -> list[TokenInfo]:
    with store.read() as session:
        return [_info(t, u.email) for t, u in q.tokens_with_users(session)]


def revoke_token(store: Store, prefix_or_id: str) -> TokenInfo:
    """Revoke one token by its display prefix (nav_XXXXXXXX) or id."""
    now = utcnow()
    with store.write() as session:
        found = q.find_tokens(session, prefix_or_id)
        if not found:
            raise AccountError(
                f"No token has the prefix or id '{prefix_or_id}'. `navigator tokens list` shows them."
            )
        if len(found) > 1:
            raise AccountError(
                f"'{prefix_or_id}' matches {len(found)} tokens; use the full prefix nav_XXXXXXXX."
            )
        token, user = found[0]
        q.revoke_token_id(session, token.id, now)
        session.refresh(token)
        return _info(token, user.email)
