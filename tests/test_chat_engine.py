"""The conversation engine over the sample directory (fake embedder: plumbing, not ranking quality):
safety before anything else, need → place → options, follow-ups as changes to one search, and
every kind of odd message answered in words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from navigator.chat import engine as engine_module
from navigator.chat.engine import ChatEngine, ChatRequest
from navigator.chat.replies import Turn
from navigator.chat.safety import UNKNOWN_ERROR, SafetyResult
from navigator.chat.state import ChatState
from navigator.chat.token import TokenCodec
from navigator.chat.wording import load_phrases, load_wording
from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatEngine]:
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.search.service import SearchService
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("chat-engine") / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    build_index(settings, store)
    service = SearchService(settings, store)
    service.load()
    yield ChatEngine(service, load_wording(), load_phrases(), TokenCodec(b"k" * 32, 1800))
    store.dispose()


class Chat:
    """One resident's conversation: each `say` sends a message with the token from the last reply."""

    def __init__(self, engine: ChatEngine) -> None:
        self.engine = engine
        self.token: str | None = None
        self.state: ChatState | None = None

    def say(self, message: str, **extra: Any) -> Turn:
        turn, state = self.engine.reply(
            ChatRequest(message, self.token, base_url="https://nav.test", **extra)
        )
        self.token, self.state = self.engine.seal(state), state
        return turn


def kinds(turn: Turn) -> list[str]:
    return [m["kind"] for m in turn.messages]


def items(turn: Turn) -> list[dict[str, Any]]:
    return [item for group in turn.options for item in group["items"]]


def test_first_turn_opens_with_the_disclosure_and_a_question(engine: ChatEngine) -> None:
    turn = Chat(engine).say("")
    assert kinds(turn) == ["disclosure", "question"]
    disclosure = turn.messages[0]["text"]
    for words in ("automated assistant", "not a person", "medical advice", "999"):
        assert words in disclosure
    assert turn.safety is None


def test_need_then_place_then_three_to_five_options_with_everything_a_person_needs(
    engine: ChatEngine,
) -> None:
    chat = Chat(engine)
    chat.say("")
    asked = chat.say("I need a food bank")
    assert kinds(asked) == ["question"] and asked.messages[0]["asks"] == "place"
    assert "food support" in asked.messages[0]["text"]
    assert not asked.options
    shown = chat.say("Hythe")
    assert kinds(shown)[0] == "options"
    group = shown.options[0]
    assert group["need"] == "food support"
    assert 1 <= len(group["items"]) <= 5
    first = group["items"][0]
    assert first["name"] and first["cost"] and first["distance"].endswith("km away")
    assert first["when"] and first["details"]["href"].startswith("https://nav.test/listing/")
    kinds_of_action = {a["kind"] for a in first["actions"]}
    assert {"call", "website", "email"} & kinds_of_action
    for action in first["actions"]:
        assert action["href"].startswith(("tel:", "mailto:", "https://", "http://"))
    assert "Anything free?" in shown.suggestions and "Talk to a person" in shown.suggestions


def test_a_place_in_the_first_message_skips_the_question(engine: ChatEngine) -> None:
    turn = Chat(engine).say("food bank in Hythe")
    assert kinds(turn) == ["disclosure", "options"]


def test_no_place_question_for_help_by_phone(engine: ChatEngine) -> None:
    chat = Chat(engine)
    turn = chat.say("talk to someone on the phone about debt")
    assert "question" not in kinds(turn) and turn.options
    assert chat.state is not None and chat.state.modes == ["phone"]


def test_at_most_one_question_at_a_time(engine: ChatEngine) -> None:
    for message in ("", "hello", "I need a food bank", "Hythe", "anything free?"):
        chat = Chat(engine)
        turn = chat.say(message)
        assert kinds(turn).count("question") <= 1


