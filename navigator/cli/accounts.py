"""`navigator users ...` and `navigator tokens ...`: accounts and API tokens from the command line.

The first admin is made here (`navigator users add you@example.org --role admin`); passwords are
typed twice with hidden input, or piped with --password-stdin. A token is printed once, never
again: only its hash is stored.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from navigator.cli._app import app, get_context

users_app = typer.Typer(
    help="People who sign in: add, list, disable, enable, set-password.", no_args_is_help=True
)
tokens_app = typer.Typer(
    help="API tokens for scripts: create (shown once), list, revoke.", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

EmailArg = Annotated[str, typer.Argument(metavar="EMAIL", help="The person's email address.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
POLICY = "At least 12 characters; a phrase of several unrelated words is easiest to remember."


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _fail(ctx: typer.Context, message: str) -> typer.Exit:
    get_context(ctx).err.print(f"[red]{message}[/red]", highlight=False)
    return typer.Exit(1)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    typer.echo(POLICY)
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    email: EmailArg,
    role: Annotated[str, typer.Option(help="admin, curator or navigator.")],
    name: Annotated[str | None, typer.Option(help="Name shown in the app (default: from the email).")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a person who can sign in, with a role."""
    from navigator.auth.users import AccountError, check_email, check_role, create_user

    c = get_context(ctx)
    try:
        check_email(email)
        check_role(role)
        password = _read_password(password_stdin)
        user = create_user(c.store, email, password, role, name)
    except AccountError as exc:
        raise _fail(ctx, str(exc)) from None
    c.console.print(f"Added {user.email} ({user.name}) as {user.role}. They can sign in at /sign-in.")


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Everyone who can (or could) sign in, with their role and last sign-in."""
    from navigator.auth.users import list_users

    c = get_context(ctx)
    users = list_users(c.store)
    if as_json:
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "disabled": u.disabled,
                "created_at": u.created_at.isoformat(),
                "last_sign_in_at": u.last_sign_in_at.isoformat() if u.last_sign_in_at else None,
            }
            for u in users
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    if not users:
        c.console.print("No users yet. Add the first admin: navigator users add EMAIL --role admin")
        return
    table = Table(title="Users")
    for column in ("Email", "Name", "Role", "State", "Created", "Last sign-in"):
        table.add_column(column)
    for u in users:
        state = "disabled" if u.disabled else "active"
        table.add_row(u.email, u.name, u.role, state, _when(u.created_at), _when(u.last_sign_in_at))
    c.console.print(table)


@users_app.command("disable")
def users_disable(ctx: typer.Context, email: EmailArg) -> None:
    """Stop someone signing in; ends their sessions and revokes their API tokens at once."""
    from navigator.auth.users import AccountError, disable_user

    c = get_context(ctx)
    try:
        sessions, tokens = disable_user(c.store, email)
    except AccountError as exc:
        raise _fail(ctx, str(exc)) from None
    c.console.print(f"Disabled {email.strip()}: ended {sessions} session(s), revoked {tokens} token(s).")


@users_app.command("enable")
def users_enable(ctx: typer.Context, email: EmailArg) -> None:
    """Let a disabled person sign in again (their old tokens stay revoked)."""
    from navigator.auth.users import AccountError, enable_user

    c = get_context(ctx)
    try:
        enable_user(c.store, email)
    except AccountError as exc:
        raise _fail(ctx, str(exc)) from None
    c.console.print(f"Enabled {email.strip()}.")


@users_app.command("set-password")
def users_set_password(ctx: typer.Context, email: EmailArg, password_stdin: PasswordStdin = False) -> None:
    """Set a new password; signs the person out everywhere."""
    from navigator.auth.users import AccountError, get_user, set_password

    c = get_context(ctx)
    if get_user(c.store, email) is None:
        raise _fail(ctx, f"No user has the email {email.strip()}. `navigator users list` shows who does.")
    try:
        ended = set_password(c.store, email, _read_password(password_stdin))
    except AccountError as exc:
        raise _fail(ctx, str(exc)) from None
    c.console.print(f"Password changed for {email.strip()}; ended {ended} session(s).")


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Email of the user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. 'nightly sync'.")],
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="Expire after N days (default: never).")
    ] = None,
) -> None:
    """Make an API token. It is printed once: copy it now."""
    from navigator.auth.tokens import create_token
    from navigator.auth.users import AccountError

    c = get_context(ctx)
    try:
        raw, info = create_token(c.store, user, name, expires_days)
    except AccountError as exc:
        raise _fail(ctx, str(exc)) from None
    c.err.print(
        f"Token {info.prefix} '{info.name}' for {info.user_email}"
        + (f", expires {_when(info.expires_at)}" if info.expires_at else ", no expiry")
        + ".\nIt is shown once: store it safely now. Send it as the header  Authorization: Bearer <token>",
        highlight=False,
        soft_wrap=True,
    )
    typer.echo(raw)  # alone on stdout, so scripts can capture it


@tokens_app.command("list")
def tokens_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every token: prefix, name, user, state, last use (never the token itself)."""
    from navigator.auth.tokens import list_tokens

    c = get_context(ctx)
    tokens = list_tokens(c.store)
    if as_json:
        rows = [
            {
                "id": t.id,
                "prefix": t.prefix,
                "name": t.name,
                "user": t.user_email,
                "state": t.state,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in tokens
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    if not tokens:
        c.console.print("No API tokens. Make one: navigator tokens create --user EMAIL --name NAME")
        return
    table = Table(title="API tokens")
    for column in ("Id", "Prefix", "Name", "User", "State", "Created", "Expires", "Last used"):
        table.add_column(column)
    for t in tokens:
        table.add_row(
            str(t.id),
            t.prefix,
            t.name,
            t.user_email,
            t.state,
            _when(t.created_at),
            _when(t.expires_at),
            _when(t.last_used_at),
        )
    c.console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    ctx: typer.Context,
    prefix_or_id: Annotated[
        str, typer.Argument(metavar="PREFIX_OR_ID", help="nav_XXXXXXXX or the token's id.")
    ],
) -> None:
    """Revoke a token at once; requests using it get 401 from then on."""
    from navigator.auth.tokens import revoke_token
    from navigator.auth.users import AccountError

    c = get_context(ctx)
    try:
        info = revoke_token(c.store, prefix_or_id)
    except AccountError as exc:
        raise _fail(ctx, str(exc)) from None
    c.console.print(f"Revoked {info.prefix} '{info.name}' ({info.user_email}).")
