"""Properties of query understanding (navigator/search/understand): whatever a person types — any
Unicode, emoji, control characters, 5,000 characters — the answer is a valid understood query, made
in bounded time, and everything it says it found is really in the message: the place's words, the
words each need was matched on, the age. A postcode in the message is the place, and leaves the text.
"""

from __future__ import annotations

import re
import time

from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_support import hang_guard, property_settings
from test_properties_postcodes import POSTCODE
from test_understand_support import understander

from navigator.geo.postcodes import normalise_postcode, outward_code
from navigator.search.understand import UnderstoodQuery, load_vocabulary
from navigator.search.understand.age import _DECADE_WORDS, _TENS, _UNITS
from navigator.search.understand.parse import _CONTROL, MAX_CHARS

DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
TIMES = {"morning", "afternoon", "evening"}
MODES = {"online", "phone", "home_visit", "in_person"}
SECONDS_PER_MESSAGE = 10.0  # a message is understood in milliseconds; this only catches hangs

# Words that mean something to understanding, some garbage, and the shapes people write in.
MEANINGFUL = st.sampled_from(
    (  # noqa: SIM905 - reads better as one string
        "lonely widowed gas bill food bank I'm 81 82F 7yo aged seventy-two in Hythe near Folkestone CT20 "
        "1SQ DN15 6AA free Saturday mornings online phone housebound my daughter she's 13 carers dementia "
        "cn u hlp wiv bils alzeimers and , . ? ! 2 4 £5 walking frame not no never Barton-upon-Humber"
    ).split()
)
MESSAGE = st.one_of(
    st.text(max_size=300),
    st.lists(MEANINGFUL, max_size=40).map(" ".join),
    st.lists(
        st.one_of(MEANINGFUL, st.text(max_size=6), st.sampled_from(["😢", "🙂", "\u200b", "\x00"])),
        max_size=60,
    ).map(" ".join),
    st.tuples(st.text(min_size=1, max_size=40), st.integers(100, 5000)).map(lambda t: (t[0] * t[1])[: t[1]]),
)


def working_text(message: str) -> str:
    """What understanding reads: the first MAX_CHARS characters, control characters as spaces."""
    return _CONTROL.sub(" ", message[:MAX_CHARS])


def age_is_written(age: int, text: str) -> bool:
    """The age is in the text: as digits, or as words ("seventy-two", "eleven", "in her eighties")."""
    if str(age) in text:
        return True
    words = set(re.findall(r"[a-z]+", text.lower()))
    units = {_UNITS[w] for w in words & set(_UNITS)}
    tens = {_TENS[w] for w in words & set(_TENS)} | {_DECADE_WORDS[w] for w in words & set(_DECADE_WORDS)}
    return age in units or age in tens or (age // 10 * 10 in tens and age % 10 in units)


def understood(message: str) -> UnderstoodQuery:
    start = time.monotonic()
    with hang_guard(SECONDS_PER_MESSAGE, "understanding one message"):
        result = understander()(message)
    assert time.monotonic() - start < SECONDS_PER_MESSAGE
    return result


@property_settings(300)
@given(MESSAGE)
def test_any_message_is_understood_validly_and_everything_found_is_in_it(message: str) -> None:
    q = understood(message)
    working = working_text(message)
    assert q.original == message
    # Bounded: at most the longest text-speak expansion ("OT" → "occupational therapist") per character.
    assert len(q.text) <= 12 * len(working) + 100
    keys = set(load_vocabulary().needs)
    assert len(q.needs) <= 3 and len({n.key for n in q.needs}) == len(q.needs)
    assert [n.score for n in q.needs] == sorted((n.score for n in q.needs), reverse=True)
    for need in q.needs:
        assert need.key in keys and 0 <= need.score <= 1 and need.label
        for span in filter(None, need.matched.split(" … ")):
            assert span in working, (need.key, span)
    if q.place is not None:
        assert q.place.matched in working, q.place
        if q.place.kind == "postcode":
            assert normalise_postcode(q.place.matched) == q.place.label
            assert q.place.outcodes == (q.place.label.split(" ")[0],)
        elif q.place.kind == "outcode":
            assert outward_code(q.place.matched) == q.place.label
    if q.age is not None:
        assert 0 < q.age < 120
        assert age_is_written(q.age, working), q.age
    assert set(q.days) <= DAYS and set(q.times) <= TIMES and set(q.modes) <= MODES
    assert q.free in (None, True, False)


@property_settings(200)
@given(MESSAGE)
def test_understanding_is_a_function_of_the_text(message: str) -> None:
    """The same message understood twice (the search caches by text) gives the same answer."""
    assert understood(message) == understood(message)


FILLER = st.lists(
    st.sampled_from(["help", "with", "food", "please", "I", "need", "some", "for", "me"]), max_size=8
)


@property_settings(300)
@given(FILLER, POSTCODE, st.sampled_from(["", " ", "-"]), FILLER, st.booleans())
def test_a_postcode_in_the_message_is_the_place_and_leaves_the_text(
    before: list[str], postcode: tuple[str, str], separator: str, after: list[str], lower: bool
) -> None:
    canonical = f"{postcode[0]} {postcode[1]}"
    written = postcode[0] + separator + postcode[1]
    written = written.lower() if lower else written
    q = understood(" ".join([*before, "near", written, *after]))
    assert q.place is not None and q.place.kind == "postcode", q.place
    assert q.place.label == canonical and q.place.outcodes == (postcode[0],)
    assert written not in q.text and "near" not in q.text.split()  # "near <postcode>" is not the need


@property_settings(25)
@given(st.text(min_size=1, max_size=50), st.integers(4000, 5000))
def test_five_thousand_characters_are_understood_in_bounded_time(unit: str, length: int) -> None:
    message = (unit * (length // len(unit) + 1))[:length]
    q = understood(message)
    assert q.original == message and len(q.text) <= 12 * MAX_CHARS + 100


def test_what_a_need_was_matched_on_is_the_message_s_own_words() -> None:
    q = understood("Since the funeral I've been so lonely, is there a coffee morning near CT20 1SQ?")
    assert q.place is not None and q.place.label == "CT20 1SQ" and q.place.matched == "CT20 1SQ"
    assert [(n.key, n.matched) for n in q.needs] == [("bereavement", "Since the funeral")]


def test_gir_0aa_is_a_place_like_any_other_postcode() -> None:
    """Found by the properties: geo.postcodes accepts GIR 0AA, but understanding did not see it."""
    q = understander()("parcel help near gir0aa")
    assert q.place is not None and q.place.kind == "postcode" and q.place.label == "GIR 0AA"
    assert q.place.outcodes == ("GIR",) and q.place.matched == "gir0aa"


def test_the_words_leading_to_a_full_postcode_leave_the_text_as_for_an_outward_code() -> None:
    """Found by the properties: "near DN15" left the text as "food bank", "near DN15 6AA" as
    "food bank near" (the lead-in was dropped for outward codes and towns, not full postcodes)."""
    u = understander()
    assert u("food bank near DN15 6AA").text == u("food bank near DN15").text == "food bank"
    assert u("I live in CT20 1SQ and need help").text == u("I live in CT20 and need help").text
