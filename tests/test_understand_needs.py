"""The need vocabulary (data/needs.toml) and how needs are chosen from a message."""

from __future__ import annotations

import pytest

from navigator.search.understand import VocabularyFileError, load_vocabulary, understand
from navigator.search.understand.vocabulary import parse_vocabulary


def keys(text: str) -> list[str]:
    return understand(text).need_keys


def test_packaged_vocabulary_is_complete() -> None:
    vocabulary = load_vocabulary()
    assert len(vocabulary.needs) >= 40
    for spec in vocabulary.needs.values():
        assert spec.label and spec.services, spec.key
        assert len(spec.examples) >= 3, f"{spec.key} needs more phrasings"
        assert spec.label in spec.expansion
    assert len(vocabulary.phrases) > 2000


def test_situations_map_to_needs() -> None:
    q = understand("I've not left the flat since the funeral and the days are so long")
    assert set(q.need_keys) == {"loneliness", "bereavement"}
    bereavement = next(n for n in q.needs if n.key == "bereavement")
    assert bereavement.matched == "since the funeral"
    assert "grief" in bereavement.expansion and 0 < bereavement.score <= 1


def test_two_genuinely_separate_needs() -> None:
    assert set(keys("lonely and struggling with the gas bill")) == {"loneliness", "energy"}
    assert set(keys("Lost my job and the drinking is getting out of hand")) == {"employment", "alcohol"}


def test_one_need_with_a_condition_is_not_split() -> None:
    q = understand("something active I can manage with my walking frame")
    assert q.need_keys == ["physical_activity"]
    assert q.needs[0].qualifiers == ("disability",)
    q = understand("Dad has dementia but loves music, is there something musical he could go to?")
    assert q.need_keys == ["arts"]
    assert "dementia" in q.needs[0].expansion and q.needs[0].display.endswith("(dementia support)")


def test_a_generic_group_gives_way_to_its_subject() -> None:
    assert keys("I'd like to meet other autistic adults") == ["autism"]
    assert keys("any groups for veterans round here?") == ["veterans"]


def test_a_condition_beside_an_unasked_service_stays_separate() -> None:
    assert set(keys("Mum has macular degeneration and has stopped going out")) == {"sight", "loneliness"}


def test_stems_gaps_and_negation() -> None:
    for text in ("recently widowed", "I'm a widower", "she's a widow now", "lost my lovely wife"):
        assert "bereavement" in keys(text), text
    assert "loneliness" not in keys("I'm not lonely, I just want a hobby")


def test_a_longer_match_takes_the_words_of_a_shorter_one() -> None:
    assert keys("I can't afford food this week") == ["food"]  # not also debt's "can't afford"
    assert keys("my brother took his own life") == ["suicide_bereavement"]  # supersedes bereavement


def test_nothing_found_for_chatter() -> None:
    for text in ("hello", "thanks!", "what time is it", "", "   "):
        assert keys(text) == []


def test_life_stage_narrows_the_expansion() -> None:
    q = understand("I'm 15 and I keep having panic attacks")
    assert q.need_keys == ["mental_health"] and "young people" in q.needs[0].expansion


def test_expansion_text_joins_text_and_needs() -> None:
    q = understand("lonely and struggling with the gas bill")
    text = q.expansion_text()
    assert text.startswith(q.text) and all(n.expansion in text for n in q.needs)


MINIMAL = """
[slots]
who = ["wife", "husband"]
[[need]]
key = "bereavement"
label = "bereavement support"
services = ["grief counselling"]
phrases = ["lost my {who}"]
"""


def test_minimal_vocabulary_and_slots() -> None:
    vocabulary = parse_vocabulary(MINIMAL, "test.toml")
    assert [p.source for p in vocabulary.phrases] == ["lost my wife", "lost my husband"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"lost my {who}"', '"lost my {whom}"'), r"\{whom\} is not a slot"),
        (('label = "bereavement support"', 'lable = "x"'), "unknown field"),
        (('key = "bereavement"', 'key = "no spaces allowed"'), "short identifier"),
        (('services = ["grief counselling"]', 'kind = "feeling"'), "kind must be one of"),
        (('phrases = ["lost my {who}"]', "phrases = []"), "at least one entry"),
        (('services = ["grief counselling"]', 'supersedes = ["nothing"]'), "unknown need 'nothing'"),
        (("[[need]]", "[[need]"), "not valid TOML"),
    ],
)
def test_vocabulary_errors_say_where_and_what(change: tuple[str, str], message: str) -> None:
    with pytest.raises(VocabularyFileError, match=message) as error:
        parse_vocabulary(MINIMAL.replace(*change), "test.toml")
    assert "test.toml" in str(error.value)


def test_duplicate_keys_are_refused() -> None:
    doubled = MINIMAL + MINIMAL.split("[[need]]")[1].join(["[[need]]", ""])
    with pytest.raises(VocabularyFileError, match="used twice"):
        parse_vocabulary(doubled, "test.toml")
