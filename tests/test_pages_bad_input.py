"""Garbage in every search parameter, listing id and form field gives a friendly page (never a 500,
never a stack trace), and the search still runs without the part that could not be used."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from test_pages_support import HTML, build_directory, csrf

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client
from navigator.config import Settings

GARBAGE = [
    "",
    " ",
    "-1",
    "9999",
    "1e309",
    "nan",
    "abc",
    "<script>alert(1)</script>",
    "'; DROP TABLE service; --",
    "\x00\x01",
    "%00",
    "☃" * 50,
    "x" * 5000,
]
PARAMS = ["q", "where", "radius", "free", "age", "day", "mode", "category", "page"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("bad") / "data", embedding_backend="fake")
    build_directory(settings, hostile=False)
    with auth_client(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def assert_friendly(response, where: str) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, (where, response.status_code)
    assert "Traceback" not in response.text and "Internal Server Error" not in response.text, where
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("main") is not None, where
    return soup


@pytest.mark.parametrize("name", PARAMS)
def test_every_search_parameter_survives_garbage(client: TestClient, name: str) -> None:
    for value in GARBAGE:
        params = {"q": "food bank", name: value}
        assert_friendly(client.get("/", params=params, headers=HTML), f"{name}={value[:20]!r}")


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"q": "food bank", "age": "-5"}, "is not an age"),
        ({"q": "food bank", "age": "abc"}, "is not an age"),
        ({"q": "food bank", "radius": "9999"}, "further than we search"),
        ({"q": "food bank", "radius": "far"}, "is not a distance"),
        ({"q": "food bank", "day": "someday"}, "is not a day of the week"),
        ({"q": "food bank", "mode": "telepathy"}, "is not a way of getting help"),
        ({"q": "food bank", "category": "No Such Category"}, "is not a category"),
        ({"q": "food bank", "page": "-3"}, "is not a page number"),
        ({"q": "food bank", "page": "100000"}, "at most"),
        ({"q": "food bank", "where": "ZZ99 9ZZ"}, "could not find the postcode or place"),
        ({"q": "food bank " * 3000}, "very long"),
    ],
)
def test_bad_values_are_explained_and_the_search_still_runs(
    client: TestClient, params: dict[str, str], said: str
) -> None:
    soup = assert_friendly(client.get("/", params=params, headers=HTML), str(params)[:80])
    assert said in soup.get_text(" "), soup.select_one("main").get_text(" ", strip=True)[:600]
    assert soup.select("li.card.result"), "the search should still run without the bad part"


def test_nothing_to_search_for_says_what_to_type(client: TestClient) -> None:
    soup = assert_friendly(client.get("/", params={"q": "   ", "radius": "5"}, headers=HTML), "blank")
    assert not soup.select("li.card.result")
    soup = assert_friendly(
        client.get("/", params={"where": "Nowhereville Xyz"}, headers=HTML), "unknown place"
    )
    assert soup.find(id="search-problem") or "could not find" in soup.get_text()


@pytest.mark.parametrize(
    "listing_id", ["NOPE", "x" * 600, "%00", "..%2F..%2Fetc%2Fpasswd", "<script>", "a/b/c", "sample:"]
)
def test_unknown_or_odd_listing_ids_are_a_kind_404(client: TestClient, listing_id: str) -> None:
    response = client.get(f"/listing/{listing_id}", headers=HTML)
    assert response.status_code == 404, listing_id
    assert "can't find a service" in assert_friendly(response, listing_id).get_text()
    assert client.get(f"/api/listings/{listing_id}").status_code == 404


def test_report_form_garbage_is_explained(client: TestClient) -> None:
    token = csrf(client)
    for data in (
        {"reason": "not-a-reason", "details": ""},
        {"reason": "other", "details": ""},
        {"reason": "wrong_times", "details": "x" * 5000},
        {"reason": "<script>", "details": "\x00"},
    ):
        response = client.post(
            "/listing/NNS-001/report",
            data={**data, "csrf_token": token},
            headers=HTML,
            follow_redirects=False,
        )
        assert response.status_code == 400, data
        soup = assert_friendly(response, str(data)[:40])
        assert soup.select_one("#report .error-summary"), data
    response = client.post(
        "/listing/NOPE/report",
        data={"reason": "closed", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 404


def test_shortlist_and_share_garbage(client: TestClient) -> None:
    token = csrf(client)
    for listing_id in ("", "NOPE", "x" * 700, "\x00"):
        response = client.post(
            "/shortlist/add",
            data={"id": listing_id, "csrf_token": token, "back": "/"},
            follow_redirects=False,
        )
        assert response.status_code < 500, listing_id
    for back in ("https://evil.example/", "//evil.example", "/\\evil", "javascript:alert(1)"):
        response = client.post(
            "/shortlist/add",
            data={"id": "NNS-001", "csrf_token": token, "back": back},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"].startswith("/"), back
        assert not response.headers["location"].startswith("//"), back
    client.cookies.set("navigator_shortlist", "!!!not-base64{{")
    assert_friendly(client.get("/shortlist", headers=HTML), "bad cookie")
    client.cookies.delete("navigator_shortlist")
    for bad in ("x", "A" * 22, "a.b", "%00" * 10, "a" * 500, "<script>"):
        response = client.get(f"/s/{bad}", headers=HTML)
        assert response.status_code == 404, bad
        assert "can't find this list" in assert_friendly(response, bad).get_text()
        assert client.get(f"/s/{bad}/qr.svg").status_code == 404
        assert client.get(f"/api/shortlists/{bad}").status_code == 404
