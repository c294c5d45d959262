"""Text-speak and typo repair, and that correct words and names are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from navigator.search.understand import Speller, VocabularyFileError, understand
from navigator.search.understand.textspeak import load_textspeak
from navigator.search.understand.tokens import tokenise


@pytest.fixture(scope="module")
def speller() -> Speller:
    directory = ["alzheimers", "befriending", "counselling", "fibromyalgia", "lipreading"]
    return Speller(directory, domain_words=["bills", "bits", "bottle", "help", "dementia"])


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("bils", "bills"),
        ("botle", "bottle"),
        ("evry", "every"),
        ("agian", "again"),
        ("freinds", "friends"),
        ("overwelmed", "overwhelmed"),
        ("alzeimers", "alzheimers"),
        ("alzhiemers", "alzheimers"),
        ("councelling", "counselling"),
        ("fibromialgia", "fibromyalgia"),
        ("dimentia", "dementia"),
        ("helo", "help"),
    ],
)
def test_repairs(speller: Speller, typo: str, fixed: str) -> None:
    assert speller.repair(typo) == fixed


@pytest.mark.parametrize(
    "word", ["filing", "bills", "Eritrea", "ehcp", "the", "a", "hi", "x9", "Łódź", "civvy"]
)
def test_leaves_alone(speller: Speller, word: str) -> None:
    assert speller.repair(word) is None


def test_speller_iterates_directory_words(speller: Speller) -> None:
    assert "befriending" in list(speller) and len(speller) == 5
    assert Speller(["once", "twice", "twice"], min_count=2).known("twice")
    assert not Speller(["qwzxy"], min_count=2).known("qwzxy")


def test_textspeak_table() -> None:
    table = load_textspeak()
    plain = [table.replacement(t) for t in tokenise("cn u help wiv my bils")]
    assert plain[:4] == ["can", "you", None, "with"]
    assert table.replacement(tokenise("DA")[0]) == "domestic abuse"
    assert table.replacement(tokenise("da")[0]) is None  # lower-case "da" is not domestic abuse


def test_repaired_text_and_repairs_reported() -> None:
    q = understand("cn u help wiv my bils")
    assert q.text == "can you help with my bills"
    assert ("bils", "bills") in q.repairs
    assert [n.key for n in q.needs] == ["debt"]


def test_names_mid_sentence_and_contractions_are_not_repaired() -> None:
    q = understand("My friend Sian says we've been waiting for ages")
    assert "Sian" in q.text and "we've" in q.text and not q.repairs


def test_bad_textspeak_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "ts.toml"
    bad.write_text("[words]\nu = 5\n", encoding="utf-8")
    with pytest.raises(VocabularyFileError, match=r"ts\.toml.*'u'.*non-empty text"):
        load_textspeak(bad)
    bad.write_text("[words\n", encoding="utf-8")
    with pytest.raises(VocabularyFileError, match="not valid TOML"):
        load_textspeak(bad)
