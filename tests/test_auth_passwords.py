"""Password hashing and policy: argon2id hashes, at least 12 characters, no very common passwords."""

from __future__ import annotations

import pytest

from navigator.auth import passwords
from navigator.auth.common_passwords import COMMON_PASSWORDS


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = passwords.hash_password("a perfectly long phrase")
    assert hashed.startswith("$argon2id$")
    assert "a perfectly long phrase" not in hashed
    assert passwords.verify_password(hashed, "a perfectly long phrase")
    assert not passwords.verify_password(hashed, "a perfectly long phrasE")
    assert not passwords.verify_password("not a hash", "anything")
    assert not passwords.needs_rehash(hashed)
    assert passwords.needs_rehash("not a hash")


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short", "at least 12 characters"),
        ("elevenchars", "(it has 11)"),
        ("x" * 1025, "at most 1024"),
        ("Password1234", "too common"),
        ("summer2024!!", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
        ("abababababababab", "too common"),
        ("jo.bloggs-secret!", "email address or name"),
    ],
)
def test_policy_explains_refusals(password: str, words: str) -> None:
    problem = passwords.password_problem(password, email="jo.bloggs@example.org", name="Jo Bloggs")
    assert problem is not None and words in problem


def test_policy_accepts_passphrases() -> None:
    for ok in ("correct horse battery staple", "twelve chars", "ünïcødé is fine too", "   spaces count   "):
        assert passwords.password_problem(ok, email="someone@example.org") is None


def test_common_list_is_small_and_lower_case() -> None:
    assert 100 < len(COMMON_PASSWORDS) < 2000
    assert all(p == p.casefold() and len(p) >= 12 for p in COMMON_PASSWORDS)
