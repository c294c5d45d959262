"""The conversation token: the state comes back only as it was sealed, by this app, recently."""

from __future__ import annotations

import base64

import pytest

from navigator.chat.ratelimit import RateLimiter
from navigator.chat.state import MAX_SHOWN, ChatState
from navigator.chat.token import TokenCodec, TokenError

STATE = {"step": "results", "text": "food bank", "needs": ["food support"], "shown": ["NNS-001"]}


def codec(secret: bytes = b"s" * 32, ttl: int = 1800) -> TokenCodec:
    return TokenCodec(secret, ttl)


def test_round_trip_and_opaque() -> None:
    token = codec().seal(STATE, now=1000)
    assert codec().open(token, now=1001) == STATE
    assert "food" not in token and "NNS" not in base64.urlsafe_b64decode(token + "==").decode("latin-1")


def test_every_altered_byte_is_refused() -> None:
    raw = bytearray(base64.urlsafe_b64decode(codec().seal(STATE, now=1000) + "=="))
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        token = base64.urlsafe_b64encode(bytes(changed)).decode().rstrip("=")
        with pytest.raises(TokenError) as caught:
            codec().open(token, now=1001)
        assert caught.value.reason == "invalid"


@pytest.mark.parametrize("token", ["", "x", "%%%", "😀", "A" * 10_000, "AQ", "c2Vjb25k" * 20])
def test_garbage_is_invalid(token: str) -> None:
    with pytest.raises(TokenError) as caught:
        codec().open(token)
    assert caught.value.reason == "invalid"


def test_another_apps_key_is_refused() -> None:
    with pytest.raises(TokenError):
        codec(b"t" * 32).open(codec().seal(STATE))


def test_expiry_is_idle_time_and_the_future_is_refused() -> None:
    token = codec(ttl=60).seal(STATE, now=1000)
    assert codec(ttl=60).open(token, now=1059) == STATE
    with pytest.raises(TokenError) as caught:
        codec(ttl=60).open(token, now=1061)
    assert caught.value.reason == "expired"
    with pytest.raises(TokenError) as future:
        codec(ttl=60).open(token, now=800)
    assert future.value.reason == "invalid"


def test_state_from_a_token_of_the_wrong_shape_falls_back_to_defaults() -> None:
    state = ChatState.from_dict({"step": "nonsense", "age": "13", "shown": [1, 2], "free": "yes", "text": 5})
    assert state == ChatState()
    state = ChatState.from_dict({"age": 13, "radius_km": 8, "modes": ["online"], "place": "Hythe"})
    assert (state.age, state.radius_km, state.modes, state.place) == (13, 8.0, ["online"], "Hythe")


def test_state_is_bounded() -> None:
    state = ChatState()
    state.remember_shown([f"id-{i}" for i in range(200)])
    assert len(state.shown) == MAX_SHOWN and state.shown[-1] == "id-199"
    state.new_search("x" * 5000, ["a", "b", "c", "d"], ["a", "b", "c", "d"])
    assert len(state.text) == 300 and len(state.needs) == 3


def test_rate_limiter_allows_a_burst_then_asks_to_wait_then_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(6, clock=lambda: now[0])
    assert [limiter.check("a") for _ in range(6)] == [0] * 6
    wait = limiter.check("a")
    assert 1 <= wait <= 10
    assert limiter.check("b") == 0  # another client is not affected
    now[0] += 10.0
    assert limiter.check("a") == 0


def test_rate_limiter_forgets_the_oldest_clients_first() -> None:
    limiter = RateLimiter(1, max_clients=3)
    for key in "abcd":
        limiter.check(key)
    assert limiter.check("a") == 0  # "a" was forgotten, so it has a fresh allowance
    assert limiter.check("d") > 0
