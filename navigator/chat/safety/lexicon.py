"""The words the safety normaliser repairs towards: risk words, misspellings and text-speak.

The tables live in data/patterns.toml ([textspeak], [contextual], [misspellings], [risk_words]) next to
the phrase rules that rely on them; general text-speak is reused from query understanding's table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from navigator.chat.safety.config import SafetyConfigError, read_toml

_JOINABLE = frozenset(
    ("a", "i", "to", "me", "my", "of", "it", "up", "in", "on", "so", "be", "do", "go", "no", "im")
)


@dataclass(frozen=True)
class Contextual:
    """Shorthand that is only risk in company: "sh" after "i"/"been"/"urge to", not "sh, be quiet"."""

    replacement: str
    before: frozenset[str]  # the word just before is one of these
    after: frozenset[str]  # or the word just after is one of these
    not_after: frozenset[str] = frozenset()  # ...and the word just after is none of these
    anywhere: bool = False  # no company needed: only `not_after` holds it back ("unalive" → "kill myself")


@dataclass
class Lexicon:
    english: dict[str, int]  # general English words → frequency rank (0 = most frequent)
    risk: frozenset[str]
    textspeak: dict[str, str]
    contextual: dict[str, Contextual]
    misspellings: dict[str, str]
    phrases: dict[str, str] = field(default_factory=dict)  # multi-word slang ("sewer slide" → "suicide")
    _fuzzy_targets: tuple[str, ...] = field(default=())
    _short_targets: dict[str, str] = field(default_factory=dict)
    _phrase_pattern: re.Pattern[str] | None = field(default=None)
    _fuzzy_memo: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._fuzzy_targets = tuple(sorted(w for w in self.risk if len(w) >= 5))
        # Four-letter risk words are too short for edit distance ("wart" is one edit from "want"), but
        # two letters swapped ("wnat", "lief") keeps every letter and is the commonest fast-typing slip.
        self._short_targets = {"".join(sorted(w)): w for w in self.risk if len(w) == 4}
        if self.phrases:
            alternatives = "|".join(re.escape(k) for k in sorted(self.phrases, key=len, reverse=True))
            self._phrase_pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")

    def is_word(self, word: str) -> bool:
        return word in self.english or word in self.risk or word in self.textspeak

    def is_risk(self, word: str) -> bool:
        return word in self.risk

    def rank(self, word: str) -> int:
        return self.english.get(word, len(self.english))

    def respell(self, word: str) -> str:
        """A known misspelling or a near miss of a risk word → the risk word; anything else unchanged."""
        fixed = self.misspellings.get(word)
        if fixed is not None:
            return fixed
        if word.isdigit() or self.is_word(word) or word in self.contextual:
            return word
        if len(word) == 4:
            return self._swapped(word)
        if len(word) < 5:
            return word
        memo = self._fuzzy_memo.get(word)
        if memo is not None:
            return memo
        limit = 1 if len(word) < 8 else 2
        best, best_distance = word, limit + 1
        for target in self._fuzzy_targets:
            if abs(len(target) - len(word)) > limit or target[0] != word[0]:
                continue  # a typo rarely changes the first letter; this also keeps it fast
            distance = DamerauLevenshtein.distance(word, target, score_cutoff=limit)
            if distance < best_distance:
                best, best_distance = target, distance
        if len(self._fuzzy_memo) < 50_000:  # bounded: a flood of unique junk must not grow it forever
            self._fuzzy_memo[word] = best
        return best

    def _swapped(self, word: str) -> str:
        """'wnat' → 'want': a four-letter non-word that is a risk word with two neighbours swapped."""
        target = self._short_targets.get("".join(sorted(word)))
        if target is None:
            return word
        diffs = [i for i in range(4) if word[i] != target[i]]
        swapped = len(diffs) == 2 and diffs[1] == diffs[0] + 1
        return target if swapped and word[diffs[0]] == target[diffs[1]] else word

    def rephrase(self, text: str) -> str:
        """Multi-word slang in normalised text → plain words ("self delete" → "kill myself")."""
        if self._phrase_pattern is None:
            return text
        return self._phrase_pattern.sub(lambda m: self.phrases[m.group()], text)

    def uncensor(self, token: str) -> str | None:
        """'su*cide' → 'suicide', 'k*ll' → 'kill': stars and hashes stand for letters of a risk word."""
        if len(token) > 24 or not re.fullmatch(r"[a-z*#]+", token):
            return None
        pattern = re.compile(re.sub(r"[*#]", "[a-z]", token))
        for word in sorted(self.risk):
            if len(word) == len(token) and pattern.fullmatch(word):
                return word
        return None

    def segment(self, letters: str) -> list[str]:
        """Letters written apart ("s u i c i d e", "k i l l m y s e l f") → words, when that is clear."""
        if len(letters) > 200:
            return list(letters)
        if self.is_word(letters) and len(letters) >= 3:
            return [letters]
        # Word break by dynamic programming, fewest words first, then most frequent words.
        best: list[tuple[int, int, list[str]] | None] = [None] * (len(letters) + 1)
        best[0] = (0, 0, [])
        for end in range(1, len(letters) + 1):
            for start in range(max(0, end - 20), end):
                prev = best[start]
                piece = letters[start:end]
                if prev is None or not (piece in ("a", "i") or (len(piece) > 1 and self.is_word(piece))):
                    continue
                cost = (prev[0] + 1, prev[1] + (0 if piece in self.risk else self.rank(piece)))
                current = best[end]
                if current is None or cost < (current[0], current[1]):
                    best[end] = (*cost, [*prev[2], piece])
        found = best[-1]
        if found is None:
            return list(letters)
        words = found[2]
        # Join only when it is clearly deliberate: a risk word or a longer word came out ("u r a" stays).
        if any(w in self.risk or len(w) >= 4 for w in words):
            return words
        return list(letters)

    def unjoin(self, word: str) -> list[str] | None:
        """Words run together ("wanttodie", "killmyself") → the words, when a risk word is among them."""
        if len(word) < 6 or len(word) > 30 or self.is_word(word):
            return None
        words = self.segment(word)
        # Short pieces must be little words people really run together ("wanttodie"); otherwise an
        # unknown word is split into junk around a risk word ("selfies" → "self i es").
        if len(words) < 2 or any(len(w) < 3 and w not in _JOINABLE for w in words):
            return None
        return words if any(w in self.risk and len(w) >= 3 for w in words) else None

    def expand(self, word: str, before: str, after: str) -> str:
        """Text-speak → plain words ("kms" → "kill myself"); contextual shorthand only in company."""
        rule = self.contextual.get(word)
        if (
            rule is not None
            and (rule.anywhere or before in rule.before or after in rule.after)
            and after not in rule.not_after
        ):
            return rule.replacement
        return self.textspeak.get(word, word)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon (English words from the packaged model's vocabulary + data/patterns.toml)."""
    from navigator.search.understand.spelling import english_words
    from navigator.search.understand.textspeak import load_textspeak

    data, where = read_toml("patterns.toml")
    english = {w: i for i, w in enumerate(english_words())}
    general = {k: _fold(v) for k, v in load_textspeak().words.items() if _fold(v) != k}
    return build_lexicon(data, where, english, general)


