"""Free, days, times and modes: only what the person asks for, not what the story mentions."""

from __future__ import annotations

import pytest

from navigator.search.understand.constraints import find_constraints


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("is there anything free on?", True),
        ("must be free, I can't afford classes", True),
        ("I've got no money till Friday", True),
        ("skint this month", True),
        ("where can I get free condoms", True),
        ("what do you do in your free time", None),
        ("I want to be free from pain", None),
        ("I've been smoke free for a year", None),
        ("feel free to call me", None),
        ("a yoga class", None),
    ],
)
def test_free(text: str, free: bool | None) -> None:
    assert find_constraints(text).free is free


@pytest.mark.parametrize(
    ("text", "days", "times"),
    [
        ("Saturday mornings would suit", ["SA"], ["morning"]),
        ("anything at weekends?", ["SA", "SU"], []),
        ("weekdays only please", ["MO", "TU", "WE", "TH", "FR"], []),
        ("Tuesdays or Thursdays in the afternoon", ["TU", "TH"], ["afternoon"]),
        ("go out in the evenings like everyone else", [], ["evening"]),
        ("on sat morning", ["SA"], ["morning"]),
        ("I sat and cried all day", [], []),
        ("I lost my job last Saturday", [], []),
        ("my friend was attacked last weekend", [], []),
        ("drinking every night to get to sleep", [], []),
        ("We need grab rails", [], []),
    ],
)
def test_days_and_times(text: str, days: list[str], times: list[str]) -> None:
    found = find_constraints(text)
    assert (found.days, found.times) == (days, times)


@pytest.mark.parametrize(
    ("text", "modes"),
    [
        ("something online I can do from home", ["online"]),
        ("I'd like someone to ring me for a chat", ["phone"]),
        ("a telephone befriending service", ["phone"]),
        ("she's housebound", ["home_visit"]),
        ("could someone pop round now and then", ["home_visit"]),
        ("face to face, not online", ["online", "in_person"]),
        ("my partner goes through my phone", []),
        ("I want to learn to video call the grandchildren", []),
        ("doesn't drive", []),  # a need for transport, not a way of being helped
    ],
)
def test_modes(text: str, modes: list[str]) -> None:
    assert find_constraints(text).modes == modes
