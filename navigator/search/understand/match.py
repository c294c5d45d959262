"""Finding the vocabulary's phrases in a message: stemmed words in order, small gaps allowed.

"lost my lovely wife" matches "lost my wife" (one word between); "widowed" matches "widow" (stems).
A match whose words were all used by a longer match of another need is dropped: "can't afford
food" is food, not also debt's "can't afford".
"""

from __future__ import annotations

from dataclasses import dataclass

from navigator.search.understand.vocabulary import Phrase, Vocabulary

_NEGATIONS = frozenset(
    {"not", "never", "dont", "didnt", "isnt", "arent", "wasnt"}
)  # not "no": "no school place" is a need


@dataclass(frozen=True)
class Match:
    phrase: Phrase
    positions: tuple[int, ...]  # indexes of the matched words, in order

    @property
    def first(self) -> int:
        return self.positions[0]

    @property
    def last(self) -> int:
        return self.positions[-1]

    @property
    def need(self) -> str:
        return self.phrase.need

    @property
    def size(self) -> int:
        return len(self.phrase.words)


class PhraseMatcher:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.max_gap = vocabulary.settings.max_gap
        self._by_first: dict[str, list[Phrase]] = {}
        self._prefix_first: list[Phrase] = []
        for phrase in vocabulary.phrases:
            head = phrase.words[0]
            if head.prefix:
                self._prefix_first.append(phrase)
            else:
                self._by_first.setdefault(head.value, []).append(phrase)

    def find(self, norms: list[str], stems: list[str]) -> list[Match]:
        """Every phrase occurrence, then drop those inside a longer match of a different need."""
        found: list[Match] = []
        for i, (norm, stemmed) in enumerate(zip(norms, stems, strict=True)):
            candidates = self._by_first.get(stemmed, [])
            if self._prefix_first:
                candidates = candidates + [p for p in self._prefix_first if p.words[0].matches(norm, stemmed)]
            for phrase in candidates:
                positions = self._rest(phrase, i, norms, stems)
                if positions is None:
                    continue
                negated = i > 0 and norms[i - 1] in _NEGATIONS and phrase.words[0].value not in _NEGATIONS
                if not negated:
                    found.append(Match(phrase, positions))
        return _drop_subsumed(found)

    def _rest(self, phrase: Phrase, start: int, norms: list[str], stems: list[str]) -> tuple[int, ...] | None:
        """Positions of all phrase words when the rest follow `start`, each within the allowed gap."""
        positions = [start]
        for word in phrase.words[1:]:
            limit = min(len(norms), positions[-1] + 2 + self.max_gap)
            for j in range(positions[-1] + 1, limit):
                if word.matches(norms[j], stems[j]):
                    positions.append(j)
                    break
            else:
                return None
        return tuple(positions)


def _drop_subsumed(matches: list[Match]) -> list[Match]:
    """Keep a match unless a strictly longer match of another need used every one of its words.

    "gas bill" survives beside debt's "struggling with ... bill" (it has "gas", which debt did not use)."""
    by_size = sorted(matches, key=lambda m: (-m.size, -(m.last - m.first)))
    kept: list[Match] = []
    for m in by_size:
        mine = set(m.positions)
        inside = any(k.need != m.need and k.size > m.size and mine <= set(k.positions) for k in kept)
        if not inside:
            kept.append(m)
    return sorted(kept, key=lambda m: (m.first, -m.size))
