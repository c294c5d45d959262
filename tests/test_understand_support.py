"""Shared by the query-understanding tests: one gazetteer and one understander per test session."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from navigator.search.understand import DirectoryGazetteer, OutcodeGazetteer, Understander

FIXTURES = Path(__file__).parent / "fixtures" / "understand"


@lru_cache(maxsize=1)
def gazetteer() -> DirectoryGazetteer:
    towns = json.loads((FIXTURES / "towns.json").read_text(encoding="utf-8"))
    return DirectoryGazetteer({k: (v[0], v[1]) for k, v in towns.items()}, OutcodeGazetteer())


@lru_cache(maxsize=1)
def understander() -> Understander:
    return Understander(gazetteer())


def labelled() -> list[dict]:
    path = FIXTURES / "labelled.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---- the fixtures themselves -------------------------------------------------------------------
KNOWN_FIELDS = {"text", "needs", "also_ok", "place", "age", "free", "days", "times", "modes"}


def test_labelled_set_is_large_and_well_formed() -> None:
    from navigator.search.understand import load_vocabulary

    rows = labelled()
    keys = set(load_vocabulary().needs)
    assert len(rows) >= 80
    assert len({r["text"] for r in rows}) == len(rows), "a message is labelled twice"
    for r in rows:
        assert set(r) <= KNOWN_FIELDS, r
        assert set(r["needs"]) | set(r.get("also_ok", [])) <= keys, r["text"]


def test_labelled_set_is_not_the_dev_set(shared_data: Path) -> None:
    dev = shared_data.parent / "eval" / "dev-queries.jsonl"
    queries = {json.loads(line)["query"].lower() for line in dev.read_text(encoding="utf-8").splitlines()}
    assert not queries & {r["text"].lower() for r in labelled()}


test_labelled_set_is_not_the_dev_set = __import__("pytest").mark.realdata(
    test_labelled_set_is_not_the_dev_set
)