def build_lexicon(
    data: dict[str, object], where: str, english: dict[str, int], general: dict[str, str]
) -> Lexicon:
    own = _string_table(data, "textspeak", where)
    textspeak = {**general, **own}
    misspellings = _string_table(data, "misspellings", where)
    risk_section = data.get("risk_words", {})
    if not isinstance(risk_section, dict) or not isinstance(risk_section.get("words"), list):
        raise SafetyConfigError(f"{where}: [risk_words] needs `words = [...]`, a list of words.")
    risk = frozenset(str(w) for w in risk_section["words"])
    contextual: dict[str, Contextual] = {}
    raw = data.get("contextual", {})
    if not isinstance(raw, dict):
        raise SafetyConfigError(f"{where}: [contextual] must be a table of tables.")
    for key, spec in raw.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("replacement"), str):
            raise SafetyConfigError(f'{where}: [contextual.{key}] needs replacement = "..."')
        contextual[key] = Contextual(
            spec["replacement"],
            frozenset(spec.get("before", [])),
            frozenset(spec.get("after", [])),
            frozenset(spec.get("not_after", [])),
            bool(spec.get("anywhere", False)),
        )
    phrases = {" ".join(k.split()): v for k, v in _string_table(data, "phrases", where).items()}
    return Lexicon(english, risk, textspeak, contextual, misspellings, phrases)


def _fold(text: str) -> str:
    return text.lower().replace("'", "").replace("’", "")


def _string_table(data: dict[str, object], section: str, where: str) -> dict[str, str]:
    raw = data.get(section, {})
    if not isinstance(raw, dict):
        raise SafetyConfigError(f'{where}: [{section}] must be a table of `word = "replacement"` lines.')
    table: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise SafetyConfigError(
                f"{where}: [{section}] {key!r} must map to non-empty text, got {value!r}."
            )
        table[key] = value
    return table
