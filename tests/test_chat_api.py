"""POST /api/chat and /api/chat/handoff over HTTP, the widget's script and panel page: who may call
them, how much, and every kind of bad input answered in words, never with a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
HOST = "https://council.example"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    path = tmp_path_factory.mktemp("chat-api") / "data"
    settings = Settings(data_dir=path, embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    build_index(settings, store)
    store.dispose()
    return path


def make_client(data_dir: Path, **overrides: Any) -> TestClient:
    settings = Settings(
        data_dir=data_dir,
        embedding_backend="fake",
        chat_allowed_origins=[HOST],
        chat_rate_per_minute=overrides.pop("chat_rate_per_minute", 10_000),
        **overrides,
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with make_client(data_dir) as test_client:
        yield test_client


def chat(client: TestClient, message: Any, conversation: Any = None, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/api/chat", json={"message": message, "conversation": conversation}, headers=headers)


def assert_shape(body: dict[str, Any]) -> None:
    assert set(body) >= {"conversation", "messages", "options", "safety", "suggestions"}
    assert body["messages"], "every answer has something for the person to read"
    for m in body["messages"]:
        assert m["kind"] in {"text", "question", "options", "crisis", "disclosure", "handoff", "error"}


def test_a_conversation_over_http(client: TestClient) -> None:
    first = chat(client, "")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert_shape(first.json())
    assert first.json()["messages"][0]["kind"] == "disclosure"
    asked = chat(client, "I need a food bank", first.json()["conversation"]).json()
    assert asked["messages"][0]["asks"] == "place"
    shown = chat(client, "Hythe", asked["conversation"]).json()
    assert shown["options"][0]["need"] == "food support" and shown["options"][0]["items"]
    assert shown["safety"] is None and shown["suggestions"]


def test_crisis_reply_carries_the_safety_field(client: TestClient) -> None:
    body = chat(client, "food bank in Hythe and i want to kill myself").json()
    assert body["safety"]["category"] == "suicide"
    hrefs = [r["href"] for r in body["safety"]["resources"]]
    assert "tel:999" in hrefs and "tel:116123" in hrefs and body["options"] == []


# ---- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "😀😀😀",
        "<script>alert('x')</script>",
        "\x00\x01\x02 binary \ufffd",
        "مرحبا",
        "Hallo, ich suche Hilfe",
    ],
)
def test_odd_messages_get_a_clear_answer(client: TestClient, message: str) -> None:
    response = chat(client, message)
    assert response.status_code == 200
    assert_shape(response.json())
    assert "<script" not in response.text


def test_a_10000_character_message_is_refused_in_words(client: TestClient) -> None:
    response = chat(client, "help " * 2000)
    assert response.status_code == 422
    body = response.json()
    assert "under 1000 characters" in body["detail"] and "10000" in body["detail"]
    assert body["messages"][-1] == {"kind": "error", "text": body["detail"]}
    assert body["problems"][0]["field"] == "message"


def test_a_long_message_is_still_checked_for_risk_first(client: TestClient) -> None:
    body = chat(client, "I need help with my garden. " * 60 + " i want to end my life").json()
    assert body["safety"]["category"] == "suicide"
    assert body["messages"][0]["kind"] == "crisis"


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"\xff\xfe\x00\x01binary", 400, "couldn't read"),
        (b"{not json", 400, "couldn't read"),
        (b"[1, 2, 3]", 400, "couldn't read"),
        (b'{"message": ' + b'"' + b"a" * 200_000 + b'"}', 413, "too much"),
    ],
)
def test_bodies_that_are_not_a_chat_message(
    client: TestClient, content: bytes, status: int, words: str
) -> None:
    response = client.post("/api/chat", content=content, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_a_message_that_is_not_text(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": ["a"]})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "message"


@pytest.mark.parametrize("conversation", ["forged.token", 12345, {"a": 1}, "A" * 100_00])
def test_a_forged_conversation_starts_again(client: TestClient, conversation: Any) -> None:
    response = chat(client, "food bank in Hythe", conversation)
    assert response.status_code == 200
    assert "start again" in response.json()["messages"][0]["text"]


# ---- origins and floods -------------------------------------------------------------------------
def test_allowed_origin_gets_cors_and_preflight(client: TestClient) -> None:
    pre = client.options("/api/chat", headers={"origin": HOST, "access-control-request-method": "POST"})
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == HOST
    assert "POST" in pre.headers["access-control-allow-methods"]
    response = chat(client, "hello", origin=HOST)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == HOST


def test_navigators_own_pages_may_call_it(client: TestClient) -> None:
    response = chat(client, "hello", origin="http://testserver")
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://council.example.evil.test"])
def test_other_origins_are_refused_in_words(client: TestClient, origin: str) -> None:
    pre = client.options("/api/chat", headers={"origin": origin, "access-control-request-method": "POST"})
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
    response = chat(client, "hello", origin=origin)
    assert response.status_code == 403
    assert "isn't set up to use the Navigator chat" in response.json()["detail"]
    handoff = client.post("/api/chat/handoff", json={"consent": True}, headers={"origin": origin})
    assert handoff.status_code == 403


def test_a_flood_from_one_client_is_slowed_with_retry_after(data_dir: Path) -> None:
    with make_client(data_dir, chat_rate_per_minute=5) as flooded:
        codes = [chat(flooded, "hello").status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
        refused = chat(flooded, "hello")
        assert int(refused.headers["retry-after"]) >= 1
        assert "faster than I can answer" in refused.json()["detail"]


# ---- hand-off ---------------------------------------------------------------------------------------
def handoff(client: TestClient, **fields: Any):  # type: ignore[no-untyped-def]
    body = {"consent": True, "name": "Sam", "contact_method": "phone", "contact": "07700 900123", "note": ""}
    body.update(fields)
    return client.post("/api/chat/handoff", json=body)


def stored(client: TestClient) -> list[Any]:
    from navigator.store.models_chat import HandoffRequest

    store = client.app.state.store  # type: ignore[attr-defined]
    with store.read() as session:
        return list(session.query(HandoffRequest).all())


@pytest.mark.parametrize("consent", [False, None, "yes", 1, "true"])
def test_no_consent_no_hand_off_and_nothing_stored(client: TestClient, consent: Any) -> None:
    before = len(stored(client))
    response = handoff(client, consent=consent, name="Nobody Stored")
    assert response.status_code == 422
    body = response.json()
    assert body["problems"][0]["field"] == "consent" and "haven't sent anything" in body["detail"]
    assert len(stored(client)) == before


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": ""}, "name", "tell us your name"),
        ({"name": "x" * 81}, "name", "up to 80"),
        ({"contact_method": "pigeon"}, "contact_method", "phone or email"),
        ({"contact": "12"}, "contact", "UK phone number"),
        ({"contact_method": "email", "contact": "not-an-email"}, "contact", "email address"),
        ({"note": "n" * 501}, "note", "under 500"),
    ],
)
def test_hand_off_fields_are_checked(
    client: TestClient, fields: dict[str, Any], field: str, words: str
) -> None:
    response = handoff(client, **fields)
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == field and words in response.json()["detail"]


def test_a_consented_hand_off_lands_in_the_inbox_with_the_search(client: TestClient) -> None:
    token = chat(client, "food bank in Hythe").json()["conversation"]
    response = handoff(
        client, conversation=token, name="Sam Jones", contact="01632 960014", note="Mornings are best"
    )
    assert response.status_code == 201
    assert "Thank you, Sam Jones" in response.json()["messages"][-1]["text"]
    row = stored(client)[-1]
    assert (row.name, row.contact_method, row.contact, row.note) == (
        "Sam Jones",
        "phone",
        "01632 960014",
        "Mornings are best",
    )
    assert row.looking_for == "food support · near Hythe" and row.status == "new" and row.urgent is None


def test_a_hand_off_note_that_signals_risk_is_flagged_and_answered_with_help(client: TestClient) -> None:
    response = handoff(
        client, contact_method="email", contact="sam@Example.ORG", note="he hits me every night"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["safety"]["category"] == "domestic_abuse" and body["messages"][0]["kind"] == "crisis"
    row = stored(client)[-1]
    assert row.urgent == "domestic_abuse" and row.contact == "sam@example.org"


# ---- the widget's files -------------------------------------------------------------------------------
def test_widget_script_is_served_with_settings_filled_in(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert '"https://www.bbc.co.uk/weather"' in response.text and "__NAVIGATOR_" not in response.text
    assert '"launcher": "Find local support"' in response.text


def test_panel_page_may_be_framed_only_by_allowed_hosts(client: TestClient) -> None:
    response = client.get("/widget/panel", params={"host": HOST, "colour": "#ffff00", "title": "Help"})
    assert response.status_code == 200
    assert f"frame-ancestors 'self' {HOST}" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    soup = BeautifulSoup(response.text, "html.parser")
    body = soup.body
    assert body is not None
    assert body["data-parent-origin"] == HOST and body["data-colour"] == "#1d4f91"  # too light: default
    assert soup.find(attrs={"role": "log"}) is not None and soup.find("label", attrs={"for": "chat-message"})
    assert all(s.get("src") for s in soup.find_all("script")), "no inline script (CSP)"
    assert not soup.find_all(style=True) and not soup.find_all("style"), "no inline style (CSP)"
    other = client.get("/widget/panel", params={"host": "https://evil.example"})
    assert BeautifulSoup(other.text, "html.parser").body["data-parent-origin"] == ""  # type: ignore[index]


def test_other_pages_still_refuse_framing(client: TestClient) -> None:
    assert "frame-ancestors 'none'" in client.get("/widget.js").headers["content-security-policy"]


@pytest.mark.parametrize("name", ["panel.js", "panel.css"])
def test_panel_assets(client: TestClient, name: str) -> None:
    assert client.get(f"/widget/{name}").status_code == 200
    assert client.get("/widget/demo-host.html").status_code == 404
    assert client.get("/widget/..%2Fwidget.js").status_code == 404


def test_without_a_search_index_safety_still_works_and_search_says_so(tmp_path: Path) -> None:
    with make_client(tmp_path / "empty") as empty:
        searched = chat(empty, "food bank in Hythe")
        assert searched.status_code == 200
        assert searched.json()["messages"][-1]["kind"] == "error"
        assert "can't search the directory just now" in searched.json()["messages"][-1]["text"]
        crisis = chat(empty, "i want to end my life")
        assert crisis.json()["safety"]["category"] == "suicide"
