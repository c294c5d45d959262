"""The navigators' hand-off inbox: signed-in staff only, list / view / mark done (HTML and JSON), and
requests deleted after `handoff_retention_days` (on every view, and by `navigator handoffs purge`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in
from navigator.chat.handoff import HandoffInput, purge_expired, save_handoff
from navigator.chat.state import ChatState
from navigator.config import Settings
from navigator.store import chat_queries
from navigator.store.db import Store


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def add(store: Store, name: str, *, days_ago: float = 0, urgent: str | None = None) -> int:
    state = ChatState(needs=["food support"], place="Hythe", free=True)
    form = HandoffInput(name=name, method="phone", contact="01632 960014", note=f"note from {name}")
    return save_handoff(
        store, form, state, area="Folkestone and Hythe", urgent=urgent, now=_now() - timedelta(days=days_ago)
    )


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_backend="fake", cookie_secure=True)


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with auth_client(create_app(app_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def store_of(client: TestClient) -> Store:
    return client.app.state.store  # type: ignore[attr-defined,no-any-return]


def test_anonymous_people_cannot_see_the_inbox(client: TestClient) -> None:
    add(store_of(client), "Private Person")
    for path in ("/inbox", "/api/inbox", "/inbox/1", "/api/inbox/1"):
        response = client.get(path, headers={"accept": "application/json"})
        assert response.status_code == 401, path
        assert "Private Person" not in response.text
    assert client.post("/api/inbox/1/done").status_code == 401


def test_a_navigator_lists_views_and_marks_done(client: TestClient) -> None:
    store = store_of(client)
    calm = add(store, "Calm Request", days_ago=1)
    urgent = add(store, "Urgent Request", days_ago=2, urgent="suicide")
    make_user(client, "navigator")
    sign_in(client, "navigator@example.org")

    page = client.get("/inbox", headers={"accept": "text/html"})
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1 is not None and soup.h1.get_text(strip=True) == "Requests to talk to a person"
    names = [h.get_text(strip=True) for h in soup.select(".card h2")]
    assert names == ["Urgent Request", "Calm Request"]  # urgent first
    assert "Looking for: food support · near Hythe · free" in page.text

    view = client.get(f"/inbox/{urgent}", headers={"accept": "text/html"})
    view_soup = BeautifulSoup(view.text, "html.parser")
    assert "This may be urgent" in view.text and "note from Urgent Request" in view.text
    assert view_soup.select_one('a[href="tel:01632960014"]') is not None
    form = view_soup.select_one(f'form[action="/inbox/{urgent}/done"]')
    assert form is not None and form.select_one('input[name="csrf_token"]') is not None

    token = csrf_from(client, f"/inbox/{urgent}")
    done = client.post(f"/inbox/{urgent}/done", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/inbox?done=1"
    listing = client.get("/api/inbox", params={"status": "all"}).json()
    by_id = {r["id"]: r for r in listing["requests"]}
    assert by_id[urgent]["status"] == "done" and by_id[urgent]["done_by"] == "Navigator"
    assert listing["counts"] == {"new": 1, "done": 1}

    twin = client.get(f"/api/inbox/{calm}").json()
    assert twin["name"] == "Calm Request" and twin["looking_for"].startswith("food support")
    marked = client.post(f"/api/inbox/{calm}/done", headers={"x-csrf-token": token})
    assert marked.status_code == 200 and marked.json()["status"] == "done"


def test_missing_requests_say_they_may_have_been_deleted(client: TestClient) -> None:
    make_user(client, "navigator")
    sign_in(client, "navigator@example.org")
    page = client.get("/inbox/999", headers={"accept": "text/html"})
    assert page.status_code == 404 and "deleted" in page.text
    assert client.get("/api/inbox/999").status_code == 404


def test_old_requests_are_deleted_when_the_inbox_is_opened(
    client: TestClient, app_settings: Settings
) -> None:
    store = store_of(client)
    add(store, "Too Old", days_ago=app_settings.handoff_retention_days + 1)
    add(store, "Recent", days_ago=app_settings.handoff_retention_days - 1)
    make_user(client, "curator")
    sign_in(client, "curator@example.org")
    names = [r["name"] for r in client.get("/api/inbox", params={"status": "all"}).json()["requests"]]
    assert names == ["Recent"]
    with store.read() as session:
        assert [r.name for r in chat_queries.list_handoffs(session)] == ["Recent"]


def test_purge_function_and_command(store: Store, cli) -> None:  # type: ignore[no-untyped-def]
    add(store, "Old One", days_ago=30)
    add(store, "New One", days_ago=0)
    assert purge_expired(store, 14) == 1
    add(store, "Old Two", days_ago=40)
    result = cli("handoffs", "purge", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"deleted": 1, "retention_days": 14}
    with store.read() as session:
        assert [r.name for r in chat_queries.list_handoffs(session)] == ["New One"]
