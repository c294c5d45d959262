"""`understand` never raises and always returns a usable answer, whatever it is given."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from test_understand_support import understander

from navigator.search.understand import understand

_TRICKY = [
    "",
    " ",
    "\x00\x01\x02\ufffd",
    "🙂🙂🙂 lonely 😢",
    "مرحبا أحتاج مساعدة",
    "我很孤独",
    "Привет, мне одиноко",
    "<script>alert(1)</script> food bank",
    "I'm 999 years old",
    "£££ 82F 82F 82F CT20 CT20 1SQ",
    "in in in near near at",
    "'''''",
    "my my my my my",
    "a" * 5000,
    "lonely " * 1000,
    "Reading Bath Deal March Hope Street " * 50,
    bytes(range(256)).decode("latin-1"),
]


def _check(text: str) -> None:
    q = understander()(text)
    assert q.original == text
    assert isinstance(q.text, str) and len(q.text) <= 2 * len(text) + 100
    assert len(q.needs) <= 3 and all(0 <= n.score <= 1 for n in q.needs)
    assert q.age is None or 0 < q.age < 120
    assert all(d in {"MO", "TU", "WE", "TH", "FR", "SA", "SU"} for d in q.days)


def test_tricky_inputs() -> None:
    for text in _TRICKY:
        _check(text)


def test_long_messages_are_read_up_to_a_limit() -> None:
    q = understand("I'm so lonely since my wife died. " + "blah " * 2000)
    assert {"bereavement", "loneliness"} <= set(q.need_keys)


def test_not_a_string_is_treated_as_empty() -> None:
    q = understand(None)  # type: ignore[arg-type]
    assert q.needs == [] and q.text == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_unicode_text(text: str) -> None:
    _check(text)


_WORDS = st.sampled_from(
    (  # noqa: SIM905 - reads better as one string
        "lonely widowed gas bill food bank I'm 81 82F in Hythe near CT20 1SQ DN15 free Saturday mornings "
        "online phone housebound my daughter she's 13 cn u wiv bils alzeimers and , . ? ! 2 4 £5 "
        "walking frame carers group took his own life not no never"
    ).split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=40).map(" ".join))
def test_any_mix_of_meaningful_words(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=string.printable, max_size=200))
def test_any_printable_ascii(text: str) -> None:
    _check(text)
