"""Ages, life stages, who the support is for, and case-note detection."""

from __future__ import annotations

import pytest

from navigator.search.understand.age import about_someone_else, find_age, is_case_note, life_stage


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("I'm 81 and lonely", 81),
        ("82F, widowed in spring", 82),
        ("Client 67M, recently discharged", 67),
        ("my 13 year old is being bullied", 13),
        ("a 9-year-old who loves football", 9),
        ("male, mid 40s, low mood", 45),
        ("she's in her eighties now", 85),
        ("early 30s, new to the area", 32),
        ("late teens, left care", 18),
        ("I'm seventy two and live alone", 72),
        ("aged 16, looking for work", 16),
        ("diagnosed at 38 with autism", 38),
        ("it's for my daughter, she's 13", 13),
        ("son (14) has ADHD", 14),
        ("young carer, 15, looking after mum", 15),
        ("I'm 17yo", 17),
        ("just turned 60 and retired", 60),
        ("Mum's 95 and can barely see", 95),
    ],
)
def test_ages(text: str, age: int) -> None:
    found = find_age(text)
    assert found is not None and found.age == age


@pytest.mark.parametrize(
    "text",
    [
        "lost my job 3 weeks ago",
        "I've been drinking for 15 years",
        "two kids and nothing in the fridge",
        "I'm 5 months pregnant",  # a pregnancy, not an age
        "the group meets at 10am",
        "I owe £40",
        "behind on rent for 2 months",
        "I'm 3 stone overweight",
        "6 of us in a 2 bed",
        "",
    ],
)
def test_not_ages(text: str) -> None:
    assert find_age(text) is None


def test_age_span_covers_only_the_age() -> None:
    text = "Got my diagnosis at 38 and want to meet people"
    found = find_age(text)
    assert found is not None and text[found.start : found.end] == "at 38"


@pytest.mark.parametrize(
    ("text", "age", "stage"),
    [
        ("new mum, baby is 3 weeks old", None, "new parent"),
        ("I'm a pensioner", None, "older person"),
        ("my teenager won't go to school", None, "young person"),
        ("stuck indoors with a toddler", None, "parent"),
        ("whatever", 15, "young person"),
        ("whatever", 7, "child"),
        ("whatever", 81, "older person"),
        ("whatever", 40, "adult"),
        ("nothing about anyone", None, None),
    ],
)
def test_life_stage(text: str, age: int | None, stage: str | None) -> None:
    assert life_stage(text, age, about_child=False) == stage


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("it's for my daughter, she's 13", "my daughter"),
        ("my sister has a learning disability", "my sister"),
        ("Mum's got macular degeneration", "mum"),
        ("Dad has Alzheimer's", "dad"),
        ("my 13 year old is being bullied", "my child"),
        ("I'm worried about my husband", "my husband"),
        ("I'm lonely", None),
        ("My son has schizophrenia and I need some support for me", None),  # the carer is asking
        ("Case note: 82F, widowed", None),
    ],
)
def test_about_someone_else(text: str, who: str | None) -> None:
    assert about_someone_else(text) == who


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Case note: male, mid 40s", True),
        ("82F, widowed in spring", True),
        ("Client is 67", True),
        ("Referral: young man from Eritrea", True),
        ("I'm lonely", False),
        ("Male voice choir near me?", False),
    ],
)
def test_case_notes(text: str, note: bool) -> None:
    assert is_case_note(text) is note
