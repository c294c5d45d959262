"""No secret or personal data in logs or the store.

Unique marker strings go through a live server as a resident and a member of staff would send them:
chat messages, a hand-off (with consent), searches, a sign-in with an unknown email and a wrong
password, a sign-in with the right password, and an API token. Every logger is turned up to DEBUG
(the uvicorn access log included) and every record is captured; afterwards no marker may appear in
any log record, nor in any column of any table of the store — except the hand-off request the
person consented to (and the account's own email in the users table).

The test's own HTTP client (httpx/httpcore) logs the URLs it requests; those records are the
client's, not the server's, and are left out.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text

from navigator.app.factory import create_app
from navigator.auth.tokens import create_token
from navigator.auth.users import create_user

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "security"))

from security_support import HTML, app_settings, live_server, sample_data_dir

CLIENT_LOGGERS = ("httpx", "httpcore")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[str, str]] = []  # (logger, fully formatted record with traceback)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append((record.name, self.format(record)))
        except Exception as exc:  # a record that cannot be formatted is itself a finding
            self.lines.append((record.name, f"UNFORMATTABLE {record.msg!r} {record.args!r}: {exc}"))


@pytest.fixture
def capture() -> Iterator[Capture]:
    """Every logger at DEBUG, every record captured (loggers that don't propagate too)."""
    handler = Capture()
    manager = logging.root.manager
    loggers = [logging.root] + [
        logging.getLogger(name)
        for name, obj in list(manager.loggerDict.items())
        if isinstance(obj, logging.Logger)
    ]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
        if lg is logging.root or not lg.propagate:
            lg.addHandler(handler)
    try:
        yield handler
    finally:
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled
            if handler in lg.handlers:
                lg.removeHandler(handler)


def test_access_log_paths_are_redacted() -> None:
    from navigator.app.logredact import RedactAccessLog, redact_target

    assert redact_target("/?q=domestic+abuse&postcode=DN15") == "/?q=…&postcode=…"
    assert redact_target("/s/AbC123/qr.svg") == "/s/[token]/qr.svg"
    assert redact_target("/api/shortlists/AbC123") == "/api/shortlists/[token]"
    assert redact_target("/listing/NNS-001") == "/listing/NNS-001"
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s"', ("1.2.3.4", "GET", "/?q=x"), None
    )
    RedactAccessLog().filter(record)
    assert record.getMessage() == '1.2.3.4 - "GET /?q=…"'


def test_sql_values_are_hidden() -> None:
    from navigator.app.logredact import HideSqlValues

    params = logging.LogRecord(
        "sqlalchemy.engine.Engine", logging.INFO, "", 0, "[%s] %r", ("cached", ("a@b.c",)), None
    )
    HideSqlValues().filter(params)
    assert params.getMessage() == "[cached] [hidden]"
    row = logging.LogRecord("sqlalchemy.engine.Engine", logging.DEBUG, "", 0, "Row %r", (("secret",),), None)
    HideSqlValues().filter(row)
    assert row.getMessage() == "Row [hidden]"
    statement = logging.LogRecord(
        "sqlalchemy.engine.Engine", logging.INFO, "", 0, "SELECT 1 WHERE x = ?", (), None
    )
    HideSqlValues().filter(statement)
    assert statement.getMessage() == "SELECT 1 WHERE x = ?"


def mark(label: str) -> str:
    return f"zq{label}{uuid.uuid4().hex[:12]}"


def csrf(http: httpx.Client, path: str) -> str:
    page = http.get(path, headers=HTML)
    found = _CSRF.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def store_text(database_url: str) -> dict[str, str]:
    """Every table of the store as one text blob (every column of every row)."""
    engine = create_engine(database_url)
    blobs: dict[str, str] = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()  # names from the schema
            blobs[table] = "\n".join(
                " | ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
                for row in rows
            )
    engine.dispose()
    return blobs


