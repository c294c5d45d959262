"""The safety normaliser: many spellings of risk become the same plain words; it never fails."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navigator.chat.safety import normalise_for_safety, safe_detect


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("I wanna k1ll myseeelf 😢", "i want to kill myself"),
        ("su1c1de", "suicide"),
        ("d13", "die"),
        ("$uicide", "suicide"),
        ("s u i c i d e", "suicide"),
        ("k.i.l.l m.y.s.e.l.f", "kill myself"),
        ("S-E-L-F H-A-R-M", "self harm"),
        ("su*cide", "suicide"),
        ("k*ll myself", "kill myself"),
        ("i wanttodie", "i want to die"),
        ("killmyself", "kill myself"),
        ("I W A N T T O D I E", "i want to die"),
        ("suicidle", "suicidal"),
        ("sucide", "suicide"),
        ("suiside", "suicide"),
        ("self harme", "self harm"),
        ("selfharm", "self harm"),
        ("self-harm", "self harm"),
        ("i wanna kms", "i want to kill myself"),
        ("gonna unalive myself", "going to kill myself"),
        ("ctb tonight", "end my life tonight"),
        ("i od'd", "i overdosed"),
        ("been sh again", "been self harm again"),
        ("i wnt 2 die", "i want to die"),
        ("diiiieeee", "die"),
        ("soooo lonely", "so lonely"),
        ("kill", "kill"),
        ("I\u200bwant to die", "iwant to die"),  # zero-width characters vanish
        ("su\u200bi\u200bcide", "suicide"),
        ("Z̷a̷l̷g̷o̷ suicide", "zalgo suicide"),
        ("і want to dіe", "i want to die"),  # Cyrillic look-alikes inside Latin words
        ("SUICIDAL!!!", "suicidal"),
        ("I'm not OK. I want to die.", "im not ok . i want to die"),
        ("💊💊💊 tonight", "pills pills pills tonight"),
        # slang and slips of the kind the first held-out set showed we missed
        ("ngl i wanna unalive rn", "not going to lie i want to kill myself right now"),
        ("he unalived himself", "he killed himself"),
        ("sewer slide thoughts", "suicide thoughts"),
        ("ready to self-delete", "ready to kill myself"),
        ("commit sudoku", "commit suicide"),
        ("i wanna rope", "i want to hang myself"),
        ("i wnat to die", "i want to die"),
        ("i want too die", "i want to die"),
        ("jus want 2 dye", "just want to die"),
        ("feel lik ending my lyfe", "feel like ending my life"),
        ("sui cidal", "suicidal"),
        ("took an over dose", "took an overdose"),
        ("bleeding a lot", "bleeding a lot"),  # little words are never swallowed by a join
        ("everything i do", "everything i do"),
    ],
)
def test_spellings_of_risk_become_plain_words(written: str, plain: str) -> None:
    assert normalise_for_safety(written) == plain


@pytest.mark.parametrize(
    "ordinary",
    [
        "u r a star",
        "nhs 111",
        "b12 injection",
        "50mg sertraline",
        "the M25",
        "A&E",
        "e.g. a lunch club",
        "sh, be quiet",
        "we need to rope in some volunteers",
        "I want to dye my hair",
        "a wart on my hand",
        "me too",
    ],
)
def test_ordinary_shorthand_is_not_turned_into_risk(ordinary: str) -> None:
    text = normalise_for_safety(ordinary)
    assert not any(w in text.split() for w in ("suicide", "kill", "die", "harm", "overdose"))
    assert safe_detect(ordinary).category is None


@pytest.mark.parametrize(
    "weird",
    [
        "",
        " ",
        "\x00\x01\x02",
        "🙂" * 500,
        "مرحبا أريد المساعدة",  # Arabic (right to left)
        "שלום",  # Hebrew
        "\u202eevil reversed\u202c",
        "a" * 10_000,
        "k1ll " * 2_000,
        "s u i c i d e " * 700,
        "\ud800 lone surrogate",
        "<script>alert('x')</script>",
    ],
)
def test_never_raises_on_odd_text(weird: str) -> None:
    assert isinstance(normalise_for_safety(weird), str)
    assert safe_detect(weird).category != "unknown_error"


def test_non_text_is_turned_into_text() -> None:
    assert normalise_for_safety(b"I want to die") == "i want to die"
    assert normalise_for_safety(None) == "none"


def test_ten_thousand_characters_are_quick() -> None:
    text = ("can you find me a knitting group near the library please " * 180)[:10_000]
    started = time.perf_counter()
    normalise_for_safety(text)
    safe_detect(text + " also i want to die")
    assert time.perf_counter() - started < 3.0  # generous: the machine is shared; ~0.1 s alone


def test_risk_at_the_end_of_a_very_long_message_is_still_read() -> None:
    text = "tell me about lunch clubs and coffee mornings " * 400 + " i am going to kill myself"
    assert safe_detect(text).category == "suicide"


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_fuzz_normaliser_never_raises(text: str) -> None:
    out = normalise_for_safety(text)
    assert isinstance(out, str)
    assert out == out.strip() and "  " not in out


@settings(max_examples=50, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_binary_never_fails_detection(data: bytes) -> None:
    assert safe_detect(data).category != "unknown_error"


@settings(max_examples=30, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=300).map(lambda t: (t * (10_000 // len(t) + 1))[:10_000]))
def test_fuzz_long_text_is_bounded(text: str) -> None:
    started = time.perf_counter()
    normalise_for_safety(text)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    "message",
    ["my self harm is getting worse", "I started my self harming again", "my self-harm is getting worse"],
)
def test_my_self_harm_is_self_harm_not_myself_harm(message: str) -> None:
    # "my self" joined into "myself" hid "self harm" from the rules (found by the normaliser fuzz).
    from navigator.chat.safety.detector import detect

    assert "self harm" in normalise_for_safety(message)
    assert detect(message).category == "self_harm"
    assert normalise_for_safety("i want to kill my self") == "i want to kill myself"
