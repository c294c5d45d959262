"""The review pages and their JSON twins over HTTP: roles, CSRF, bad input, concurrency, 404s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in
from navigator.config import Settings
from navigator.curation.review import reindex
from navigator.curation.review.problems import report_problem
from navigator.ingest.pipeline import import_paths
from navigator.store.db import Store

FIX = Path(__file__).parent / "fixtures" / "review"
HTML = {"accept": "text/html"}


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Index rebuilds requested (the real one needs the embedding model: not in these tests)."""
    calls: list[str] = []
    monkeypatch.setattr(
        reindex, "rebuild_after_import", lambda s, st, console=None: calls.append("built") or "ok"
    )
    monkeypatch.setattr(reindex, "index_status", _always_stale)
    return calls


def _always_stale(settings: Any, store: Any) -> Any:
    class Status:
        stale = True

    return Status()


@pytest.fixture
def client(tmp_path: Path, rebuilds: list[str]) -> Iterator[TestClient]:
    # The fake embedder: nothing here needs meaning, and the real model would load in the background.
    settings = Settings(data_dir=tmp_path / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    import_paths(store, [FIX / "partner.csv"], settings=settings, source="partner")
    report_problem(store, "RV-002", "wrong_times", "Closed on Fridays now", "navigator")
    store.dispose()
    with auth_client(create_app(settings)) as c:
        make_user(c, "curator")
        make_user(c, "navigator")
        yield c


def _curator(client: TestClient) -> str:
    sign_in(client, "curator@example.org")
    return csrf_from(client, "/curator/problems")


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _pair(client: TestClient) -> dict[str, Any]:
    items = client.get("/api/curator/duplicates").json()["items"]
    assert len(items) == 1
    return items[0]


PAGES = [
    "/curator/duplicates",
    "/curator/stale",
    "/curator/problems",
    "/curator/listings/council:RV-001",
    "/curator/listings/RV-001/edit",
    "/api/curator/duplicates",
    "/api/curator/stale",
    "/api/curator/problems",
    "/api/curator/listings/RV-001",
    "/api/curator/listings/RV-001/edit",
]


def test_anonymous_and_navigators_are_refused_curators_served(client: TestClient) -> None:
    for path in PAGES:
        assert client.get(path, headers=HTML).status_code == 401, path
    sign_in(client, "navigator@example.org")
    for path in PAGES:
        refused = client.get(path, headers=HTML)
        assert refused.status_code == 403, path
        if not path.startswith("/api/"):
            assert "curator" in refused.text.lower() and "Traceback" not in refused.text
    _curator(client)
    for path in PAGES:
        response = client.get(path, headers=HTML)
        assert response.status_code == 200, (path, response.text[:300])
        if path.startswith("/api/"):
            assert response.headers["content-type"].startswith("application/json")
        else:
            soup = _soup(response)
            assert soup.find("h1") and soup.find("main")
            assert not soup.select("[style]") and not soup.select("script:not([src])")


def test_queues_show_their_items(client: TestClient) -> None:
    _curator(client)
    dupes = _soup(client.get("/curator/duplicates", headers=HTML))
    assert "Saltmarsh Memory" in dupes.select_one("ol.review-list h2").text
    stale = _soup(client.get("/curator/stale?source=council", headers=HTML))
    titles = [h.text.strip() for h in stale.select("ol.review-list h2")]
    assert titles == ["Quayside Benefits Advice", "Saltmarsh Memory Café"]
    problems = _soup(client.get("/curator/problems", headers=HTML))
    assert "Closed on Fridays now" in problems.text and problems.select("textarea[name=note][required]")
    data = client.get("/api/curator/stale?page=1&source=council").json()
    assert data["total"] == 2 and data["items"][0]["assured_date"] is None


def test_merge_through_the_form(client: TestClient, rebuilds: list[str]) -> None:
    token = _curator(client)
    pair = _pair(client)
    page = _soup(client.get(f"/curator/duplicates/{pair['id']}", headers=HTML))
    form = page.select_one("form.merge-form")
    data: dict[str, str] = {"csrf_token": token}
    for field in form.select("input[type=hidden]"):
        data[field["name"]] = field["value"]
    for field in form.select("input[type=radio][checked]"):
        data[field["name"]] = field["value"]
    assert data["keep"] in ("a", "b") and "field_name" in data
    done = client.post(f"/curator/duplicates/{pair['id']}/merge", data=data, headers=HTML)
    assert done.status_code == 200 and "is now inactive" in done.text
    assert rebuilds == ["built"]
    again = client.post(f"/curator/duplicates/{pair['id']}/merge", data=data, headers=HTML)
    assert again.status_code == 409 and "already merged" in again.text
    assert client.get("/api/curator/duplicates").json()["total"] == 0


def test_merge_of_a_listing_changed_meanwhile_is_refused_and_reshown(client: TestClient) -> None:
    token = _curator(client)
    pair = _pair(client)
    versions = {"version_a": pair["a"]["version"], "version_b": pair["b"]["version"]}
    listing = pair["a"]["ref"]
    edit = client.get(f"/api/curator/listings/{listing}/edit").json()
    changed = client.post(
        f"/api/curator/listings/{listing}/edit",
        json={"values": {**edit["values"], "opening_notes": "Ring first"}, "version": edit["version"]},
        headers={"X-CSRF-Token": token},
    )
    assert changed.status_code == 200 and changed.json()["saved"]
    refused = client.post(
        f"/curator/duplicates/{pair['id']}/merge",
        data={**versions, "keep": "a", "csrf_token": token},
        headers=HTML,
    )
    assert refused.status_code == 409
    soup = _soup(refused)
    assert "changed by someone else" in soup.select_one("[role=alert]").text
    assert soup.select_one("form.merge-form")  # the comparison again, with the current versions
    assert client.get("/api/curator/duplicates").json()["total"] == 1
    api = client.post(
        f"/api/curator/duplicates/{pair['id']}/merge",
        json={"keep": "a", "versions": {"a": "x", "b": "y"}},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 409 and api.json()["comparison"]["status"] == "open"


def test_not_duplicate_json_twin(client: TestClient) -> None:
    token = _curator(client)
    pair = _pair(client)
    done = client.post(f"/api/curator/duplicates/{pair['id']}/not-duplicate", headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and "will not be flagged" in done.json()["message"]
    assert client.get(f"/api/curator/duplicates/{pair['id']}").json()["status"] == "not_duplicate"


def test_stale_actions(client: TestClient, rebuilds: list[str]) -> None:
    token = _curator(client)
    item = client.get("/api/curator/stale?source=council").json()["items"][0]
    form = {
        "listing": item["ref"],
        "version": item["version"],
        "csrf_token": token,
        "page": "1",
        "source": "council",
    }
    done = client.post("/curator/stale/verify", data=form, headers=HTML)
    assert done.status_code == 200 and "verified today" in done.text
    again = client.post("/curator/stale/verify", data=form, headers=HTML)
    assert again.status_code == 200 and "already" in again.text
    other = client.get("/api/curator/stale?source=council").json()["items"][0]
    closed = client.post(
        "/api/curator/stale/close",
        json={"listing": other["ref"], "version": other["version"]},
        headers={"X-CSRF-Token": token},
    )
    assert closed.status_code == 200 and "inactive" in closed.json()["message"]
    assert client.get("/api/curator/stale?source=council").json()["total"] == 0
    forged = client.post("/curator/stale/close", data={**form, "version": "forged"}, headers=HTML)
    assert forged.status_code in (200, 409)  # already verified listing: closing it needs the current version
    assert len(rebuilds) >= 2


def test_resolve_a_problem(client: TestClient) -> None:
    token = _curator(client)
    report = client.get("/api/curator/problems").json()["items"][0]
    empty = client.post(
        f"/curator/problems/{report['id']}/resolve", data={"note": "  ", "csrf_token": token}, headers=HTML
    )
    assert empty.status_code == 422
    soup = _soup(empty)
    assert soup.select_one("textarea[aria-invalid=true]") and soup.select_one(".field-error")
    done = client.post(
        f"/curator/problems/{report['id']}/resolve",
        data={"note": "Phoned: Fridays fixed", "csrf_token": token},
        headers=HTML,
    )
    assert done.status_code == 200 and "resolved" in done.text
    assert client.get("/api/curator/problems").json()["total"] == 0
    listing = client.get("/api/curator/listings/council:RV-002").json()
    assert listing["problems"][0]["resolved_by"] == "curator@example.org"


def test_edit_through_the_form_shows_errors_then_saves_and_history(client: TestClient) -> None:
    token = _curator(client)
    page = _soup(client.get("/curator/listings/council:RV-001/edit", headers=HTML))
    form = page.select_one("form.edit-form")
    data: dict[str, Any] = {"csrf_token": token}
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not name or (field.get("type") in ("checkbox",) and not field.has_attr("checked")):
            continue
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen["value"]
        elif field.get("type") == "checkbox":
            data.setdefault(name, []).append(field["value"])
        else:
            data[name] = field.get("value", "")
    bad = client.post(
        "/curator/listings/council:RV-001/edit",
        data={**data, "postcode": "XX", "min_age": "old"},
        headers=HTML,
    )
    assert bad.status_code == 422
    soup = _soup(bad)
    links = [a["href"] for a in soup.select(".error-summary a")]
    assert links == ["#f-min_age", "#f-postcode"] or sorted(links) == ["#f-min_age", "#f-postcode"]
    assert soup.select_one("#f-postcode")["aria-invalid"] == "true"
    assert soup.select_one("#f-postcode")["value"] == "XX"  # what was typed is kept
    good = client.post(
        "/curator/listings/council:RV-001/edit",
        data={**data, "opening_times": "1st Tue 14:00-16:30", "name": "Saltmarsh Memory Café (Hythe)"},
        headers=HTML,
    )
    assert good.status_code == 200 and "Saved 2 change(s)" in good.text
    listing = _soup(client.get("/curator/listings/council:RV-001", headers=HTML))
    rows = [[td.text.strip() for td in tr.select("td")] for tr in listing.select("table.history tbody tr")]
    assert any(r[1] == "curator@example.org" and r[2] == "name" and "(Hythe)" in r[4] for r in rows)
    assert any(r[2] == "schedules" and "16:00" in r[3] and "16:30" in r[4] for r in rows)
    held = [tr.select("td")[0].text for tr in listing.select("table:not(.history) tbody tr")]
    assert sorted(held) == ["name", "schedules"]
    stale_form = client.post("/curator/listings/council:RV-001/edit", data=data, headers=HTML)
    assert stale_form.status_code == 409 and "changed by someone else" in stale_form.text
    assert "What you had typed" in stale_form.text


WRITES = [
    "/curator/duplicates/1/not-duplicate",
    "/curator/duplicates/1/merge",
    "/curator/stale/verify",
    "/curator/problems/1/resolve",
    "/curator/listings/RV-001/edit",
    "/curator/listings/RV-001/release",
    "/api/curator/duplicates/1/not-duplicate",
]


def test_missing_or_forged_csrf_is_refused_and_nothing_changes(client: TestClient) -> None:
    _curator(client)
    before = [client.get(p).json() for p in ("/api/curator/duplicates", "/api/curator/problems")]
    for path in WRITES:
        for token in (None, "forged"):
            data = {"note": "x", "listing": "RV-001", "version": "v", "field": "name", "keep": "a"}
            if token:
                data["csrf_token"] = token
            response = client.post(path, data=data, headers=HTML)
            assert response.status_code == 403, (path, token)
            assert "Traceback" not in response.text
    assert [client.get(p).json() for p in ("/api/curator/duplicates", "/api/curator/problems")] == before


def test_unknown_ids_give_a_404_page(client: TestClient) -> None:
    _curator(client)
    for path in [
        "/curator/listings/NOPE",
        "/curator/listings/council:NOPE/edit",
        "/curator/duplicates/9999",
        "/curator/listings/" + "x" * 3000,
        "/curator/duplicates/abc",
        "/curator/duplicates/99999999999999999999",
    ]:
        response = client.get(path, headers=HTML)
        assert response.status_code == 404, path
        assert _soup(response).select_one("h1").text == "Not found"
        api = client.get(path.replace("/curator/", "/api/curator/", 1))
        assert api.status_code in (404, 422) and "detail" in api.json()
    for path in ["/curator/stale?page=abc", "/curator/duplicates?page=-1", "/curator/problems?page=1e9"]:
        assert client.get(path, headers=HTML).status_code == 200, path


GARBAGE = [
    ("/curator/duplicates/abc/merge", {}),
    ("/curator/duplicates/1/merge", {"keep": "z" * 5000, "field_name": "\x00"}),
    ("/curator/duplicates/99999/merge", {"keep": "a"}),
    ("/curator/stale/explode", {"listing": "RV-001"}),
    ("/curator/stale/verify", {"listing": "", "version": ""}),
    ("/curator/stale/close", {"listing": "NOPE", "page": "-3"}),
    ("/curator/problems/99999/resolve", {"note": "x"}),
    ("/curator/problems/abc/resolve", {"note": "x"}),
    ("/curator/listings/RV-001/edit", {"version": "v", "name": ["a", "b"], "delivery": "<b>"}),
    ("/curator/listings/RV-001/release", {"field": "x" * 500}),
]


def test_garbage_never_gives_a_500(client: TestClient) -> None:
    token = _curator(client)
    for path, data in GARBAGE:
        response = client.post(path, data={**data, "csrf_token": token}, headers=HTML)
        assert response.status_code < 500, (path, response.text[:500])
        assert "Traceback" not in response.text


def test_garbage_json_never_gives_a_500(client: TestClient) -> None:
    token = _curator(client)
    headers = {"X-CSRF-Token": token}
    for path, body in [
        ("/api/curator/duplicates/1/merge", {"keep": 5}),
        ("/api/curator/duplicates/1/merge", [1, 2]),
        ("/api/curator/stale/verify", {"listing": None}),
        ("/api/curator/problems/1/resolve", {"note": {"a": 1}}),
        ("/api/curator/listings/RV-001/edit", {"values": "x", "version": 3}),
        ("/api/curator/listings/RV-001/edit", {"values": {"name": {"x": 1}}, "version": "v"}),
    ]:
        response = client.post(path, json=body, headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:300])
    raw = client.post(
        "/api/curator/duplicates/1/merge",
        content=b"{not json",
        headers={**headers, "content-type": "application/json"},
    )
    assert 400 <= raw.status_code < 500


def test_listing_page_shows_everything(client: TestClient) -> None:
    _curator(client)
    soup = _soup(client.get("/curator/listings/RV-002", headers=HTML))
    assert soup.select_one("h1").text == "Quayside Benefits Advice"
    assert "Closed on Fridays now" in soup.text
    dupes = _soup(client.get("/curator/listings/partner:P-77", headers=HTML))
    assert dupes.select_one('a[href^="/curator/duplicates/"]')
    assert re.search(r"No changes since", soup.text)
