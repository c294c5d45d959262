"""Slow down password guessing: after too many failed sign-ins for one email, or from one client
address, further attempts wait, the wait doubling with each further failure (capped).

Counters live in the store (shared by every app replica) under SHA-256 keys, so the table holds
no email addresses or IPs. Unknown emails are counted exactly like real ones: the refusal never
reveals whether an account exists. A success clears the email's counter, not the address's (one
valid account must not reset an attacker's address).
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from starlette.requests import Request

from navigator.auth.users import email_key, utcnow
from navigator.config import Settings
from navigator.store import accounts_queries as q
from navigator.store.db import Store
from navigator.store.models_accounts import SignInThrottle

FORGET_AFTER = timedelta(hours=24)  # failures older than this no longer count


def account_key(email: str) -> str:
    return hashlib.sha256(f"account:{email_key(email)}".encode()).hexdigest()


def address_key(address: str) -> str:
    return hashlib.sha256(f"ip:{address}".encode()).hexdigest()


def client_address(request: Request, settings: Settings) -> str:
    if settings.trust_forwarded_for:
        forwarded = [p.strip() for p in request.headers.get("x-forwarded-for", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1]  # the entry our own proxy appended; earlier ones are client-supplied
    return request.client.host if request.client else "unknown"


def wait_seconds(store: Store, email: str, address: str, now: datetime | None = None) -> int:
    """Seconds before another attempt is allowed for this email or address (0: go ahead)."""
    now = now or utcnow()
    with store.read() as session:
        rows = q.throttle_rows(session, [account_key(email), address_key(address)])
    waits = [
        math.ceil((row.locked_until - now).total_seconds())
        for row in rows.values()
        if row.locked_until and row.locked_until > now
    ]
    return max(waits, default=0)


def _backoff(failures: int, threshold: int, settings: Settings) -> timedelta | None:
    if failures < threshold:
        return None
    seconds = settings.signin_backoff_seconds * 2 ** min(failures - threshold, 30)
    return timedelta(seconds=min(seconds, settings.signin_backoff_max_seconds))


def record_failure(
    store: Store, settings: Settings, email: str, address: str, now: datetime | None = None
) -> None:
    now = now or utcnow()
    limits = {
        account_key(email): settings.signin_max_failures,
        address_key(address): settings.signin_ip_max_failures,
    }
    with store.write() as session:
        rows = q.throttle_rows(session, list(limits))
        for key, threshold in limits.items():
            row = rows.get(key)
            if row is None:
                row = SignInThrottle(key=key, failures=0, last_failure_at=now, locked_until=None)
                q.add_throttle(session, row)
            elif now - row.last_failure_at > FORGET_AFTER:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            wait = _backoff(row.failures, threshold, settings)
            row.locked_until = now + wait if wait else None


def record_success(store: Store, email: str) -> None:
    with store.write() as session:
        q.delete_throttle(session, account_key(email))


def purge_old(store: Store, now: datetime | None = None) -> int:
    """Drop counters whose failures are forgotten and whose lock has passed (run now and then)."""
    now = now or utcnow()
    with store.write() as session:
        return q.delete_stale_throttles(session, now - FORGET_AFTER, now)
