"""Fuzz the safety detector's text normaliser (navigator/chat/safety/normalise.py), whose output the
crisis rules read. Whatever it is given (any Unicode, control and invisible characters, binary,
12,000+ characters, risk words in every disguise) it returns plain lower-case words and dots, never
raises, never hangs, and its output is bounded by the longest expansion it knows. Invisible
characters and ASCII letter case never change what the rules see, and everyday words pass through
as they are.

CI runs a fixed, derandomised set; FUZZ_SECONDS=N fuzzes each target for N seconds (test_fuzz_support).
"""

from __future__ import annotations

import re
from functools import lru_cache

from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_support import hang_guard, property_settings, run_fuzz

from navigator.chat.safety.lexicon import load_lexicon
from navigator.chat.safety.normalise import MAX_CHARS, normalise_for_safety

PLAIN = re.compile(r"[a-z0-9 .]*")
INVISIBLE = ["\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e"]
SECONDS = 10.0  # the existing tests show 10,000 characters in well under a second

# Risk words in disguise, shorthand, emoji and punctuation, mixed with anything at all.
DISGUISES = (  # noqa: SIM905 - reads better as one string
    "kms k1ll su1c1de $uicide s.u.i.c.i.d.e s u i c i d e myseeelf sh od'd ctb unalive wanna gonna "
    "self-harm selfharm k*ll 💊 🔪 🪢 😢 😂 & . ! ? ; ' \" , ( ) … — I IM Im i'm dont don't"
).split()
MESSAGE = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300),
    st.lists(st.one_of(st.sampled_from(DISGUISES), st.text(max_size=8)), max_size=40).map(" ".join),
    st.tuples(st.text(min_size=1, max_size=30), st.integers(MAX_CHARS - 100, MAX_CHARS + 3000)).map(
        lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]
    ),
    st.one_of(st.integers(), st.floats(), st.none(), st.lists(st.integers(), max_size=3)),
)


@lru_cache(maxsize=1)
def longest_expansion() -> float:
    """Most output characters one input character can become (emoji → " pills ", "kms" → ...)."""
    lex = load_lexicon()
    pairs = [
        *lex.textspeak.items(),
        *lex.phrases.items(),
        *((k, r.replacement) for k, r in lex.contextual.items()),
    ]
    return max(8.0, *((len(v) + 1) / max(1, len(k)) for k, v in pairs))


def normalised(value: object) -> str:
    with hang_guard(SECONDS, "normalising one message"):
        return normalise_for_safety(value)


def test_anything_becomes_bounded_plain_words_without_raising() -> None:
    def body(value: object) -> None:
        out = normalised(value)
        assert isinstance(out, str) and PLAIN.fullmatch(out), repr(out)
        assert out == out.strip(" ") and "  " not in out
        length = len(value) if isinstance(value, str | bytes) else len(str(value))
        assert len(out) <= longest_expansion() * (min(length, MAX_CHARS) + 3) + 10

    run_fuzz(MESSAGE, body, 1500)


def test_invisible_characters_never_change_what_the_rules_see() -> None:
    def body(case: tuple[str, list[tuple[int, str]]]) -> None:
        text, inserts = case
        chars = list(text)
        for position, invisible in inserts:
            chars.insert(position % (len(chars) + 1), invisible)
        assert normalised("".join(chars)) == normalised(text), repr("".join(chars))

    words = st.lists(st.sampled_from([*DISGUISES, "help", "me", "please", "tonight"]), max_size=12).map(
        " ".join
    )
    run_fuzz(
        st.tuples(
            st.one_of(words, st.text(max_size=60)),
            st.lists(st.tuples(st.integers(0, 400), st.sampled_from(INVISIBLE)), max_size=6),
        ),
        body,
        800,
    )


@property_settings(300)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=120))
def test_ascii_letter_case_never_changes_what_the_rules_see(text: str) -> None:
    assert normalised(text.upper()) == normalised(text) == normalised(text.lower())


# (No one-letter words: three in a row, "i a i", are read as a word spelt out, by design.)
EVERYDAY = (  # noqa: SIM905 - reads better as one string
    "we need help with food and bills for my mum she is old and lives alone in town want lunch club "
    "or walk on monday morning can you find something near here thank so much"
).split()


@property_settings(300)
@given(st.lists(st.sampled_from(EVERYDAY), min_size=1, max_size=30))
def test_everyday_words_pass_through_unchanged_and_stay_put(words: list[str]) -> None:
    """Plain words are already normal: the output is the input, and normalising it again keeps it."""
    text = " ".join(words)
    assert normalised(text) == text
    assert normalised(normalised(text)) == normalised(text)
