"""Password hashing (argon2id via argon2-cffi) and the password policy.

Policy (NIST SP 800-63B / OWASP ASVS 2.1): at least 12 characters, any characters allowed, no
composition rules, refuse very common passwords and ones built from the person's own email/name.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from navigator.auth.common_passwords import COMMON_PASSWORDS

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long enough for any passphrase; stops megabyte "passwords" costing CPU


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, t=3, m=64 MiB, p=4).
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash on next sign-in)."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("navigator-dummy-password-for-timing")


def spend_verify_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown email takes as long as a wrong password."""
    verify_password(_dummy_hash(), password)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password cannot be used, in words, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters long (it has {len(password)})."
    if len(password) > MAX_LENGTH:
        return f"The password must be at most {MAX_LENGTH} characters long."
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return "That password is too common and easy to guess. Choose a longer phrase of unrelated words."
    own = {email.casefold(), email.split("@")[0].casefold(), name.casefold().replace(" ", "")}
    if any(part and len(part) >= 4 and part in folded.replace(" ", "") for part in own):
        return "The password must not contain your email address or name."
    if "navigator" in folded and len(folded.replace("navigator", "")) < 6:
        return "The password must not be mostly the name of this service."
    return None
