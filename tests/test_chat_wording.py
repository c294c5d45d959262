"""The assistant's wording and the short-reply phrases are data people edit: every line renders, and a
broken edit is refused with the file and line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from navigator.chat.wording import (
    FOLLOWUPS_FILE,
    PLACEHOLDERS,
    REQUIRED,
    WORDING_FILE,
    WordingError,
    load_phrases,
    load_wording,
)

SAMPLE_VALUES = {
    "need": "bereavement support",
    "near": " near Hythe",
    "place": "Hythe",
    "area": "Folkestone and Hythe",
    "radius": "8 km",
    "count": 3,
    "age": 13,
    "who": "my daughter",
    "changes": "only free ones, online",
    "days": 14,
    "name": "Sam",
    "method": "phone",
    "limit": 1000,
    "length": 10000,
    "seconds": 12,
    "note_chars": 500,
    "phone": "01632 960014",
    "distance": "2.1",
    "when": "Tue 24 Nov, 10:00",
}


def test_every_template_renders_with_its_placeholders_filled() -> None:
    assert set(SAMPLE_VALUES) == PLACEHOLDERS
    wording = load_wording()
    expected = sum(len(keys) for keys in REQUIRED.values())
    assert len(wording.lines) == expected
    for key in wording.lines:
        text = wording.say(key, **SAMPLE_VALUES)
        assert text.strip(), key
        assert "{" not in text and "}" not in text, f"{key}: a placeholder was left unfilled: {text}"
        assert "<" not in text, f"{key}: wording is plain text, not HTML"


def test_the_disclosure_says_what_the_issue_requires() -> None:
    text = load_wording().say("disclosure.text")
    for words in ("automated assistant", "not a person", "can't give medical advice", "call 999"):
        assert words in text


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = WORDING_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "wording.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unknown_placeholder_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'near = " near {place}"', 'near = " near {town}"')
    with pytest.raises(WordingError, match=r"\[results\] near: \{town\} is not something Navigator fills in"):
        load_wording(path)


def test_a_missing_line_is_refused_naming_it(tmp_path: Path) -> None:
    path = _write(tmp_path, 'goodbye = "OK. If you need anything else, I\'m here."\n', "")
    with pytest.raises(WordingError, match=r"\[followup\] goodbye: this line is missing"):
        load_wording(path)


def test_broken_toml_and_unpaired_brackets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WordingError, match="Check the quotes"):
        load_wording(_write(tmp_path, 'send = "Send"', 'send = "Send'))
    with pytest.raises(WordingError, match="Curly brackets must come in pairs"):
        load_wording(_write(tmp_path, 'send = "Send"', 'send = "Send {"'))


def test_each_suggestion_button_is_understood_as_its_step() -> None:
    wording, phrases = load_wording(), load_phrases()
    expected = {
        "closer": "closer",
        "something_else": "something_else",
        "none_of_these": "none_of_these",
        "person": "person",
        "start_again": "start_again",
        "carry_on": "carry_on",
        "further": "further",
        "skip_place": "skip_place",
        "no_thanks": "no_thanks",
        "free": None,  # understood by the search itself ("anything free?")
        "online": None,
    }
    assert set(expected) == set(REQUIRED["suggestions"])
    for key, intent in expected.items():
        assert phrases.intent(wording.say(f"suggestions.{key}")) == intent, key


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("Something else please", "something_else"),
        ("Can I talk to a person?", "person"),
        ("none of those.", "none_of_these"),
        ("ok thanks!", "thanks"),
        ("I don't know", "skip_place"),
        ("more help with bills", None),
        ("something else to do with the kids", None),
    ],
)
def test_short_replies(message: str, intent: str | None) -> None:
    assert load_phrases().intent(message) == intent


def test_a_phrase_under_two_intents_is_refused(tmp_path: Path) -> None:
    text = FOLLOWUPS_FILE.read_text(encoding="utf-8").replace('"start over",', '"start over", "more",', 1)
    path = tmp_path / "followups.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WordingError, match="“more” is listed under both"):
        load_phrases(path)