def test_markers_reach_no_log_and_no_table_but_the_consented_hand_off(
    tmp_path_factory: pytest.TempPathFactory, capture: Capture
) -> None:
    m = {
        "chat": mark("chat"),
        "chat2": mark("followup"),
        "search": mark("search"),
        "api_search": mark("apisearch"),
        "name": mark("name"),
        "contact": f"{mark('mail')}@example.org",
        "note": mark("note"),
        "unknown_email": f"{mark('nobody')}@example.org",
        "wrong_password": mark("wrongpw") + " horse battery",
        "staff_email": f"{mark('staff')}@example.org",
        "right_password": mark("rightpw") + " correct horse",
    }
    settings = app_settings(sample_data_dir(tmp_path_factory), cookie_secure=False)
    app = create_app(settings)
    with live_server(app) as live, httpx.Client(base_url=live.url, timeout=60) as http:
        store = app.state.store
        create_user(store, m["staff_email"], m["right_password"], "curator", "Staff Member")
        api_token, _ = create_token(store, m["staff_email"], "log test")
        secret_part = api_token.rsplit("_", 1)[-1]

        # A resident: searches, a conversation, then asks a person to get in touch.
        assert http.get("/", params={"q": f"food bank {m['search']}"}, headers=HTML).status_code == 200
        assert http.get("/api/search", params={"q": f"lunch club {m['api_search']}"}).status_code == 200
        first = http.post("/api/chat", json={"message": f"I need a food bank {m['chat']} in Hythe"})
        assert first.status_code == 200
        conversation = first.json()["conversation"]
        follow = http.post(
            "/api/chat", json={"message": f"anything free {m['chat2']}", "conversation": conversation}
        )
        assert follow.status_code == 200
        handoff = {
            "consent": True,
            "name": m["name"],
            "contact_method": "email",
            "contact": m["contact"],
            "note": m["note"],
            "conversation": follow.json()["conversation"],
        }
        assert http.post("/api/chat/handoff", json=handoff).status_code == 201

        # Staff: a failed sign-in with an unknown email, a wrong password, then the right one.
        token = csrf(http, "/sign-in")
        unknown = {"email": m["unknown_email"], "password": m["wrong_password"], "csrf_token": token}
        assert http.post("/sign-in", data=unknown, headers=HTML).status_code == 401
        wrong = {"email": m["staff_email"], "password": m["wrong_password"], "csrf_token": token}
        assert http.post("/sign-in", data=wrong, headers=HTML).status_code == 401
        right = {"email": m["staff_email"], "password": m["right_password"], "csrf_token": token}
        assert http.post("/sign-in", data=right, follow_redirects=False).status_code == 303
        assert http.get("/account", headers=HTML).status_code == 200

        # A script with an API token (and one with a wrong token that looks right).
        me = http.get("/api/me", headers={"authorization": f"Bearer {api_token}"})
        assert me.status_code == 200 and me.json()["email"] == m["staff_email"]
        forged = api_token[:-4] + "AAAA"
        assert http.get("/api/me", headers={"authorization": f"Bearer {forged}"}).status_code == 401
    markers = {**m, "api_token": api_token, "token_secret": secret_part}

    server_lines = [line for name, line in capture.lines if not name.startswith(CLIENT_LOGGERS)]
    assert any("uvicorn.access" in line and "/api/chat" in line for line in server_lines), (
        "access log captured"
    )
    assert any(line.startswith("DEBUG") for line in server_lines), "DEBUG records captured"
    sql = [line for line in server_lines if "sqlalchemy.engine" in line]
    # Parameters: hidden by the engine itself (hide_parameters) or by the log filter.
    hidden_parameters = ("] [hidden]", "parameters hidden due to hide_parameters")
    assert any("Row [hidden]" in line for line in sql) and any(
        marker in line for line in sql for marker in hidden_parameters
    ), "SQL is logged at DEBUG with its values hidden"
    events = [line for line in server_lines if line.startswith(("INFO navigator", "WARNING navigator"))]
    assert sum("sign-in failed (account key" in line for line in events) == 2, "failures are logged, hashed"
    assert any(line.startswith("INFO navigator.app.routes.auth sign-in: user ") for line in events)
    leaks = [
        f"{key} in log: {line[:300]}"
        for line in server_lines
        for key, value in markers.items()
        if value in line
    ]
    assert not leaks, "\n".join(leaks)

    tables = store_text(settings.resolved_database_url)
    allowed = {  # what the person consented to, and the staff account itself
        "name": "handoff_request",
        "contact": "handoff_request",
        "note": "handoff_request",
        "staff_email": "app_user",
    }
    found = {
        (key, table)
        for table, blob in tables.items()
        for key, value in markers.items()
        if value.lower() in blob.lower()
    }
    unexpected = sorted((key, table) for key, table in found if allowed.get(key) != table)
    assert not unexpected, f"markers stored where they should not be: {unexpected}"
    consented = {key for key, table in found if table == "handoff_request"}
    assert consented == {"name", "contact", "note"}, "the consented hand-off is kept (and the scan works)"
