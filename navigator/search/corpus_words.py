"""One pass over every listing's text for what an index build learns from words: how often each
word is written (capitalised or not, for place-name ambiguity), the speller's vocabulary, and which
place names each listing mentions.

Doing these separately ran a regex over the corpus three times and looped in Python over every word
of every listing (~15 s of a 100k-listing build). Here words are split with a byte table instead
of a regex, counting is C-level, each distinct word is classified once, and Python only steps
through the words of texts that contain a possible start of a place name. Results are identical to
`AreaResolver.learn_ambiguity`, `AreaResolver.mentions` and the old lexicon
(tests/test_index_words.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

RUN = re.compile(r"[A-Za-z]+")  # AreaResolver's words
_LEXICON_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
MAX_NAME_WORDS = 3


@dataclass
class WordScan:
    runs: Counter[str]  # every [A-Za-z]+ word as written → how often
    # Per text: the longest multi-word place name at each capitalised position, or else the
    # one-word name there (kept apart: only one-word names can turn out ambiguous).
    multi: list[set[str]] = field(default_factory=list)
    single: list[set[str]] = field(default_factory=list)

    def mentions(self, i: int, ambiguous: set[str]) -> set[str]:
        return self.multi[i] | (self.single[i] - ambiguous)


def name_starts(names: Sequence[str] | Mapping[str, object]) -> dict[str, int]:
    """First word of each name that text words could spell → the most words such a name has."""
    firsts: dict[str, int] = {}
    for name in names:
        parts = name.split(" ")
        if len(parts) <= MAX_NAME_WORDS and all(p.isalpha() and p.isascii() for p in parts):
            firsts[parts[0]] = max(firsts.get(parts[0], 0), len(parts))
    return firsts


def _letter_bytes() -> bytes:
    table = bytearray(b" " * 256)
    for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c
    return bytes(table)


_LETTERS = _letter_bytes()


def words_of(text: str) -> list[bytes]:
    """`RUN.findall(text)` as bytes: every byte but an ASCII letter becomes a space (any non-ASCII
    character ends a run, as in the regex), then split. ~4x quicker than the regex."""
    return text.encode("utf-8").translate(_LETTERS).split()


def _count(texts: Sequence[str]) -> Counter[bytes]:
    runs: Counter[bytes] = Counter()
    for text in texts:
        runs.update(words_of(text))
    return runs


def count_runs(texts: Sequence[str]) -> Counter[str]:
    """How often each [A-Za-z]+ word is written (as written) across the texts."""
    return Counter({word.decode(): n for word, n in _count(texts).items()})


def scan(texts: Sequence[str], names: Mapping[str, object]) -> WordScan:
    """Count words and find the place names (keys of `names`, folded) each text mentions.

    Two cheap passes: count every word; then, knowing which distinct words could begin a name
    (capitalised, and a name's first word once lower-cased), step only through texts holding one."""
    firsts = name_starts(names)
    counts = _count(texts)
    starts = {w for w in counts if w[:1].isupper() and w.lower().decode() in firsts}
    result = WordScan(Counter({word.decode(): n for word, n in counts.items()}))
    for text in texts:
        multi: set[str] = set()
        single: set[str] = set()
        words = words_of(text)
        if not starts.isdisjoint(words):
            for i in [i for i, w in enumerate(words) if w in starts]:
                # Letters only, so folding a run of words is lower-casing it.
                for n in range(min(firsts[words[i].lower().decode()], len(words) - i), 0, -1):
                    key = b" ".join(words[i : i + n]).lower().decode()
                    if key in names:
                        (multi if n > 1 else single).add(key)
                        break
        result.multi.append(multi)
        result.single.append(single)
    return result


def lexicon_words(runs: Counter[str], min_count: int = 2) -> list[str]:
    """Words the speller trusts: `[A-Za-z][a-z]{3,}` matches, lower-cased, written at least
    `min_count` times in the whole directory. A match never spans a non-letter, so matching each
    distinct run and weighting by its count equals matching every text."""
    counts: Counter[str] = Counter()
    for run, count in runs.items():
        if len(run) < 4:
            continue
        if run.islower() or (run[0].isupper() and run[1:].islower()):
            counts[run.lower()] += count
        else:
            for match in _LEXICON_WORD.findall(run):
                counts[match.lower()] += count
    return sorted(w for w, c in counts.items() if c >= min_count)
