"""The safety API the chat engine relies on: safe_detect never fails silent, crisis_response is right."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from navigator.chat.safety import (
    CATEGORIES,
    UNKNOWN_ERROR,
    SafetyConfigError,
    SafetyResult,
    crisis_response,
    detect,
    safe_detect,
    warm_up,
)
from navigator.chat.safety.resources import load_crisis_resources, load_crisis_resources_file
from navigator.search.embed_fake import FakeEmbedder


class BrokenEmbedder:
    def embed_query(self, text: str) -> np.ndarray:
        raise RuntimeError("model file vanished")


class SlowEmbedder:
    def embed_query(self, text: str) -> np.ndarray:
        time.sleep(2)
        return np.ones(384, dtype=np.float32) / np.sqrt(384)


class HangsOnMessages(FakeEmbedder):
    """Embeds the examples quickly (at warm-up) but hangs on a message."""

    def embed_query(self, text: str) -> np.ndarray:
        time.sleep(2)
        return super().embed_query(text)


def hrefs(result: SafetyResult) -> list[str | None]:
    reply = crisis_response(result)
    assert reply is not None
    return [r.href for r in reply.resources]


def test_no_risk_means_no_crisis_reply() -> None:
    result = safe_detect("is there a knitting group in Hythe?")
    assert result.category is None
    assert crisis_response(result) is None


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("i want to end my life", "suicide"),
        ("i've been cutting myself again", "self_harm"),
        ("my husband hits me", "domestic_abuse"),
        ("my stepdad touches me", "child_at_risk"),
        ("he's collapsed and isn't breathing", "medical_emergency"),
    ],
)
def test_each_category_leads_with_its_help(message: str, category: str) -> None:
    result = safe_detect(message)
    assert result.category == category
    assert "tel:999" in hrefs(result)


def test_suicide_help_has_samaritans_shout_and_111() -> None:
    links = hrefs(safe_detect("I want to kill myself"))
    assert links[0] == "tel:999"
    assert {"tel:116123", "sms:85258?&body=SHOUT", "tel:111"} <= set(links)


def test_domestic_abuse_help_has_helpline_and_silent_call() -> None:
    reply = crisis_response(safe_detect("I'm scared of my partner"))
    assert reply is not None
    assert "tel:08082000247" in [r.href for r in reply.resources]
    silent = [r for r in reply.resources if r.kind == "info"]
    assert silent and "55" in silent[0].label and silent[0].href is None


def test_child_help_depends_on_who_is_writing() -> None:
    child = crisis_response(safe_detect("my stepdad hits me"))
    adult = crisis_response(safe_detect("I think my neighbour's child is being abused"))
    assert child is not None and adult is not None
    assert "tel:08001111" in [r.href for r in child.resources]
    assert "tel:08088005000" in [r.href for r in adult.resources]
    assert "tel:08088005000" not in [r.href for r in child.resources]


def test_about_someone_else_changes_the_wording_not_the_help() -> None:
    result = safe_detect("my friend said she wants to die")
    assert (result.category, result.subject) == ("suicide", "other")
    reply = crisis_response(result)
    assert reply is not None and "them" in reply.text and "worried about" in reply.heading
    own = crisis_response(safe_detect("I want to die"))
    assert own is not None and own.heading != reply.heading


def test_two_categories_merge_help_without_repeating_a_number() -> None:
    result = safe_detect("my partner hit me and I'm bleeding heavily")
    assert {result.category, *result.also} >= {"domestic_abuse", "medical_emergency"}
    links = [h for h in hrefs(result) if h]
    assert "tel:08082000247" in links and len(links) == len(set(links))


def test_reply_as_dict_is_plain_json() -> None:
    reply = crisis_response(safe_detect("i want to die"))
    assert reply is not None
    data = reply.as_dict()
    assert data["category"] == "suicide"
    assert all(set(r) == {"label", "href", "kind", "detail"} for r in data["resources"])


def test_a_broken_embedder_still_gets_the_rules_answer() -> None:
    result = safe_detect("i want to kill myself", embedder=BrokenEmbedder())
    assert result.category == "suicide"
    assert "semantic check failed" in result.reason


def test_a_broken_embedder_with_no_rule_hit_shows_general_help() -> None:
    result = safe_detect("find me a lunch club", embedder=BrokenEmbedder())
    assert result.category == UNKNOWN_ERROR
    links = hrefs(result)
    assert {"tel:999", "tel:116123", "tel:111"} <= set(links)


def test_a_hung_embedder_times_out_to_general_help() -> None:
    started = time.perf_counter()
    result = safe_detect(
        "find me a lunch club", embedder=SlowEmbedder(), timeout_s=0.2, warm_up_timeout_s=0.2
    )
    assert time.perf_counter() - started < 1.5
    assert result.category == UNKNOWN_ERROR


def test_a_message_that_hangs_times_out_but_the_rules_still_answer() -> None:
    embedder = HangsOnMessages()
    warm_up(embedder)
    started = time.perf_counter()
    quiet = safe_detect("find me a lunch club", embedder=embedder, timeout_s=0.2)
    risky = safe_detect("my husband hits me every single night", embedder=embedder, timeout_s=0.2)
    assert time.perf_counter() - started < 1.5
    assert quiet.category == UNKNOWN_ERROR and "TimeoutError" in quiet.reason
    assert risky.category == "domestic_abuse" and "semantic check failed" in risky.reason


def test_a_cold_start_is_not_a_failure() -> None:
    result = safe_detect("find me a lunch club", embedder=FakeEmbedder(), timeout_s=5)
    assert result.category is None


def test_a_failing_detector_shows_general_help(monkeypatch: pytest.MonkeyPatch) -> None:
    import navigator.chat.safety.detector as module

    def explode(*args: object, **kwargs: object) -> str:
        raise MemoryError("boom")

    monkeypatch.setattr(module, "normalise_for_safety", explode)
    result = safe_detect("anything at all")
    assert result.category == UNKNOWN_ERROR
    assert "MemoryError" in result.reason


@pytest.mark.parametrize("message", [None, b"\xff\xfe binary \x00", 12345, "", "   ", "🙂🙂🙂"])
def test_safe_detect_takes_anything(message: object) -> None:
    result = safe_detect(message)
    assert result.category in (None, *CATEGORIES)


def test_fake_embedder_plumbing() -> None:
    result = detect("I want to kill myself", embedder=FakeEmbedder())
    assert result.category == "suicide"


def test_every_category_has_resources_with_valid_links() -> None:
    config = load_crisis_resources()
    for category in (*CATEGORIES, "general"):
        reply = config.reply(category)
        assert reply.heading and reply.text and reply.carry_on
        for r in reply.resources:
            assert r.kind == "info" or (r.href or "").startswith(("tel:", "sms:", "https://"))


def test_a_bad_resources_file_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "crisis.toml"
    bad.write_text(
        (Path(__file__).parents[1] / "navigator/chat/safety/data/crisis_resources.toml")
        .read_text()
        .replace('href = "tel:116123"', 'href = "116123"', 1)
    )
    with pytest.raises(SafetyConfigError, match=r"crisis\.toml.*general.*resource #2.*must start with tel:"):
        load_crisis_resources_file(bad)
