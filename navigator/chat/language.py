"""Why a message found no need: no words at all (emoji, symbols), probably not English, or just
unclear. Used only to choose the kindest way to ask again."""

from __future__ import annotations

import re
from collections.abc import Collection

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
LATIN_MAX = 0x024F  # Basic Latin to Latin Extended-B
# Common short English words the directory's vocabulary (words of 4+ letters) would not hold.
ENGLISH_SHORT = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "for",
        "from",
        "get",
        "go",
        "got",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "if",
        "im",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "out",
        "she",
        "so",
        "the",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "what",
        "who",
        "why",
        "you",
        "any",
        "all",
        "am",
        "did",
        "dont",
        "cant",
        "get",
        "got",
        "had",
        "how",
        "may",
        "new",
        "now",
        "off",
        "one",
        "own",
        "see",
        "she",
        "two",
        "way",
        "yes",
        "yet",
        "near",
        "help",
        "need",
        "want",
        "with",
        "this",
        "that",
        "them",
        "they",
        "there",
        "here",
        "some",
        "just",
        "about",
        "feel",
        "like",
    ]
)
GREETINGS = frozenset(
    [
        "hi",
        "hello",
        "hiya",
        "hey",
        "heya",
        "morning",
        "afternoon",
        "evening",
        "good",
        "yo",
        "howdy",
        "greetings",
        "hullo",
    ]
)


def why_unclear(message: str, known_words: Collection[str] = ()) -> str:
    """ "no_words", "not_english", "greeting" or "unclear"."""
    letters = [c for c in message if c.isalpha()]
    if not letters:
        return "no_words"
    if sum(1 for c in letters if ord(c) > LATIN_MAX) / len(letters) > 0.5:
        return "not_english"
    words = [w.lower() for w in _WORD.findall(message)]
    if words and all(w in GREETINGS for w in words):
        return "greeting"
    if len(words) >= 3:
        known = sum(1 for w in words if w in ENGLISH_SHORT or w in known_words)
        if known / len(words) < 0.3:
            return "not_english"
    return "unclear"
