"""The search engine over the small fixture directory with the fake embedder: filters, ranking
signals, browse mode, paging and reasons (plumbing; meaning is tested with the real model elsewhere)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "search"))

from search_support import fake_searcher

from navigator.search.engine import Searcher
from navigator.search.schema import SearchInputError, SearchRequest


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    return fake_searcher(tmp_path_factory.mktemp("idx"))


def ids(searcher: Searcher, **kw: object) -> list[str]:
    return [r.id for r in searcher.search(SearchRequest(**kw)).results]


def test_keyword_and_dense_find_food_banks(searcher: Searcher) -> None:
    found = ids(searcher, q="food bank", limit=3)
    assert set(found[:2]) == {"T-01", "T-02"}


def test_inactive_listings_are_left_out_unless_asked(searcher: Searcher) -> None:
    assert "T-08" not in ids(searcher, q="lunch club older people", limit=20)
    assert "T-08" in ids(searcher, q="lunch club older people", limit=20, include_inactive=True)


def test_postcode_filter_keeps_near_and_unlocated_and_sorts_by_distance(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="food bank", postcode="DN15 6AA", radius_km=10, limit=10))
    found = [r.id for r in response.results]
    assert found[0] == "T-01"
    assert "T-02" not in found  # Folkestone is far beyond 10 km
    assert (
        response.results[0].distance_km is not None and response.results[0].distance_km < 5
    )  # outcode centroid
    assert "km away" in response.results[0].why.facts[0]
    assert response.query.place is not None and response.query.filters["near"]["radius_km"] == 10


def test_place_in_text_ranks_local_listing_first(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="food bank in Folkestone", limit=3))
    assert response.query.place is not None and response.query.place.label.lower() == "folkestone"
    assert response.results[0].id == "T-02"


def test_age_excludes_services_whose_eligibility_does_not_fit(searcher: Searcher) -> None:
    assert "T-03" not in ids(searcher, q="lonely, someone to ring me", age=40, limit=20)
    assert "T-03" in ids(searcher, q="lonely, someone to ring me", age=70, limit=20)
    assert "T-04" not in ids(searcher, q="counselling for panic attacks", age=30, limit=20)


def test_free_day_mode_and_category_filters(searcher: Searcher) -> None:
    assert "T-07" not in ids(searcher, q="men's shed", free=True, limit=20)
    assert ids(searcher, q="food", day="saturday", limit=20) == ["T-02"]
    assert set(ids(searcher, q="support", mode="online", limit=20)) == {"T-04", "T-09"}
    assert ids(searcher, q="help", category="carers", limit=20) == ["T-09"]


def test_browse_mode_with_filters_only(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="  ", postcode="CT20 1QH", radius_km=20, limit=10))
    assert response.query.mode == "browse"
    assert response.results[0].id == "T-02"  # nearest first
    dists = [r.distance_km for r in response.results if r.distance_km is not None]
    assert dists == sorted(dists)


def test_empty_query_without_filters_is_an_input_error(searcher: Searcher) -> None:
    with pytest.raises(SearchInputError) as err:
        searcher.search(SearchRequest(q="   "))
    assert err.value.field == "q"


def test_unknown_postcode_is_a_message_not_an_error(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="food bank", postcode="ZZ99 9ZZ"))
    assert response.results and any("ZZ99 9ZZ" in m for m in response.query.messages)
    assert all(r.distance_km is None for r in response.results)


def test_paging_is_consistent(searcher: Searcher) -> None:
    everything = ids(searcher, q="support for people", limit=9)
    assert ids(searcher, q="support for people", limit=3, offset=3) == everything[3:6]


def test_reasons_state_the_facts(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="food bank", postcode="DN15 6AA", limit=1))
    result = response.results[0]
    assert "free" in result.why.facts
    assert any(f.startswith("Tuesdays, Fridays 10:00") for f in result.why.facts)
    assert result.why.sentence and "food" in result.why.sentence.lower()
    assert result.next_opening is not None
    assert result.contacts.address and "DN15 6AA" in result.contacts.address


def test_hidden_address_is_never_shown(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="domestic abuse support", limit=3))
    refuge = next(r for r in response.results if r.id == "T-10")
    assert refuge.contacts.address is None


def test_stale_listing_is_flagged_and_ranks_lower(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="men's shed", limit=10))
    shed = next(r for r in response.results if r.id == "T-07")
    assert shed.possibly_out_of_date is True


def test_long_and_odd_text_is_searched_safely(searcher: Searcher) -> None:
    long = ("I need help with food for my family. " * 200).strip()
    response = searcher.search(SearchRequest(q=long))
    assert response.results and response.query.messages  # truncated, and says so
    assert searcher.search(SearchRequest(q="🙂🙂 食物银行 помощь"))  # no exception


def test_numpy_and_faiss_backends_agree(tmp_path: Path) -> None:
    a = fake_searcher(tmp_path / "a", backend="numpy")
    b = fake_searcher(tmp_path / "b", backend="faiss-flat")
    c = fake_searcher(tmp_path / "c", backend="faiss-hnsw")
    d = fake_searcher(tmp_path / "d", backend="faiss-sq8")
    e = fake_searcher(tmp_path / "e", backend="faiss-ivf")
    for q in ("food bank", "lonely older people", "counselling"):
        ra = a.search(SearchRequest(q=q)).results
        for other in (b, c, d, e):
            rb = other.search(SearchRequest(q=q)).results
            assert [r.id for r in ra] == [r.id for r in rb]
            assert np.allclose([r.score for r in ra], [r.score for r in rb], atol=1e-4)


def test_a_listing_serving_the_place_says_so(searcher: Searcher) -> None:
    response = searcher.search(SearchRequest(q="debt advice", postcode="DN15", limit=5))
    advice = next(r for r in response.results if r.id == "T-06")  # no venue; serves North Lincolnshire
    assert advice.distance_km is None
    assert any(f.startswith("serves ") for f in advice.why.facts)
