"""People who sign in: create, look up, authenticate, disable/enable, change password.

Roles: admin (everything, including users), curator (the directory), navigator (records of what
was offered to residents). Residents need no account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from navigator.auth import passwords
from navigator.store import accounts_queries as q
from navigator.store.db import Store
from navigator.store.models_accounts import ROLES, User

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class CurrentUser:
    """Who is making a request. `via` is "session" (browser cookie) or "token" (API token)."""

    id: int
    email: str
    name: str
    role: str
    via: str = "session"


@dataclass(frozen=True)
class UserInfo:
    """A user for listings (CLI `users list`, admin pages): never the password hash."""

    id: int
    email: str
    name: str
    role: str
    disabled: bool
    created_at: datetime
    last_sign_in_at: datetime | None


def utcnow() -> datetime:
    """Naive UTC, the store's convention for DateTime columns."""
    return datetime.now(UTC).replace(tzinfo=None)


def email_key(email: str) -> str:
    return email.strip().casefold()


def check_email(email: str) -> str:
    text = email.strip()
    if not text:
        raise AccountError("Enter an email address.")
    if len(text) > 320 or not _EMAIL.match(text):
        raise AccountError(f"'{text[:80]}' is not an email address; it should look like name@example.org.")
    return text


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    return role


def to_current(user: User, via: str = "session") -> CurrentUser:
    return CurrentUser(id=user.id, email=user.email, name=user.name, role=user.role, via=via)


def to_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        disabled=user.disabled,
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
    )


def create_user(store: Store, email: str, password: str, role: str, name: str | None = None) -> CurrentUser:
    """Add a user; raises AccountError (bad email, unknown role, weak password, email taken)."""
    address = check_email(email)
    check_role(role)
    display = (name or "").strip() or address.split("@")[0]
    if len(display) > 200:
        raise AccountError("The name must be at most 200 characters.")
    problem = passwords.password_problem(password, email=address, name=display)
    if problem:
        raise AccountError(problem)
    password_hash = passwords.hash_password(password)  # slow: outside the write lock
    now = utcnow()
    with store.write() as session:
        if q.user_by_email_key(session, email_key(address)):
            raise AccountError(f"There is already a user with the email {address}.")
        user = q.add_user(
            session,
            User(
                email=address,
                email_key=email_key(address),
                name=display,
                role=role,
                password_hash=password_hash,
                disabled=False,
                created_at=now,
                password_changed_at=now,
            ),
        )
        return to_current(user)


def get_user(store: Store, email: str) -> UserInfo | None:
    with store.read() as session:
        user = q.user_by_email_key(session, email_key(email))
        return to_info(user) if user else None


def list_users(store: Store) -> list[UserInfo]:
    with store.read() as session:
        return [to_info(u) for u in q.all_users(session)]


def authenticate(store: Store, email: str, password: str) -> CurrentUser | None:
    """The user if the email and password match an enabled account, else None (no reason given,
    so the answer never says whether the email exists). Takes about as long either way."""
    if not email.strip() or not password or len(password) > passwords.MAX_LENGTH:
        passwords.spend_verify_time(password[: passwords.MAX_LENGTH])
        return None
    with store.read() as session:
        user = q.user_by_email_key(session, email_key(email))
    if user is None:
        passwords.spend_verify_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password) or user.disabled:
        return None
    new_hash = passwords.hash_password(password) if passwords.needs_rehash(user.password_hash) else None
    with store.write() as session:
        row = q.user_by_id(session, user.id)
        if row is None:
            return None
        row.last_sign_in_at = utcnow()
        if new_hash:
            row.password_hash = new_hash
    return to_current(user)


def _require(session: object, email: str) -> User:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    user = q.user_by_email_key(session, email_key(email))
    if user is None:
        raise AccountError(f"No user has the email {email.strip()}. `navigator users list` shows who does.")
    return user


def disable_user(store: Store, email: str) -> tuple[int, int]:
    """Disable the account and end its sessions and API tokens; returns (sessions, tokens) ended."""
    now = utcnow()
    with store.write() as session:
        user = _require(session, email)
        user.disabled = True
        return q.delete_user_sessions(session, user.id), q.revoke_user_tokens(session, user.id, now)


def enable_user(store: Store, email: str) -> None:
    with store.write() as session:
        _require(session, email).disabled = False


def set_password(store: Store, email: str, password: str) -> int:
    """Change the password and end every session of that user; returns the sessions ended."""
    with store.read() as session:
        user = _require(session, email)
        address, display = user.email, user.name
    problem = passwords.password_problem(password, email=address, name=display)
    if problem:
        raise AccountError(problem)
    password_hash = passwords.hash_password(password)
    with store.write() as session:
        user = _require(session, email)
        user.password_hash = password_hash
        user.password_changed_at = utcnow()
        return q.delete_user_sessions(session, user.id)
