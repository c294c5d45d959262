"""Keyword (BM25) index over the same document text, with English stop words and Snowball stemming.

Keyword matching matters for names and precise service types ("Citizens Advice", "food bank") where
the dense model is vague. The index is bm25s's (its Lucene BM25 scores as a term-major sparse
matrix, saved and loaded by bm25s), but built here with numpy: bm25s tokenises and counts in Python
loops per token, which was 15 of the 30 s of a 100k-listing build; this gives the same scores
(tests/test_search_keyword.py) in ~3 s. Tokens are bm25s's: lower-cased
`\\b\\w\\w+\\b`, its English stop words removed, stemmed with PyStemmer's English stemmer.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from navigator.search.keyword_query import KeywordQuery

TOKEN = re.compile(r"(?u)\b\w\w+\b")
_BREAK = "\x00"  # the token ending each document in a chunk (NUL never occurs as a token)
K1, B = 1.5, 0.75  # bm25s defaults (method "lucene")
CHUNK = 5_000  # documents whose tokens are mapped to ids at once (bounds the tokens held)


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def _word_bytes() -> bytes:
    """A bytes.translate table keeping ASCII word characters, NUL (the document break) and nothing
    else: every other byte becomes a space."""
    table = bytearray(b" " * 256)
    for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_\x00":
        table[c] = c
    return bytes(table)


_KEEP_WORD_BYTES = _word_bytes()
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")  # a letter or digit outside ASCII (é, 食, ²)
SHORT = [bytes([c]) for c in b"abcdefghijklmnopqrstuvwxyz0123456789_"]  # one-character runs


def doc_tokens(text: str) -> list[bytes]:
    """`TOKEN.findall(text.lower())` as UTF-8 bytes, plus one-character runs (dropped by the caller).

    Most texts are ASCII or have only non-ASCII punctuation (’ “ – •): for those, mapping every
    non-word byte to a space and splitting is the same tokenisation ~4x quicker than the regex. A
    text with a non-ASCII letter or digit goes through the regex itself."""
    lower = text.lower()
    if lower.isascii() or _NON_ASCII_WORD.search(lower) is None:
        return lower.replace(_BREAK, " ").encode("utf-8").translate(_KEEP_WORD_BYTES).split()
    return [t.encode("utf-8") for t in TOKEN.findall(lower)]


def _token_ids(texts: list[str], raw: defaultdict[bytes, int]) -> Iterator[np.ndarray]:
    """Raw-token ids of each chunk of documents, id 0 marking each document's end. `raw` assigns
    new ids as tokens are first seen (the mapping runs in C: no Python loop per token)."""
    end = _BREAK.encode()
    for start in range(0, len(texts), CHUNK):
        tokens: list[bytes] = []
        for text in texts[start : start + CHUNK]:
            tokens += doc_tokens(text)
            tokens.append(end)
        yield np.fromiter(map(raw.__getitem__, tokens), dtype=np.int32, count=len(tokens))


def build_bm25(texts: list[str], stemmer: Any) -> tuple[dict[str, Any], dict[str, int]]:
    """bm25s's score matrix (`scores` dict: data, indices, indptr, num_docs) and vocabulary."""
    # Raw ids: 0 the document break, then stop words and one-character runs (both dropped), then
    # every other token as first seen.
    dropped = sorted({w.encode() for w in _stopwords()} | set(SHORT))
    raw: defaultdict[bytes, int] = defaultdict()
    raw.default_factory = raw.__len__  # next id for an unseen token
    raw[_BREAK.encode()] = 0
    for word in dropped:
        raw[word]
    docs, terms = [], []
    done = 0
    for ids in _token_ids(texts, raw):
        ends = ids == 0
        doc = done + np.cumsum(ends) - ends  # document number of each token
        keep = ids > len(dropped)
        docs.append(doc[keep].astype(np.int64))
        terms.append(ids[keep])
        done += int(ends.sum())
    n = len(texts)
    doc_of = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    raw_of = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int32)
    # Stem each distinct raw token once; tokens that stem alike share a term.
    words = [w.decode("utf-8") for w in list(raw)[len(dropped) + 1 :]]
    stems = stemmer.stemWords(words) if words else []
    vocab: dict[str, int] = {}
    stem_of_raw = np.zeros(len(raw), dtype=np.int64)
    stem_of_raw[len(dropped) + 1 :] = [vocab.setdefault(s, len(vocab)) for s in stems]
    term_of = stem_of_raw[raw_of]
    # Term frequencies: one entry per (term, document), term-major with documents ascending (CSC).
    pairs, tf = np.unique(term_of * n + doc_of, return_counts=True)
    term, doc = pairs // n, pairs % n
    doc_len = np.bincount(doc_of, minlength=n).astype(np.float64)
    df = np.bincount(term, minlength=len(vocab)).astype(np.float64)
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    norm = K1 * ((1 - B) + B * doc_len / max(float(doc_len.mean()) if n else 1.0, 1e-9))
    data = (idf[term] * tf / (norm[doc] + tf)).astype(np.float32)
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df.astype(np.int64), out=indptr[1:])
    scores = {"data": data, "indices": doc.astype(np.int32), "indptr": indptr, "num_docs": n}
    return scores, vocab


class KeywordIndex:
    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever
        self.stemmer = _stemmer()
        self.stopwords = _stopwords()
        self.vocab: dict[str, int] = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str]) -> KeywordIndex:
        import bm25s

        scores, vocab = build_bm25(texts, _stemmer())
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.scores = scores
        retriever.vocab_dict = vocab
        retriever.unique_token_ids_set = set(vocab.values())
        retriever.nonoccurrence_array = None  # only BM25L/BM25+ use it
        return cls(retriever)

    def count(self) -> int:
        return int(self.retriever.scores["num_docs"])

    def _query_ids(self, text: str) -> list[int]:
        words = [w for w in TOKEN.findall(text.lower()) if w not in self.stopwords]
        if not words:
            return []
        return [self.vocab[s] for s in self.stemmer.stemWords(words) if s in self.vocab]

    def query(self, text: str) -> KeywordQuery:
        """The query's best rows and exact scores of any rows (see keyword_query)."""
        return KeywordQuery(self.retriever.scores, Counter(self._query_ids(text)))

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of every listing for this text (zeros when no query word is known)."""
        return KeywordQuery(self.retriever.scores, Counter(self._query_ids(text)), prune=False).partial

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), mmap=mmap)
        if mmap:  # plain arrays over the same mappings: np.memmap's slicing costs ~3 µs a call
            for key in ("data", "indices", "indptr"):
                retriever.scores[key] = retriever.scores[key].view(np.ndarray)
        return cls(retriever)


def idf_lucene(df: int, n: int) -> float:
    """bm25s's Lucene idf, for tests comparing against it."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))
