"""Phrase-rule behaviour residents rely on: negation, someone else, topics, idioms, medical advice."""

from __future__ import annotations

from pathlib import Path

import pytest

from navigator.chat.safety import classify_medical_advice, detect
from navigator.chat.safety.config import SafetyConfigError
from navigator.chat.safety.rules import load_rules_file


@pytest.mark.parametrize(
    "message",
    [
        "I'm not suicidal, just lonely",
        "I'm not going to hurt myself, I just need someone to talk to",
        "I never thought about suicide but I am really down",
        "I don't want to die, I want to get fit",
        "I used to self harm years ago and now I volunteer",
    ],
)
def test_negated_or_past_risk_is_not_a_crisis(message: str) -> None:
    result = detect(message)
    assert result.category is None, result.reason


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("I'm not ok. I want to die", "suicide"),
        ("I've never felt so suicidal", "suicide"),
        ("I don't know why but I want to kill myself", "suicide"),
        ("not going to lie, I want to end it all", "suicide"),
    ],
)
def test_words_that_look_like_negation_do_not_hide_risk(message: str, category: str) -> None:
    assert detect(message).category == category


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("my friend said she wants to die", "suicide"),
        ("my son told me he wants to kill himself", "suicide"),
        ("my daughter has been cutting herself", "self_harm"),
        ("I think my sister's husband is hitting her", "domestic_abuse"),
        ("I think my neighbour's child is being abused", "child_at_risk"),
    ],
)
def test_risk_to_someone_else_routes_to_help_for_them(message: str, category: str) -> None:
    result = detect(message)
    assert (result.category, result.subject) == (category, "other")


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("can you find me a knitting group, also i've been thinking about ending it", "suicide"),
        ("what time does the library open? my husband hits me", "domestic_abuse"),
        ("toddler groups in Hythe please. my stepdad touches me", "child_at_risk"),
        ("lunch clubs near me, and my wife has just collapsed", "medical_emergency"),
    ],
)
def test_risk_at_the_end_of_an_ordinary_request(message: str, category: str) -> None:
    assert detect(message).category == category


@pytest.mark.parametrize(
    "message",
    [
        "we're dying of boredom this half term",
        "my car battery is dead",
        "this traffic is killing me",
        "I could murder a cup of tea",
        "support group for families bereaved by overdose",
        "support group for families bereaved by suicide",
        "suicide prevention training for our staff",
        "CPR training for our choir",
        "my phone died",
        "dead end job",
        "I'm so lonely since my wife died",
        "feeling a bit low",
        "I cut my finger cooking",
        "my mum will kill me if I'm late",
        "I want to dye my hair purple",
        "my husband collapsed in laughter",
    ],
)
def test_idioms_grief_and_topics_are_not_crises(message: str) -> None:
    result = detect(message)
    assert result.category is None, result.reason


def test_a_topic_does_not_hide_a_risk_in_the_same_message() -> None:
    message = "is there a support group for families bereaved by suicide? some days i want to die too"
    assert detect(message).category == "suicide"


@pytest.mark.parametrize(
    "message",
    [
        "how many paracetamol can I take",
        "is this rash meningitis",
        "should I go to A&E or wait",
        "can I take ibuprofen with my blood pressure tablets",
        "what's the right dose of calpol for a 2 year old",
        "do I need antibiotics for a chest infection",
        "I have a lump on my neck, what could it be",
    ],
)
def test_medical_advice_questions_are_declined_not_crises(message: str) -> None:
    assert classify_medical_advice(message)
    assert detect(message).category is None


@pytest.mark.parametrize(
    "message", ["is there a knitting group near me", "help with my energy bills", "I feel a bit low"]
)
def test_ordinary_messages_are_not_medical_advice(message: str) -> None:
    assert not classify_medical_advice(message)


def test_a_lethal_dose_question_is_a_crisis_not_advice() -> None:
    assert detect("how many paracetamol would kill me").category == "suicide"
    assert detect("what's a lethal dose of paracetamol").category == "suicide"


def test_an_overdose_taken_is_an_emergency() -> None:
    result = detect("I've taken an overdose")
    assert result.category == "medical_emergency"


def test_results_explain_themselves() -> None:
    result = detect("he hits me")
    assert result.matched == "he hits me"
    assert "phrase rule" in result.reason and 0.5 < result.confidence <= 1.0


def test_a_broken_rules_file_names_the_rule(tmp_path: Path) -> None:
    bad = tmp_path / "patterns.toml"
    bad.write_text('[[rules]]\ncategory = "suicide"\npatterns = ["(unclosed"]\n')
    with pytest.raises(
        SafetyConfigError, match=r"patterns\.toml: \[\[rules\]\] #1: '\(unclosed' is not a valid"
    ):
        load_rules_file(bad)
    bad.write_text('[[rules]]\ncategory = "sadness"\npatterns = ["x"]\n')
    with pytest.raises(SafetyConfigError, match="category 'sadness' is not one of"):
        load_rules_file(bad)
