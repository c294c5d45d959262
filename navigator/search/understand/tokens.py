"""Tokenising a message into words with their spans, and the normal form used for matching.

Every extractor works on the same `Token` list so spans stay true to the original message (needed to
remove place and age words from the text to embed, and to say which words signalled a need).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# Words, numbers, and words with inner apostrophes ("can't", "mum's"); "82F" stays one token.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’")
_SENTENCE_END = re.compile(r"[.!?;:\n]\s*$")


@dataclass(frozen=True)
class Token:
    text: str  # as written
    start: int
    end: int
    norm: str  # lower-case, apostrophes removed, accents folded: "Mum's" -> "mums"
    sentence_start: bool  # first word of the message or of a sentence (so its capital means little)

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes: the form names and words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.lower().translate(_APOSTROPHES)


def tokenise(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = 0
    for m in _TOKEN.finditer(text):
        gap = text[previous_end : m.start()]
        starts = not tokens or bool(_SENTENCE_END.search(gap))
        tokens.append(Token(m.group(), m.start(), m.end(), fold(m.group()), starts))
        previous_end = m.end()
    return tokens


def words(text: str) -> list[str]:
    """The normal forms of the words of a text (for phrases written in the vocabulary files)."""
    return [t.norm for t in tokenise(text)]
