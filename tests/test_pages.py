"""The search page and the listing page through the app (fake embedder over the sample directory
plus two hostile listings): structure, the understood query and its one-tap corrections, sections per
need, cards, filters, pagination, the listing's details and JSON twin, and inert hostile text."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from test_pages_support import HTML, build_directory

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client
from navigator.config import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("pages") / "data", embedding_backend="fake")
    build_directory(settings)
    with auth_client(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def soup_of(client: TestClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    return BeautifulSoup(response.text, "html.parser")


def chips(soup: BeautifulSoup) -> dict[str, str | None]:
    """Understood parts: label → removal link (None when it has none)."""
    out = {}
    for li in soup.select(".understood__parts li"):
        link = li.select_one("a.chip__remove")
        out[li.select_one(".chip__text").get_text(strip=True)] = link["href"] if link else None
    return out


def q_of(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("q", [""])[0]


# ---- the search form -----------------------------------------------------------------------------
def test_search_page_has_labelled_form_and_landmarks(client: TestClient) -> None:
    soup = soup_of(client, "/")
    assert soup.find("a", class_="skip-link")["href"] == "#main"
    assert soup.find("main", id="main") and soup.find("header") and soup.find("footer")
    assert soup.h1.get_text(strip=True) == "Find local support"
    form = soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["action"] == "/"
    for control in form.find_all(["input", "select", "textarea"]):
        if control.get("type") in ("hidden", "checkbox"):
            continue
        assert soup.find("label", attrs={"for": control["id"]}), control
    assert soup.find("label", attrs={"for": "q"}).get_text(strip=True) == "What matters to the person?"
    assert form.find("details", class_="filters") is not None
    assert not form.find("details", class_="filters").has_attr("open")
    modes = [i["value"] for i in form.find_all("input", attrs={"name": "mode"})]
    assert modes == ["in_person", "online", "phone", "home_visit"]
    categories = [o.get_text() for o in form.find("select", id="category").find_all("option")]
    assert "Loneliness & befriending" in categories


def test_pages_send_csp_without_inline_script_and_no_inline_handlers(client: TestClient) -> None:
    response = client.get("/?q=food+bank", headers=HTML)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    soup = BeautifulSoup(response.text, "html.parser")
    assert all(s.has_attr("src") for s in soup.find_all("script")), "inline <script> found"
    for tag in soup.find_all(True):
        assert not any(a.startswith("on") for a in tag.attrs), tag.name
        assert "style" not in tag.attrs, tag.name


# ---- results --------------------------------------------------------------------------------------
def test_results_show_understood_query_with_one_tap_corrections(client: TestClient) -> None:
    soup = soup_of(client, "/?q=lonely+since+my+wife+died%2C+I%27m+82%2C+near+Hythe")
    parts = chips(soup)
    assert set(parts) >= {"bereavement support", "befriending and company", "age 82"}
    assert any(label.startswith("near Hythe") for label in parts)
    # Each removal link searches again without that part (and only that part).
    assert "since my wife died" not in q_of(parts["bereavement support"])
    assert "lonely" in q_of(parts["bereavement support"])
    assert "82" not in q_of(parts["age 82"]) and "Hythe" in q_of(parts["age 82"])
    place = next(url for label, url in parts.items() if label.startswith("near Hythe"))
    assert "Hythe" not in q_of(place) and "82" in q_of(place)
    again = chips(soup_of(client, parts["bereavement support"]))
    assert "bereavement support" not in again
    assert any(label.startswith("befriending and company") for label in again)
    no_age = chips(soup_of(client, parts["age 82"]))
    assert "age 82" not in no_age


def test_place_and_filters_from_the_form_are_removed_by_clearing_the_field(client: TestClient) -> None:
    soup = soup_of(client, "/?q=food+bank&where=CT20&free=1&age=70&day=TU&mode=in_person")
    parts = chips(soup)
    place = next(url for label, url in parts.items() if label.startswith("near CT20"))
    assert "where" not in parse_qs(urlsplit(place).query)
    assert "free" not in parse_qs(urlsplit(parts["free only"]).query)
    assert "age" not in parse_qs(urlsplit(parts["age 70"]).query)
    assert "day" not in parse_qs(urlsplit(parts["open Tuesdays"]).query)
    assert "mode" not in parse_qs(urlsplit(parts["in person"]).query)
    assert soup.find("details", class_="filters").has_attr("open")


def test_multi_need_search_has_a_section_per_need(client: TestClient) -> None:
    soup = soup_of(client, "/?q=lonely+since+my+wife+died&where=CT21")
    headings = [h.get_text(strip=True) for h in soup.select(".need-section > h2")]
    assert headings[:2] == ["For bereavement support", "For befriending and company"]
    for section in soup.select(".need-section"):
        assert section.select("li.card"), "empty need section"


def test_result_cards_carry_everything_the_issue_lists(client: TestClient) -> None:
    soup = soup_of(client, "/?q=food+bank&where=CT20+6AA")
    cards = soup.select("li.card.result")
    assert 1 <= len(cards) <= 10
    first = cards[0]
    assert first.select_one(".card__title a")["href"].startswith("/listing/NNS-")
    facts = first.select_one("ul.facts").get_text(" ", strip=True)
    for label in ("Distance:", "Cost:", "Last checked:"):
        assert label in facts
    assert any(c.select_one(".card__sentence mark") for c in cards), "no highlighted words"
    assert any(a["href"].startswith("tel:0") for c in cards for a in c.select(".actions a")), "no tap-to-call"
    assert any(a["href"].startswith("mailto:") for c in cards for a in c.select(".actions a"))
    websites = [
        a["href"] for c in cards for a in c.select(".actions a") if a.get_text().startswith("Website")
    ]
    assert websites and all(h.startswith(("http://", "https://")) for h in websites)
    add = first.select_one("form[data-shortlist-form]")
    assert add["action"] == "/shortlist/add" and add.find("input", attrs={"name": "csrf_token"})
    assert soup.find("link", rel="alternate")["href"].startswith("/api/search?")


def test_stale_listings_say_they_may_be_out_of_date(client: TestClient) -> None:
    # NNS-006 was last checked in July 2024: older than stale_after_days (365) today.
    soup = soup_of(client, "/?q=bereavement+counselling&where=Folkestone")
    card = next(c for c in soup.select("li.card.result") if c.select_one('a[href="/listing/NNS-006"]'))
    assert "May be out of date" in card.get_text()
    fresh = next(c for c in soup.select("li.card.result") if "2026" in c.get_text())
    assert "May be out of date" not in fresh.get_text()
    assert "May be out of date" in soup_of(client, "/listing/NNS-006").get_text()


def test_pagination_links_move_through_results(client: TestClient) -> None:
    soup = soup_of(client, "/?q=support")
    assert "Showing 1 to 10 of" in soup.select_one(".results__range").get_text()
    more = soup.find("a", rel="next")["href"]
    page2 = soup_of(client, more)
    assert "Showing 11 to 20 of" in page2.select_one(".results__range").get_text()
    assert page2.find("a", rel="prev") is not None
    ids1 = {a["href"] for a in soup.select(".card__title a")}
    ids2 = {a["href"] for a in page2.select(".card__title a")}
    assert not ids1 & ids2


def test_free_filter_keeps_only_free_services(client: TestClient) -> None:
    soup = soup_of(client, "/?q=support&free=1")
    costs = [li.get_text(" ", strip=True) for li in soup.select("ul.facts li") if "Cost:" in li.get_text()]
    assert costs and all(c == "Cost: Free" for c in costs)


def test_no_results_offers_ways_forward(client: TestClient) -> None:
    soup = soup_of(client, "/?q=food+bank&where=CT20&day=SU&age=7&mode=home_visit")
    if soup.select("li.card"):
        pytest.skip("the sample directory now has such a service")
    assert "No services found" in soup.h1.get_text()
    assert soup.find("a", string=lambda s: s and "without the filters" in s)


# ---- the listing page -----------------------------------------------------------------------------
def test_listing_page_shows_the_details_and_a_directions_link(client: TestClient) -> None:
    soup = soup_of(client, "/listing/NNS-001")
    assert soup.h1.get_text(strip=True) == "Home Befriending Visits"
    text = soup.get_text(" ", strip=True)
    for expected in ("Hythe Good Neighbours", "Cost", "Free", "Ages 60+", "CT21 5AQ", "Last checked"):
        assert expected in text
    directions = soup.find("a", href=lambda h: h and "google.com/maps" in h)
    assert directions.get_text(" ", strip=True).startswith("Directions to CT21 5AQ")
    assert directions["href"].startswith("https://www.google.com/maps/dir/?api=1&destination=CT21")
    assert soup.find("a", href="tel:01632960014")
    assert soup.find("link", rel="alternate")["href"] == "/api/listings/NNS-001"
    form = soup.find("form", action="/listing/NNS-001/report")
    reasons = [o["value"] for o in form.find("select", id="reason").find_all("option") if o["value"]]
    assert reasons == ["closed", "wrong_contact", "wrong_times", "wrong_place", "wrong_details", "other"]


def test_hidden_address_listing_shows_only_its_town(client: TestClient) -> None:
    soup = soup_of(client, "/listing/NNS-031")
    text = soup.get_text(" ", strip=True)
    assert "Folkestone" in text and "The address is given when you contact them" in text
    assert not soup.find("a", href=lambda h: h and "google.com/maps" in h)
    body = client.get("/api/listings/NNS-031").json()
    assert body["hide_exact_address"] is True
    for place in body["places"]:
        assert place["postcode"] is None and place["directions"] is None
        assert all(not any(ch.isdigit() for ch in line) for line in place["lines"]), place["lines"]


def test_listing_json_twin(client: TestClient) -> None:
    body = client.get("/api/listings/NNS-001").json()
    assert body["id"] == "NNS-001" and body["name"] == "Home Befriending Visits"
    assert body["cost"] == "Free" and body["places"][0]["postcode"] == "CT21 5AQ"
    assert client.get("/api/listings/NOPE-404").status_code == 404


def test_unknown_listing_is_a_kind_404(client: TestClient) -> None:
    soup = soup_of(client, "/listing/NOPE-404", status=404)
    assert soup.h1.get_text(strip=True) == "Service not found"
    assert soup.find("a", href="/")


# ---- hostile listing text -----------------------------------------------------------------------
def test_hostile_listing_text_is_inert_on_every_page(client: TestClient) -> None:
    for url in ("/listing/HOSTILE-1", "/?q=lunch+club+lonely+Hythe", "/api/listings/HOSTILE-1"):
        response = client.get(url, headers=HTML)
        assert response.status_code == 200, url
        if url.startswith("/api/"):
            continue
        soup = BeautifulSoup(response.text, "html.parser")
        if url.startswith("/?"):
            assert soup.find("a", href="/listing/HOSTILE-1"), "the hostile listing is not in the results"
        assert "<script>alert" not in response.text and "<img src=x" not in response.text, url
        assert [s["src"] for s in soup.find_all("script")] and all(
            s.has_attr("src") for s in soup.find_all("script")
        )
        assert not soup.find("img", src="x") and not soup.find("iframe") and not soup.find("svg")
        for a in soup.find_all("a", href=True):
            assert not a["href"].lower().lstrip().startswith(("javascript:", "data:")), (url, a["href"])
    soup = soup_of(client, "/listing/HOSTILE-1")
    assert "&lt;script&gt;" in str(soup.h1) or "<script>" in soup.h1.get_text()
    assert not soup.find("a", string=lambda s: s and "Website" in s)


# ---- report a problem ---------------------------------------------------------------------------
def test_report_a_problem_goes_to_the_curators_queue(client: TestClient) -> None:
    from sqlalchemy import select
    from test_pages_support import csrf

    from navigator.store.models_curation import ProblemReport

    data = {"reason": "wrong_times", "details": "Now open on Fridays too.", "csrf_token": csrf(client)}
    response = client.post("/listing/NNS-001/report", data=data, headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/listing/NNS-001?reported=1#report"
    thanks = soup_of(client, response.headers["location"])
    assert "Thank you" in thanks.select_one("#report [role=status]").get_text()
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.read() as session:
        report = session.scalars(select(ProblemReport).order_by(ProblemReport.id.desc())).first()
    assert report is not None and report.reason == "wrong_times" and report.status == "open"
    assert report.details == "Now open on Fridays too." and report.reported_by == "resident"


def test_report_without_csrf_is_refused(client: TestClient) -> None:
    response = client.post(
        "/listing/NNS-001/report", data={"reason": "closed"}, headers=HTML, follow_redirects=False
    )
    assert response.status_code == 403