def test_follow_ups_change_the_same_search(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("food bank in Hythe")
    assert chat.state is not None
    free = chat.say("anything free?")
    assert chat.state.free and chat.state.needs == ["food support"] and chat.state.place == "Hythe"
    assert all(item["cost"] == "Free" for item in items(free))
    teen = chat.say("it's for my daughter, she's 13")
    assert chat.state.age == 13 and chat.state.free and chat.state.place == "Hythe"
    assert "aged 13" in teen.messages[0]["text"]
    online = chat.say("online instead")
    assert chat.state.modes == ["online"] and chat.state.needs == ["food support"]
    assert "near" not in online.messages[1]["text"]  # online help is not "near" anywhere
    assert "Closer to home" not in online.suggestions


def test_something_else_shows_new_options_then_says_when_there_are_no_more(engine: ChatEngine) -> None:
    chat = Chat(engine)
    first = {i["id"] for i in items(chat.say("somewhere to talk about feeling anxious, Bristol"))}
    assert first
    seen = set(first)
    for _ in range(6):
        turn = chat.say("something else")
        new = {i["id"] for i in items(turn)}
        assert not new & seen
        seen |= new
        if not new:
            assert "everything I found" in turn.messages[0]["text"]
            assert "Look further away" in turn.suggestions
            break
    else:
        pytest.fail("'something else' never ran out")


def test_none_of_these_offers_to_widen_or_a_person_and_further_widens(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("food bank in Hythe")
    chat.say("anything free?")
    turn = chat.say("none of these")
    assert kinds(turn) == ["text"] and not turn.options
    assert turn.suggestions == ["Look further away", "Talk to a person", "Start again"]
    wider = chat.say("look further away")
    assert chat.state is not None and chat.state.radius_km == 32.0 and not chat.state.free
    assert "only free ones" in wider.messages[0]["text"]


def test_closer_to_home_halves_the_radius_and_asks_where_when_unknown(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("food bank in Hythe")
    turn = chat.say("closer to home")
    assert chat.state is not None and chat.state.radius_km == 8.0
    assert all(i["distance_km"] is None or i["distance_km"] <= 8.0 for i in items(turn))
    asker = Chat(engine)
    asker.say("I need a food bank")
    asker.say("I'd rather not say")
    again = asker.say("closer to home")
    assert again.messages[0]["asks"] == "place"


def test_rather_not_say_where_still_shows_options(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("I need a food bank")
    turn = chat.say("I'd rather not say")
    assert kinds(turn)[:2] == ["text", "options"]


def test_unknown_place_asks_once_more_then_goes_on(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("I need a food bank")
    again = chat.say("Xyzzyville")
    assert again.messages[0]["asks"] == "place" and "couldn't find that place" in again.messages[0]["text"]
    on = chat.say("Qwertyton")
    assert "options" in kinds(on)


# ---- safety first ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("i want to end my life", "suicide"),
        ("food bank in Hythe please, also i want to end my life", "suicide"),
        ("my husband hits me", "domestic_abuse"),
        ("he's collapsed and isn't breathing", "medical_emergency"),
    ],
)
def test_risk_leads_with_help_and_shows_no_list(engine: ChatEngine, message: str, category: str) -> None:
    chat = Chat(engine)
    turn = chat.say(message)
    assert kinds(turn)[:2] == ["disclosure", "crisis"]
    assert turn.safety is not None and turn.safety["category"] == category
    hrefs = [r["href"] for r in turn.messages[1]["resources"]]
    assert "tel:999" in hrefs
    assert not turn.options
    assert "Carry on" in turn.suggestions


def test_risk_mid_conversation_and_in_a_follow_up_is_caught_then_carry_on_resumes(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("food bank in Hythe")
    turn = chat.say("anything free? honestly i dont want to be here anymore")
    assert kinds(turn)[0] == "crisis" and not turn.options
    resumed = chat.say("carry on")
    assert resumed.options and resumed.safety is None


def test_ordinary_low_mood_grief_and_loneliness_get_support_not_crisis(engine: ChatEngine) -> None:
    for message in ("I've been feeling a bit low and lonely", "my mum died last month and I'm struggling"):
        turn = Chat(engine).say(message + " in Hythe")
        assert turn.safety is None and "crisis" not in kinds(turn)
        assert turn.options


def test_detector_failure_still_shows_crisis_help(
    engine: ChatEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        engine_module, "safe_detect", lambda *a, **k: SafetyResult(UNKNOWN_ERROR, 1.0, None, "boom")
    )
    turn = Chat(engine).say("knitting group in Hythe")
    assert turn.safety is not None and turn.safety["category"] == "general"
    assert "tel:999" in [r["href"] for r in turn.messages[1]["resources"]]


def test_even_a_broken_crisis_file_shows_the_built_in_help(
    engine: ChatEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("crisis_resources.toml unreadable")

    monkeypatch.setattr(engine_module, "crisis_response", broken)
    turn = Chat(engine).say("i want to end my life")
    crisis = [m for m in turn.messages if m["kind"] == "crisis"]
    assert crisis and "tel:999" in [r["href"] for r in crisis[0]["resources"]]


def test_medical_advice_is_declined_kindly_with_a_pointer(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("")
    turn = chat.say("how much paracetamol can I take")
    assert kinds(turn) == ["text", "text"] and not turn.options and turn.safety is None
    decline = turn.messages[0]
    assert "GP" in decline["text"] and "pharmacist" in decline["text"] and "111" in decline["text"]
    assert "tel:111" in [link["href"] for link in decline["links"]]


# ---- odd messages -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("😀🎉👍", "only read words"),
        ("مرحبا أحتاج مساعدة في الطعام", "only read English"),
        ("Je cherche une banque alimentaire près de chez moi", "only read English"),
        ("\x00\x01\x02\x7f", "What would you like help with?"),
        ("hello", "What would you like help with?"),
    ],
)
def test_messages_without_a_need_get_a_kind_question(engine: ChatEngine, message: str, words: str) -> None:
    turn = Chat(engine).say(message)
    assert turn.messages[-1]["kind"] == "question"
    assert words in turn.messages[-1]["text"]


def test_script_tags_are_never_echoed(engine: ChatEngine) -> None:
    chat = Chat(engine)
    turn = chat.say("<script>alert(1)</script> food bank in <b>Hythe</b>")
    assert "<script" not in repr(turn.as_json(None)) and "<b>" not in repr(turn.as_json(None))


@pytest.mark.parametrize("token", ["forged", "c2Vjb25k", "A" * 9000, "😀", ""])
def test_a_forged_token_starts_again_safely(engine: ChatEngine, token: str) -> None:
    turn, _state = engine.reply(ChatRequest("food bank in Hythe", token))
    expected = ["text", "disclosure", "options"] if token else ["disclosure", "options"]
    assert kinds(turn) == expected
    if token:
        assert "start again" in turn.messages[0]["text"]


def test_an_expired_conversation_starts_again(engine: ChatEngine) -> None:
    old = TokenCodec(b"k" * 32, 1800).seal(ChatState(text="food bank").to_dict(), now=0)
    turn, _state = engine.reply(ChatRequest("hello", old))
    assert turn.messages[0]["text"].startswith("That conversation ended")


def test_the_token_holds_the_search_not_the_words_typed(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("Hello there, my name is Zebedee Quux and I need a food bank in Hythe")
    assert chat.token is not None and "Zebedee" not in chat.token
    assert chat.state is not None and "Zebedee" not in repr(chat.state.to_dict())
    assert chat.state.text and len(chat.state.text) <= 300


def test_talk_to_a_person_offers_consent_and_a_form(engine: ChatEngine) -> None:
    chat = Chat(engine)
    turn = chat.say("can I talk to a person?")
    handoff = turn.messages[-1]
    assert handoff["kind"] == "handoff" and "deleted after 14 days" in handoff["text"]
    form = handoff["form"]
    assert "I agree" in form["consent"] and form["name"] and form["contact"] and form["submit"]
    declined = chat.say("no thanks")
    assert "nothing has been kept" in declined.messages[0]["text"]


def test_start_again_forgets_the_search(engine: ChatEngine) -> None:
    chat = Chat(engine)
    chat.say("food bank in Hythe")
    turn = chat.say("start again")
    assert chat.state is not None and not chat.state.has_search and chat.state.place is None
    assert turn.messages[-1]["asks"] == "need"
