"""SQL for accounts: users, sessions, API tokens and sign-in throttle rows. Callers pass a session
from `Store.read()` / `Store.write()`; hashing and policy live in navigator/auth/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session

from navigator.store.models_accounts import ApiToken, SignInThrottle, User, UserSession

# Users


def user_by_email_key(session: Session, email_key: str) -> User | None:
    return session.scalars(select(User).where(User.email_key == email_key)).first()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email_key)))


def add_user(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


# Sessions


def add_session(session: Session, row: UserSession) -> None:
    session.add(row)
    session.flush()


def session_with_user(session: Session, token_hash: str) -> tuple[UserSession, User] | None:
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash)
    ).first()
    return (row[0], row[1]) if row else None


def touch_session(session: Session, session_id: int, when: datetime) -> None:
    session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=when))


def delete_session(session: Session, token_hash: str) -> int:
    result = session.execute(delete(UserSession).where(UserSession.token_hash == token_hash))
    return int(getattr(result, "rowcount", 0) or 0)


def delete_session_id(session: Session, session_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.id == session_id))


def delete_user_sessions(session: Session, user_id: int) -> int:
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def delete_expired_sessions(session: Session, now: datetime, idle_cutoff: datetime) -> int:
    result = session.execute(
        delete(UserSession).where((UserSession.expires_at <= now) | (UserSession.last_seen_at <= idle_cutoff))
    )
    return int(getattr(result, "rowcount", 0) or 0)


# API tokens


def add_token(session: Session, row: ApiToken) -> ApiToken:
    session.add(row)
    session.flush()
    return row


def prefix_taken(session: Session, prefix: str) -> bool:
    return session.scalars(select(ApiToken.id).where(ApiToken.prefix == prefix)).first() is not None


def token_with_user(session: Session, token_hash: str) -> tuple[ApiToken, User] | None:
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash)
    ).first()
    return (row[0], row[1]) if row else None


def tokens_with_users(session: Session) -> list[tuple[ApiToken, User]]:
    rows = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return [(t, u) for t, u in rows]


def find_tokens(session: Session, prefix_or_id: str) -> list[tuple[ApiToken, User]]:
    """Tokens whose display prefix is PREFIX_OR_ID (with or without `nav_`), or whose id it is."""
    wanted = prefix_or_id.strip()
    prefixes = {wanted, wanted if wanted.startswith("nav_") else f"nav_{wanted}"}
    condition: ColumnElement[bool] = ApiToken.prefix.in_(prefixes)
    if wanted.isdigit():
        condition = or_(condition, ApiToken.id == int(wanted))
    rows = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(condition))
    return [(t, u) for t, u in rows]


def touch_token(session: Session, token_id: int, when: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when))


def revoke_token_id(session: Session, token_id: int, when: datetime) -> None:
    session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None)).values(revoked_at=when)
    )


def revoke_user_tokens(session: Session, user_id: int, when: datetime) -> int:
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=when)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# Sign-in throttle


def throttle_rows(session: Session, keys: list[str]) -> dict[str, SignInThrottle]:
    rows = session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys)))
    return {row.key: row for row in rows}


def add_throttle(session: Session, row: SignInThrottle) -> None:
    session.add(row)


def delete_throttle(session: Session, key: str) -> None:
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


def delete_stale_throttles(session: Session, forgotten_before: datetime, now: datetime) -> int:
    result = session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < forgotten_before,
            (SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until <= now),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
