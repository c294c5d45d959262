"""The BM25 index built with numpy gives bm25s's own scores (same tokens, stop words, stems and Lucene
formula), survives a save and load, and finds names and service types."""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest
import Stemmer

from navigator.search.keyword import KeywordIndex

FIXTURE = Path(__file__).parent / "fixtures" / "search" / "listings.json"
ODD = [
    "",
    "The the THE and of",  # stop words only
    "Food food FOOD bank banks banking, food-bank!",
    "Ages 65+ on Tuesdays 10:00–12:00; call 01234 567890",
    "Café für Ältere — naïve résumé 食物银行 помощь 🙂",
    "under_score words and qqnavdocbreakqq inside a text",
]
QUERIES = [
    "food bank",
    "food food bank food",  # a repeated word counts again, as in bm25s
    "Citizens Advice debt",
    "lonely older people lunch club",
    "banking on the café",
    "qqnavdocbreakqq",
    "the and of",
    "65 tuesdays",
]


def texts() -> list[str]:
    listings = json.loads(FIXTURE.read_text(encoding="utf-8"))
    rows = listings if isinstance(listings, list) else listings.get("listings", [])
    out = [" ".join(str(v) for v in row.values() if isinstance(v, str)) for row in rows]
    return out + ODD


def reference_scores(corpus: list[str], query: str) -> np.ndarray:
    stemmer = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    q = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False)
    inverse = {v: k for k, v in q.vocab.items()}
    ids = [retriever.vocab_dict[inverse[i]] for i in q.ids[0] if inverse[i] in retriever.vocab_dict]
    if not ids:
        return np.zeros(len(corpus), dtype=np.float32)
    return np.asarray(retriever.get_scores_from_ids(ids), dtype=np.float32)


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    found = texts()
    assert len(found) > 10
    return found


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_bm25s(corpus: list[str], query: str) -> None:
    ours = KeywordIndex.build(corpus).scores(query)
    assert np.allclose(ours, reference_scores(corpus, query), rtol=1e-5, atol=1e-6)


def test_save_and_load_keep_scores(corpus: list[str], tmp_path: Path) -> None:
    index = KeywordIndex.build(corpus)
    index.save(tmp_path / "bm25")
    for mmap in (False, True):
        loaded = KeywordIndex.load(tmp_path / "bm25", mmap=mmap)
        assert loaded.count() == len(corpus)
        assert np.array_equal(loaded.scores("food bank"), index.scores("food bank"))


def test_document_boundaries_hold_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from navigator.search import keyword

    monkeypatch.setattr(keyword, "CHUNK", 2)
    corpus = ["food bank", "", "debt advice", "food", "men's shed", "advice on debt and food"]
    scores = KeywordIndex.build(corpus).scores("food")
    assert [i for i, s in enumerate(scores) if s > 0] == [0, 3, 5]
    assert np.allclose(scores, reference_scores(corpus, "food"), rtol=1e-5)


def test_empty_corpus_and_unknown_words() -> None:
    index = KeywordIndex.build([""])
    assert index.count() == 1
    assert not index.scores("anything at all").any()


@pytest.mark.parametrize(
    "text",
    [
        "Men’s Shed — “woodwork” • tea",  # non-ASCII punctuation only: the byte path
        "Café für Ältere, naïve résumé",  # non-ASCII letters: the regex path
        "İstanbul K-pop x² snake_case a1 b",
        "tabs\tand\nnew lines\x00and NUL",
        "",
    ],
)
def test_document_tokens_equal_the_regex(text: str) -> None:
    from navigator.search.keyword import SHORT, TOKEN, doc_tokens

    ours = [t for t in doc_tokens(text) if t not in SHORT]
    assert ours == [t.encode() for t in TOKEN.findall(text.lower())]


def test_pruned_query_gives_exact_scores_for_any_rows(
    corpus: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At scale candidates come from the rarer words, but every score asked for is exact."""
    from navigator.search import keyword_query

    monkeypatch.setattr(keyword_query, "PRUNE_FROM", 0)
    monkeypatch.setattr(keyword_query, "RARE_SHARE", 0.15)
    index = KeywordIndex.build(corpus)
    text = "food bank advice debt support people older lonely help"
    query = index.query(text)
    assert query.rest, "the test needs some common words left out of the candidate sum"
    exact = index.scores(text)
    rows = np.arange(len(corpus))
    assert np.allclose(query.at(rows), exact, rtol=1e-5, atol=1e-6)
    assert np.allclose(query.at(rows[::-1]), exact[::-1], rtol=1e-5, atol=1e-6)  # any order
    top = query.top(5, None)
    assert top.size and (query.partial[top] > 0).all()
    assert list(query.partial[top]) == sorted(query.partial[top], reverse=True)
    mask = np.zeros(len(corpus), dtype=bool)
    mask[top[1:]] = True
    assert top[0] not in query.top(5, mask)


def test_small_indexes_are_not_pruned(corpus: list[str]) -> None:
    query = KeywordIndex.build(corpus).query("food bank advice")
    assert not query.rest
