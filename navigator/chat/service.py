"""The chat as the app holds it (`app.state.chat`): wording, the rate limiter, the engine, and the
warm-up and hand-off purge schedule run by the chat router's lifespan.

Built once per app, never at import time. The engine is created on first use (it needs the app's
secret key, which may be generated on first use too); the warm-up computes the safety examples'
vectors beside the starting server, so the first message is checked as fully as any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from navigator.chat.engine import ChatEngine
from navigator.chat.ratelimit import RateLimiter
from navigator.chat.token import TokenCodec
from navigator.chat.wording import Phrases, Wording, load_phrases, load_wording
from navigator.config import Settings

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0


class ChatService:
    def __init__(self, settings: Settings, search: Any, store: Any) -> None:
        self.settings = settings
        self.search = search
        self.store = store
        self.wording: Wording = load_wording()
        self.phrases: Phrases = load_phrases()
        self.limiter = RateLimiter(settings.chat_rate_per_minute)
        self._engine: ChatEngine | None = None
        self._lock = threading.Lock()
        self.warmed = threading.Event()

    def safety_embedder(self) -> Any:
        """The app's embedder for the semantic safety check; None for the fake test embedder (its
        similarities mean nothing, so the phrase rules alone decide) or if the model won't load."""
        if self.settings.embedding_backend == "fake" or self.search is None:
            return None
        try:
            return self.search.embedder
        except Exception:
            log.exception("chat: embedding model unavailable; the safety check uses phrase rules only")
            return None

    @property
    def engine(self) -> ChatEngine:
        with self._lock:
            if self._engine is None:
                from navigator.auth.secret import load_secret_key

                codec = TokenCodec(load_secret_key(self.settings), self.settings.chat_state_minutes * 60)
                self._engine = ChatEngine(
                    self.search,
                    self.wording,
                    self.phrases,
                    codec,
                    handoff_days=self.settings.handoff_retention_days,
                    safety_embedder=self.safety_embedder(),
                    safety_ready=self.warmed,
                )
            return self._engine

    def warm(self) -> None:
        """One-off work now rather than in a resident's first message. Failures are logged: the
        safety net (safe_detect) still answers every message, with help if it must."""
        from navigator.chat.safety import detect

        try:
            detect("warm up", embedder=self.safety_embedder())
        except Exception:
            log.exception("chat: safety warm-up failed")
        finally:
            self.warmed.set()
        # The need vocabulary's vectors are the search's to warm (its first search computes them);
        # doing it here too would compute them twice at start-up, on the same cores.

    def purge(self) -> int:
        from navigator.chat.handoff import purge_expired

        removed = purge_expired(self.store, self.settings.handoff_retention_days)
        if removed:
            log.info(
                "chat: deleted %d hand-off request(s) older than %d days",
                removed,
                self.settings.handoff_retention_days,
            )
        return removed


def get_chat(app: Any) -> ChatService:
    chat: ChatService | None = getattr(app.state, "chat", None)
    if chat is None:  # an app run without the lifespan (some tests): build on first use
        chat = ChatService(app.state.settings, app.state.search, app.state.store)
        app.state.chat = chat
    return chat


async def _purge_forever(chat: ChatService) -> None:
    while True:
        try:
            await asyncio.to_thread(chat.purge)
        except Exception:
            log.exception("chat: hand-off purge failed; will try again")
        await asyncio.sleep(PURGE_EVERY_S)


@asynccontextmanager
async def chat_lifespan(app: Any) -> AsyncIterator[None]:
    """Runs inside the app's own lifespan (store and search already on app.state)."""
    chat = ChatService(app.state.settings, app.state.search, app.state.store)
    app.state.chat = chat
    # Warm up beside the server, not before it: start-up stays quick, and until it is done the
    # safety check waits for its example vectors rather than timing out (see ChatEngine.check_safety).
    # Not a daemon, and joined on shutdown: a thread still inside ONNX Runtime at process exit aborts it.
    warm = threading.Thread(target=chat.warm, name="chat-warm-up", daemon=False)
    warm.start()
    task = asyncio.create_task(_purge_forever(chat))  # purges at start, then hourly
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.to_thread(warm.join)
