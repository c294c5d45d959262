"""Places: postcodes, outward codes and towns — and the English words that only look like towns."""

from __future__ import annotations

import pytest
from test_understand_support import gazetteer

from navigator.search.understand import DirectoryGazetteer, OutcodeGazetteer, understand
from navigator.search.understand.place import PlaceIndex, find_place
from navigator.search.understand.tokens import tokenise


def place_in(text: str) -> str | None:
    found = find_place(text, tokenise(text), PlaceIndex(gazetteer()))
    return found.place.label if found else None


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("food bank near CT20 1SQ please", "CT20 1SQ"),
        ("food bank near ct201sq please", "CT20 1SQ"),
        ("anything in DN15?", "DN15"),
        ("my postcode is bs5", "BS5"),
        ("I live in Hythe", "Hythe"),
        ("hythe, 82F, widowed", "Hythe"),
        ("Folkestone mum here", "Folkestone"),
        ("a choir in Barton-upon-Humber", "Barton-upon-Humber"),
        ("moved to Sandgate from London", "Sandgate"),
        ("I live near Reading", "Reading"),
        ("anything near Bath?", "Bath"),
        ("groups in Scunthorpe", "Scunthorpe"),
        ("somewhere in Kent", "Kent"),
    ],
)
def test_places_found(text: str, label: str) -> None:
    assert place_in(text) == label


@pytest.mark.parametrize(
    "text",
    [
        "My wife died in March",
        "reading is hard since my stroke",
        "Reading is hard since my stroke",
        "I slipped in the bath",
        "a good deal on energy",
        "I need b12 injections",
        "I can't seem to cut down",
        "my son Stanley is autistic",
        "we need help",
        "I have hope",
        "",
    ],
)
def test_words_that_are_not_places(text: str) -> None:
    assert place_in(text) is None


def test_place_words_leave_the_text_to_embed() -> None:
    q = understand("I live in Scunthorpe and love singing", gazetteer())
    assert q.place is not None and q.place.label == "Scunthorpe"
    assert "Scunthorpe" not in q.text and "live in" not in q.text
    assert "singing" in q.text


def test_postcode_place_is_located_and_named() -> None:
    q = understand("help near CT21 5AB", gazetteer())
    assert q.place is not None
    assert (q.place.kind, q.place.label, q.place.outcodes, q.place.matched) == (
        "postcode",
        "CT21 5AB",
        ("CT21",),
        "CT21 5AB",
    )
    assert q.place.lat is not None and 50 < q.place.lat < 52


def test_directory_area_wins_over_the_outcode_table() -> None:
    place = gazetteer().find_place("Cheriton")
    assert place is not None and place.kind == "town" and place.lat == pytest.approx(51.0905)


def test_directory_gazetteer_falls_back_to_outcodes() -> None:
    only = DirectoryGazetteer({"Easton": (51.46, -2.56)}, OutcodeGazetteer())
    assert only.find_place("Bristol") is not None
    assert "easton" in set(only.place_names())
    assert only.find_place("") is None and only.find_place("Nowhereville") is None


def test_without_a_gazetteer_postcodes_still_count() -> None:
    q = understand("food bank near CT20 1SQ")
    assert q.place is not None and q.place.label == "CT20 1SQ" and q.place.lat is None
    assert understand("I need F82 form").place is None  # not a postcode area
