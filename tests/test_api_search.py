"""GET /api/search through the app factory (fake embedder over the sample directory): the answer's
shape, and every kind of bad input giving a helpful 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("api") / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    build_index(settings, store)
    store.dispose()
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def get(client: TestClient, **params: object):  # type: ignore[no-untyped-def]
    return client.get("/api/search", params=params)


def test_search_answers_with_results_query_and_index(client: TestClient) -> None:
    response = get(client, q="food bank", postcode="DN15 6AA", limit=5)
    assert response.status_code == 200
    body = response.json()
    assert 1 <= len(body["results"]) <= 5
    first = body["results"][0]
    for key in (
        "id",
        "name",
        "organisation",
        "score",
        "why",
        "distance_km",
        "contacts",
        "next_opening",
        "last_verified",
        "need",
    ):
        assert key in first
    assert first["id"].startswith("NNS-")
    assert first["why"]["text"]
    assert body["query"]["place"]["label"] == "DN15 6AA"
    assert body["query"]["filters"]["near"]["radius_km"] > 0
    assert body["index"]["build_id"] and body["index"]["stale"] is False


def test_filters_are_echoed(client: TestClient) -> None:
    body = get(client, q="something to do", free="true", age=70, day="tue", mode="in_person").json()
    assert body["query"]["filters"]["free"] is True
    assert body["query"]["filters"]["age"] == 70
    assert body["query"]["filters"]["days"] == ["TU"]
    assert body["query"]["filters"]["modes"] == ["in_person"]


def test_radius_in_miles(client: TestClient) -> None:
    body = get(client, q="food", postcode="CT20", radius_miles=5).json()
    assert abs(body["query"]["place"]["radius_km"] - 8.05) < 0.01
    assert all(r["distance_km"] is None or r["distance_km"] <= 8.05 for r in body["results"])


def test_empty_query_without_filters_is_422_with_help(client: TestClient) -> None:
    for q in ("", "   ", "\n\t"):
        response = get(client, q=q)
        assert response.status_code == 422
        assert "looking for" in response.json()["detail"]


def test_empty_query_with_filters_browses(client: TestClient) -> None:
    response = get(client, q="", postcode="CT21", radius_km=5)
    assert response.status_code == 200
    body = response.json()
    assert body["query"]["mode"] == "browse" and body["results"]


def test_very_long_query_is_truncated_not_refused(client: TestClient) -> None:
    response = get(client, q="I feel lonely and would like company. " * 140)  # ~5,300 characters
    assert response.status_code == 200
    body = response.json()
    assert body["results"] and any("long" in m for m in body["query"]["messages"])


@pytest.mark.parametrize(
    "q", ["🙂🙏 lonely", "食物银行", "Мне одиноко", "مساعدة", "'; DROP TABLE service; --", "\x00\x01"]
)
def test_emoji_and_non_latin_text(client: TestClient, q: str) -> None:
    assert get(client, q=q).status_code == 200


def test_unknown_postcode_is_a_message_and_search_continues(client: TestClient) -> None:
    response = get(client, q="food bank", postcode="ZZ99 9ZZ")
    assert response.status_code == 200
    body = response.json()
    assert body["results"] and body["query"]["place"] is None
    assert any("ZZ99 9ZZ" in m for m in body["query"]["messages"])
    assert get(client, q="food bank", postcode="not a postcode!!").status_code == 200


@pytest.mark.parametrize("radius", [0, -3, 201, 100000])
def test_radius_out_of_range_is_422(client: TestClient, radius: float) -> None:
    response = get(client, q="food", postcode="CT20", radius_km=radius)
    assert response.status_code == 422
    assert "radius_km" in response.json()["detail"]


def test_radius_given_twice_is_422(client: TestClient) -> None:
    assert get(client, q="food", postcode="CT20", radius_km=5, radius_miles=5).status_code == 422


@pytest.mark.parametrize("limit", [0, 51, 1000])
def test_limit_out_of_range_is_422(client: TestClient, limit: int) -> None:
    response = get(client, q="food", limit=limit)
    assert response.status_code == 422 and "limit" in response.json()["detail"]


def test_bad_offset_age_day_mode_are_422(client: TestClient) -> None:
    assert get(client, q="food", offset=-1).status_code == 422
    assert get(client, q="food", age=200).status_code == 422
    assert "day" in get(client, q="food", day="someday").json()["detail"]
    assert "mode" in get(client, q="food", mode="carrier pigeon").json()["detail"]


def test_wrong_types_are_422_in_words(client: TestClient) -> None:
    response = get(client, q="food", age="eighty")
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "age"


def test_unknown_category_is_422_with_suggestions(client: TestClient) -> None:
    response = get(client, q="food", category="Fod")
    assert response.status_code == 422
    assert "not a category" in response.json()["detail"]


def test_known_category_filters(client: TestClient) -> None:
    categories = {c for r in get(client, q="help", limit=50).json()["results"] for c in r["categories"]}
    category = sorted(categories)[0]
    body = get(client, q="help", category=category, limit=50).json()
    assert body["results"] and all(category in r["categories"] for r in body["results"])


def test_no_index_is_503_with_instructions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "empty", embedding_backend="fake")
    with TestClient(create_app(settings), raise_server_exceptions=False) as empty:
        response = empty.get("/api/search", params={"q": "food"})
    assert response.status_code == 503 and "navigator index build" in response.json()["detail"]
