"""Short follow-up messages the chat engine passes through the same parser."""

from __future__ import annotations

import pytest

from navigator.search.understand import understand


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("anything free?", "free", True),
        ("online instead", "modes", ["online"]),
        ("by phone please", "modes", ["phone"]),
        ("can they come to the house?", "modes", ["home_visit"]),
        ("what about weekends", "days", ["SA", "SU"]),
        ("is there anything on a Tuesday evening", "times", ["evening"]),
        ("it's for my daughter, she's 13", "age", 13),
        ("it's for my daughter, she's 13", "about_someone_else", "my daughter"),
        ("it's for my daughter, she's 13", "life_stage", "young person"),
    ],
)
def test_follow_up_changes(text: str, field: str, value: object) -> None:
    assert getattr(understand(text), field) == value


@pytest.mark.parametrize("text", ["closer to home", "something else", "none of these", "thanks", "ok"])
def test_follow_ups_without_a_need(text: str) -> None:
    q = understand(text)
    assert q.needs == [] and q.place is None and q.age is None
