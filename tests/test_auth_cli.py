"""`navigator users ...` and `navigator tokens ...` through the CLI runner."""

from __future__ import annotations

import json

from navigator.auth.sessions import resolve_session, start_session
from navigator.auth.tokens import resolve_token
from navigator.auth.users import authenticate
from navigator.config import Settings
from navigator.store.db import Store

PW = "lantern meadow orbit 7"


def add(cli, email: str = "ann@example.org", role: str = "curator", *extra: str, password: str = PW):  # type: ignore[no-untyped-def]
    return cli("users", "add", email, "--role", role, *extra, input=f"{password}\n{password}\n")


def test_add_prompts_twice_hidden_and_lists(cli) -> None:  # type: ignore[no-untyped-def]
    result = add(cli, "Ann@Example.org", "admin", "--name", "Ann Admin")
    assert result.exit_code == 0, result.output
    assert "Added Ann@Example.org (Ann Admin) as admin" in result.output
    assert PW not in result.output  # hidden input: never echoed
    listed = json.loads(cli("users", "list", "--json").output)
    assert [(u["email"], u["name"], u["role"], u["disabled"]) for u in listed] == [
        ("Ann@Example.org", "Ann Admin", "admin", False)
    ]
    assert "password" not in json.dumps(listed).lower()
    table = cli("users", "list").output
    assert "Ann@Example.org" in table and "admin" in table


def test_add_refuses_mismatch_weak_duplicate_and_bad_role(cli) -> None:  # type: ignore[no-untyped-def]
    mismatch = cli("users", "add", "a@example.org", "--role", "curator", input=f"{PW}\nother words here\n")
    assert mismatch.exit_code != 0
    weak = add(cli, "a@example.org", "curator", password="password1234")
    assert weak.exit_code == 1 and "too common" in weak.output
    short = add(cli, "a@example.org", "curator", password="tiny")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    bad_role = add(cli, "a@example.org", "boss")
    assert bad_role.exit_code == 1 and "Unknown role 'boss'" in bad_role.output
    bad_email = add(cli, "not-an-email", "curator")
    assert bad_email.exit_code == 1 and "not an email address" in bad_email.output
    assert add(cli, "a@example.org").exit_code == 0
    again = add(cli, "A@EXAMPLE.ORG")
    assert again.exit_code == 1 and "already a user" in again.output


def test_password_stdin(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    result = cli("users", "add", "b@example.org", "--role", "navigator", "--password-stdin", input=PW + "\n")
    assert result.exit_code == 0, result.output
    store = Store.open(settings)
    try:
        assert authenticate(store, "B@example.org", PW) is not None
    finally:
        store.dispose()


def test_disable_ends_sessions_and_tokens_enable_and_set_password(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    assert add(cli).exit_code == 0
    created = cli("tokens", "create", "--user", "ann@example.org", "--name", "nightly sync")
    assert created.exit_code == 0, created.output
    raw = created.stdout.strip().splitlines()[-1]
    store = Store.open(settings)
    try:
        user = authenticate(store, "ann@example.org", PW)
        assert user is not None
        cookie = start_session(store, user.id, settings)
        assert resolve_session(store, cookie, settings) is not None
        assert resolve_token(store, raw) is not None

        disabled = cli("users", "disable", "ann@example.org")
        assert disabled.exit_code == 0 and "ended 1 session(s), revoked 1 token(s)" in disabled.output
        assert resolve_session(store, cookie, settings) is None
        assert resolve_token(store, raw) is None
        assert authenticate(store, "ann@example.org", PW) is None
        assert json.loads(cli("users", "list", "--json").output)[0]["disabled"] is True

        assert cli("users", "enable", "ann@example.org").exit_code == 0
        assert authenticate(store, "ann@example.org", PW) is not None
        assert resolve_token(store, raw) is None  # revoked tokens stay revoked

        cookie = start_session(store, user.id, settings)
        new = "quiet harbour lamp 2031"
        changed = cli("users", "set-password", "ann@example.org", input=f"{new}\n{new}\n")
        assert changed.exit_code == 0 and "ended 1 session(s)" in changed.output
        assert resolve_session(store, cookie, settings) is None
        assert authenticate(store, "ann@example.org", PW) is None
        assert authenticate(store, "ann@example.org", new) is not None
    finally:
        store.dispose()


def test_unknown_user_messages(cli) -> None:  # type: ignore[no-untyped-def]
    for args in (("users", "disable", "who@example.org"), ("users", "enable", "who@example.org")):
        result = cli(*args)
        assert result.exit_code == 1 and "No user has the email who@example.org" in result.output
    result = cli("users", "set-password", "who@example.org", "--password-stdin", input=PW + "\n")
    assert result.exit_code == 1 and "No user has the email" in result.output
    result = cli("tokens", "create", "--user", "who@example.org", "--name", "x")
    assert result.exit_code == 1 and "No user has the email" in result.output
    result = cli("tokens", "revoke", "nav_00000000")
    assert result.exit_code == 1 and "No token has the prefix or id" in result.output


def test_tokens_create_list_revoke(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    assert add(cli).exit_code == 0
    created = cli("tokens", "create", "--user", "ann@example.org", "--name", "sync", "--expires-days", "30")
    assert created.exit_code == 0, created.output
    raw = created.stdout.strip().splitlines()[-1]
    assert raw.startswith("nav_") and len(raw) > 40
    assert "shown once" in created.stderr
    listed = json.loads(cli("tokens", "list", "--json").output)
    assert len(listed) == 1 and listed[0]["state"] == "active" and listed[0]["expires_at"]
    assert raw.startswith(listed[0]["prefix"] + "_")
    assert raw not in cli("tokens", "list").output and raw not in json.dumps(listed)

    revoked = cli("tokens", "revoke", listed[0]["prefix"][4:])  # the prefix without nav_ works too
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    assert json.loads(cli("tokens", "list", "--json").output)[0]["state"] == "revoked"
    second = cli("tokens", "create", "--user", "ann@example.org", "--name", "other")
    token_id = json.loads(cli("tokens", "list", "--json").output)[1]["id"]
    assert cli("tokens", "revoke", str(token_id)).exit_code == 0
    store = Store.open(settings)
    try:
        assert resolve_token(store, second.stdout.strip().splitlines()[-1]) is None
    finally:
        store.dispose()
    bad_days = cli("tokens", "create", "--user", "ann@example.org", "--name", "x", "--expires-days", "0")
    assert bad_days.exit_code == 1 and "between 1 and 3650" in bad_days.output
