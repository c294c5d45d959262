"""The one-pass word scan of an index build gives exactly what the per-listing code gives: the same
place mentions, the same ambiguity and the same speller vocabulary."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "search"))

from search_support import fixture_facts

from navigator.geo.outcodes import OutcodeTable
from navigator.search import corpus_words
from navigator.search.bundle import directory_towns
from navigator.search.corpus_words import count_runs, lexicon_words
from navigator.search.facts import ListingFacts
from navigator.search.places import AreaResolver

EDGE_TEXTS = [
    "Drop-in at Weston super Mare, then Folkestone. Also Hythe-Folkestone and St. Ives!",
    "North Lincolnshire and north lincolnshire; NORTH LINCOLNSHIRE",
    "A walk down the street, any street, to Hope Street in Bristol",
    "",
    "Scunthorpe",  # a name as the very last word
    "Kingston upon Hull\nnew line inside a text, McDonald's eBay NHS Leeds",
    "İstanbul café, naïve Folkestone — “Hythe” ’Dover’",
]


def corpus() -> list[ListingFacts]:
    facts = fixture_facts()
    extra = [replace(facts[i % len(facts)], text=t) for i, t in enumerate(EDGE_TEXTS)]
    return facts + extra


def old_lexicon(texts: list[str]) -> list[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in re.findall(r"[A-Za-z][a-z]{3,}", text))
    return sorted(w for w, c in counts.items() if c >= 2)


def test_one_pass_equals_per_listing() -> None:
    facts = corpus()
    table = OutcodeTable.load_default()
    towns = directory_towns(facts)
    old = AreaResolver(table, towns)
    old.learn_ambiguity(f.text for f in facts)
    expected = [old.listing_keys(f) for f in facts]
    new = AreaResolver(table, towns)
    keys, runs = new.listing_keys_all(facts)
    assert new.ambiguous == old.ambiguous
    assert keys == expected
    assert any(keys)  # the corpus does mention places
    assert runs == count_runs([f.text for f in facts])


def test_mentions_keep_the_longest_name_and_skip_ambiguous_words() -> None:
    facts = corpus()
    resolver = AreaResolver(OutcodeTable.load_default(), directory_towns(facts))
    resolver.learn_ambiguity(f.text for f in facts)
    found = resolver.mentions(EDGE_TEXTS[1])
    assert "north lincolnshire" in found
    assert "street" not in resolver.mentions(EDGE_TEXTS[2])


def test_lexicon_from_word_counts_equals_matching_every_text() -> None:
    texts = [f.text for f in corpus()] + ["McDonald McDonald eBay eBay HELLO hello Hello"]
    assert lexicon_words(count_runs(texts)) == old_lexicon(texts)


@pytest.mark.parametrize("text", [*EDGE_TEXTS, "Ünïcode Wörds and ’quotes’ x2 A"])
def test_words_split_like_the_regex(text: str) -> None:
    assert [w.decode() for w in corpus_words.words_of(text)] == corpus_words.RUN.findall(text)
