"""The shortlist (cookie), its JSON twin, and sharing it: text, email/SMS links, QR code, and the
expiring read-only link that stores only listing ids (by token hash), with kind 404/410 pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_pages_support import HTML, build_directory, csrf

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client
from navigator.config import Settings
from navigator.navigator_app import links
from navigator.navigator_app import shortlist as sl
from navigator.navigator_app.display import Link
from navigator.navigator_app.listing import Summary
from navigator.navigator_app.sharing import mailto_href, qr_svg, share_text, sms_href
from navigator.store.models_navigator import SharedShortlist

JSON = {"accept": "application/json"}


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("shortlist") / "data", embedding_backend="fake")
    build_directory(settings, hostile=False)
    with auth_client(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    app_client.cookies.clear()
    return app_client


def add(client: TestClient, listing_id: str, **extra: str) -> object:
    data = {"id": listing_id, "csrf_token": csrf(client), "back": "/?q=food#x", **extra}
    return client.post("/shortlist/add", data=data, follow_redirects=False)


# ---- the cookie ------------------------------------------------------------------------------------
def test_cookie_round_trip_and_validation() -> None:
    shortlist = sl.Shortlist()
    assert shortlist.add("NNS-001", "bereavement", "CT21 5AQ")
    assert shortlist.add("NNS-002", "not a key!")
    assert shortlist.add("NNS-001")  # already there: kept once
    back = sl.decode(sl.encode(shortlist))
    assert back.ids == ["NNS-001", "NNS-002"]
    assert back.items[0].need == "bereavement" and back.items[1].need is None
    assert back.area == "CT21", "a full postcode is cut to its outward code"
    for garbage in (None, "", "%%%", "e30", "W10", "x" * 7000, sl.encode(sl.Shortlist())[:-3] + "@@@"):
        assert sl.decode(garbage).items == []


def test_shortlist_holds_at_most_max_items() -> None:
    shortlist = sl.Shortlist()
    for n in range(sl.MAX_ITEMS):
        assert shortlist.add(f"ID-{n}")
    assert not shortlist.add("ONE-TOO-MANY")
    assert len(shortlist) == sl.MAX_ITEMS


# ---- add / remove ------------------------------------------------------------------------------
def test_add_without_script_redirects_back_and_sets_the_cookie(client: TestClient) -> None:
    response = add(client, "NNS-001", need="befriending", area="Hythe")
    assert response.status_code == 303 and response.headers["location"] == "/?q=food#x"
    cookie = response.headers["set-cookie"]
    assert (
        "navigator_shortlist=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    )
    soup = BeautifulSoup(client.get("/shortlist", headers=HTML).text, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select(".shortlist h2")] == ["Home Befriending Visits"]
    assert soup.select_one("[data-shortlist-count]").get_text(strip=True) == "1"
    detail = BeautifulSoup(client.get("/listing/NNS-001", headers=HTML).text, "html.parser")
    assert detail.find("form", action="/shortlist/remove") is not None


def test_add_and_remove_with_script_answer_json(client: TestClient) -> None:
    response = client.post("/shortlist/add", data={"id": "NNS-002", "csrf_token": csrf(client)}, headers=JSON)
    assert response.status_code == 200
    assert response.json() == {
        "in_shortlist": True,
        "count": 1,
        "message": "Added to the shortlist (1 in it).",
    }
    response = client.post(
        "/shortlist/remove", data={"id": "NNS-002", "csrf_token": csrf(client)}, headers=JSON
    )
    assert response.json()["in_shortlist"] is False and response.json()["count"] == 0


def test_unknown_listing_is_not_added(client: TestClient) -> None:
    response = client.post("/shortlist/add", data={"id": "NOPE", "csrf_token": csrf(client)}, headers=JSON)
    assert response.status_code == 404 and response.json()["count"] == 0


def test_writes_need_a_csrf_token(client: TestClient) -> None:
    for path in ("/shortlist/add", "/shortlist/remove", "/shortlist/clear", "/shortlist/share"):
        response = client.post(path, data={"id": "NNS-001"}, headers=JSON)
        assert response.status_code == 403, path


def test_shortlist_json_twin(client: TestClient) -> None:
    add(client, "NNS-001", need="befriending", area="CT21")
    add(client, "NNS-006")
    body = client.get("/api/shortlist").json()
    assert [i["id"] for i in body["items"]] == ["NNS-001", "NNS-006"]
    assert body["items"][0]["need"] == "befriending" and body["area"] == "CT21"
    assert body["items"][0]["listing"]["name"] == "Home Befriending Visits"
    assert body["items"][0]["listing"]["phones"][0]["href"] == "tel:01632960014"


def test_clear_empties_the_shortlist(client: TestClient) -> None:
    add(client, "NNS-001")
    response = client.post("/shortlist/clear", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert response.headers["location"] == "/shortlist?cleared=1"
    assert client.get("/api/shortlist").json()["items"] == []


def test_a_listing_removed_from_the_directory_is_shown_as_such(client: TestClient) -> None:
    good = sl.Shortlist()
    good.add("NNS-001")
    good.add("GONE-1")  # valid shape, not in the directory
    client.cookies.set("navigator_shortlist", sl.encode(good))
    text = client.get("/shortlist", headers=HTML).text
    assert "no longer listed" in text and "Home Befriending Visits" in text


# ---- sharing -----------------------------------------------------------------------------------
def share(client: TestClient) -> tuple[str, BeautifulSoup]:
    add(client, "NNS-001")
    add(client, "NNS-031")  # a refuge: its address is never shared
    response = client.post("/shortlist/share", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/shortlist/share/")
    token = location.rsplit("/", 1)[1]
    page = client.get(location, headers=HTML)
    assert page.status_code == 200
    return token, BeautifulSoup(page.text, "html.parser")


def test_share_page_offers_qr_text_email_sms_and_print(client: TestClient) -> None:
    token, soup = share(client)
    assert len(token) >= 22, "at least 128 bits of randomness"
    link = f"https://testserver/s/{token}"
    assert soup.find("img", src=f"/s/{token}/qr.svg")["alt"]
    assert soup.find("a", href=link)
    text = soup.find("textarea", id="share-text")
    assert text.has_attr("readonly") and soup.find("label", attrs={"for": "share-text"})
    assert "Home Befriending Visits" in text.get_text() and link in text.get_text()
    assert "01632 960014" in text.get_text()
    sms = soup.find("a", href=lambda h: h and h.startswith("sms:?&body="))
    assert link in unquote(sms["href"])
    mail = soup.find("a", href=lambda h: h and h.startswith("mailto:?subject="))
    assert "Home Befriending Visits" in parse_qs(urlsplit(mail["href"]).query)["body"][0]
    assert soup.find("a", href=f"/s/{token}?print=1")
    assert soup.find("a", href="/navigator/records")


def test_shared_link_opens_a_read_only_list_without_personal_data(client: TestClient) -> None:
    token, _ = share(client)
    client.cookies.clear()  # the resident's phone has no cookies
    page = client.get(f"/s/{token}", headers=HTML)
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    soup = BeautifulSoup(page.text, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select(".shortlist h2")] == [
        "Home Befriending Visits",
        "Safe Harbour Refuge",
    ]
    assert not soup.find("form"), "the resident's page is read-only"
    refuge = soup.select(".shortlist > li")[1].get_text(" ", strip=True)
    assert "Folkestone" in refuge and "address is given when you contact them" in refuge
    body = client.get(f"/api/shortlists/{token}").json()
    assert [i["id"] for i in body["items"]] == ["NNS-001", "NNS-031"]
    assert body["expires_at"] > body["created_at"]
    qr = client.get(f"/s/{token}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert qr.content.startswith(b"<svg") and b"<script" not in qr.content
    printable = BeautifulSoup(client.get(f"/s/{token}?print=1", headers=HTML).text, "html.parser")
    assert printable.find("img", src=f"/s/{token}/qr.svg") and "page-print" in printable.body["class"]


def test_only_the_token_hash_ids_and_times_are_stored(client: TestClient) -> None:
    token, _ = share(client)
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.read() as session:
        rows = list(session.scalars(select(SharedShortlist)))
    row = next(r for r in rows if r.token_hash == links.token_hash(token))
    assert token not in row.token_hash and row.listing_ids == ["NNS-001", "NNS-031"]
    assert (row.expires_at - row.created_at) == timedelta(days=30)
    columns = set(SharedShortlist.__table__.columns.keys())
    assert columns == {"id", "token_hash", "listing_ids", "created_at", "expires_at"}


def test_expired_and_unknown_links_say_so_kindly(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    old = datetime.now() - timedelta(days=40)
    token, _ = links.create_link(store, ["NNS-001"], days=30, now=old)
    page = client.get(f"/s/{token}", headers=HTML)
    assert page.status_code == 410
    assert "This list has expired" in page.text and "Ask the person who helped you" in page.text
    assert client.get(f"/api/shortlists/{token}").status_code == 410
    assert client.get(f"/s/{token}/qr.svg").status_code == 410
    unknown = client.get("/s/" + "A" * 24, headers=HTML)
    assert unknown.status_code == 404
    assert "can't find this list" in BeautifulSoup(unknown.text, "html.parser").get_text()
    # A new share purges expired links.
    share(client)
    with store.read() as session:
        hashes = set(session.scalars(select(SharedShortlist.token_hash)))
    assert links.token_hash(token) not in hashes


def test_sharing_an_empty_shortlist_goes_back_to_it(client: TestClient) -> None:
    response = client.post("/shortlist/share", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert response.headers["location"] == "/shortlist"


def test_print_view_lists_the_shortlist(client: TestClient) -> None:
    add(client, "NNS-001")
    soup = BeautifulSoup(client.get("/shortlist/print", headers=HTML).text, "html.parser")
    assert "page-print" in soup.body["class"]
    assert soup.select_one(".shortlist h2").get_text(strip=True) == "Home Befriending Visits"
    assert soup.find("button", attrs={"data-print": True}).has_attr("hidden")


# ---- text, links and QR ------------------------------------------------------------------------
def _summary(name: str, phone: str = "01632 960014") -> Summary:
    return Summary(
        id=name,
        name=name,
        organisation="Org",
        phones=[Link(phone, "tel:" + phone.replace(" ", ""))],
        email=Link("a@example.org", "mailto:a@example.org"),
        website=Link("example.org", "https://example.org/x"),
        where="1 High Street, Hythe, CT21 5AQ",
        when="Next open Tue 01 Dec, 10:00",
        cost="Free",
        ages=None,
        active=True,
    )


def test_share_text_mailto_and_sms() -> None:
    items = [_summary("Lunch Club"), _summary("Walking Group", "01632 960015")]
    text = share_text(items, "https://n.example/s/TOKEN", "23 December 2026")
    assert text.startswith("Services we talked about:")
    assert "1. Lunch Club (Org)" in text and "   Phone: 01632 960015" in text
    assert "https://example.org/x" in text and "until 23 December 2026" in text
    mail = mailto_href(text, "https://n.example/s/TOKEN")
    assert mail.startswith("mailto:?subject=Services%20we%20talked%20about&body=")
    assert unquote(mail.split("body=", 1)[1]) == text
    sms = sms_href(items, "https://n.example/s/TOKEN")
    assert sms.startswith("sms:?&body=")
    assert unquote(sms.split("body=", 1)[1]).endswith("Details: https://n.example/s/TOKEN")
    many = [_summary(f"Service number {n} with a long name") for n in range(40)]
    assert unquote(sms_href(many, "https://n.example/s/T").split("body=", 1)[1]).count("Service") <= 2


def test_qr_code_is_an_svg_of_the_link() -> None:
    svg = qr_svg("https://n.example/s/" + "A" * 24)
    assert svg.startswith(b"<svg") and b"<title>QR code</title>" in svg


def test_link_tokens_are_long_and_random(store) -> None:  # type: ignore[no-untyped-def]
    tokens = {links.create_link(store, ["NNS-001"], days=1)[0] for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 22 and links.plausible(t) for t in tokens)
    with pytest.raises(links.LinkUnknown):
        links.open_link(store, "not a token")
    with pytest.raises(ValueError):
        links.create_link(store, [], days=1)
