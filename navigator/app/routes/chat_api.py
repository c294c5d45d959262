"""POST /api/chat (one message in, the assistant's reply out) and POST /api/chat/handoff (ask a
person to get in touch, with consent). Both: only from allowed origins (CORS), rate-limited per
client, bounded in size, and every kind of bad input answered in words, never with a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from navigator.app.responses import json_body, refusals
from navigator.auth.throttle import client_address
from navigator.chat.engine import ChatRequest, clean_area
from navigator.chat.handoff import ConsentMissing, HandoffInvalid, save_handoff, validate
from navigator.chat.replies import Turn
from navigator.chat.service import ChatService, chat_lifespan, get_chat
from navigator.chat.web import (
    NO_STORE,
    BodyProblem,
    base_url,
    check_origin,
    max_body_bytes,
    preflight_headers,
    problem,
    read_json,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["chat"], lifespan=chat_lifespan)

# The handlers read the body themselves (bounded, and a broken body is answered in the chat's own
# words), so FastAPI cannot see it: it is declared here for the schema.
_CHAT_IN = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {
            "type": "string",
            "description": "What the person typed (NAVIGATOR_CHAT_MAX_MESSAGE_CHARS).",
        },
        "conversation": {"type": ["string", "null"], "description": "The sealed state from the last reply."},
        "area": {"type": ["string", "null"], "description": "The widget's area, e.g. a town."},
    },
}
_HANDOFF_IN = {
    "type": "object",
    "required": ["consent", "name", "contact_method", "contact"],
    "properties": {
        "consent": {"type": "boolean", "description": "Must be true: without it nothing is kept."},
        "name": {"type": "string", "maxLength": 80},
        "contact_method": {"type": "string", "enum": ["phone", "email"]},
        "contact": {"type": "string", "maxLength": 254, "description": "A UK phone number or an email."},
        "note": {"type": ["string", "null"], "maxLength": 500},
        "conversation": {"type": ["string", "null"]},
        "area": {"type": ["string", "null"]},
    },
}
_REPLY = {
    "type": "object",
    "required": ["conversation", "messages", "options", "safety", "suggestions"],
    "properties": {
        "conversation": {"type": ["string", "null"]},
        "messages": {"type": "array", "items": {"type": "object"}},
        "options": {"type": "array"},
        "safety": {"type": ["object", "null"]},
        "suggestions": {"type": "array"},
    },
}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def _admit(request: Request, chat: ChatService) -> tuple[dict[str, Any] | None, Response | None, dict]:
    """Origin, rate limit and body: (data, None, cors) to go on, or (None, refusal, cors)."""
    say = chat.wording.say
    allowed, cors = check_origin(request, chat.settings)
    if not allowed:
        return None, problem(403, say("problems.origin"), field="origin", headers=cors), cors
    wait = chat.limiter.check(client_address(request, chat.settings))
    if wait:
        headers = {**cors, "Retry-After": str(wait)}
        return None, problem(429, say("problems.rate_limited", seconds=wait), headers=headers), cors
    try:
        data = await read_json(request, max_body_bytes(chat.settings))
    except BodyProblem as exc:
        return None, problem(exc.status, say(f"problems.{exc.key}"), field="body", headers=cors), cors
    return data, None, cors


def _text_field(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


@router.options("", include_in_schema=False)
@router.options("/handoff", include_in_schema=False)
async def preflight(request: Request) -> Response:
    chat = get_chat(request.app)
    allowed, cors = check_origin(request, chat.settings)
    if not allowed:
        return problem(403, chat.wording.say("problems.origin"), field="origin", headers=cors)
    return Response(status_code=204, headers=preflight_headers(cors))


@router.post(
    "",
    summary="Send one chat message; get the assistant's reply",
    response_model=None,
    responses=json_body(200, "The assistant's reply.", _REPLY)
    | refusals(400, 403, 413, 422, 429)
    | json_body(503, "The assistant failed; the reply still carries any safety messages.", _REPLY),
    openapi_extra=_body(_CHAT_IN),
)
async def chat_message(request: Request) -> Response:
    chat = get_chat(request.app)
    data, refusal, cors = await _admit(request, chat)
    if refusal is not None or data is None:
        return refusal or Response(status_code=400)
    engine, say = chat.engine, chat.wording.say
    message = data.get("message", "")
    conversation = data.get("conversation")
    if not isinstance(message, str):
        return problem(422, say("problems.not_json"), field="message", headers=cors)
    token = conversation if isinstance(conversation, str) else ("x" if conversation is not None else None)
    limit = chat.settings.chat_max_message_chars
    if len(message) > limit:
        return await _too_long(chat, message, token, cors)
    request_ = ChatRequest(message, token, clean_area(data.get("area")), base_url(request, chat.settings))
    try:
        turn, state = await run_in_threadpool(engine.reply, request_)
    except Exception:  # the engine failed: still check safety, still answer in words
        log.exception("chat: the engine failed on a message (text not logged)")
        turn = await run_in_threadpool(_safety_only, chat, message)
        turn.add("error", say("problems.unavailable"))
        return JSONResponse(turn.as_json(None), status_code=503, headers={**NO_STORE, **cors})
    return JSONResponse(turn.as_json(engine.seal(state)), headers={**NO_STORE, **cors})


def _safety_only(chat: ChatService, message: str) -> Turn:
    turn = Turn()
    result = chat.engine.check_safety(message)
    if result.is_crisis:
        chat.engine.add_crisis(turn, result)
    return turn


async def _too_long(chat: ChatService, message: str, token: str | None, cors: dict[str, str]) -> Response:
    """Refuse an over-long message, but check it for risk first: safety comes before limits."""
    limit = chat.settings.chat_max_message_chars
    turn = await run_in_threadpool(_safety_only, chat, message)
    text = chat.wording.say("problems.too_long", limit=limit, length=len(message))
    return problem(
        422,
        text,
        field="message",
        conversation=token,
        headers=cors,
        messages=turn.messages,
        safety=turn.safety,
    )


@router.post(
    "/handoff",
    status_code=201,
    summary="Ask a navigator to get in touch (needs consent)",
    responses=json_body(201, "Sent to the navigators' inbox.", _REPLY) | refusals(400, 403, 413, 422, 429),
    openapi_extra=_body(_HANDOFF_IN),
)
async def chat_handoff(request: Request) -> Response:
    chat = get_chat(request.app)
    data, refusal, cors = await _admit(request, chat)
    if refusal is not None or data is None:
        return refusal or Response(status_code=400)
    engine = chat.engine
    token = _text_field(data, "conversation")
    try:
        form = validate(data, chat.wording)
    except ConsentMissing as exc:
        return problem(422, str(exc), field="consent", conversation=token, headers=cors)
    except HandoffInvalid as exc:
        return problem(422, exc.message, field=exc.field, conversation=token, headers=cors)
    state, _problem = engine.open(token)
    turn = Turn()
    urgent = None
    if form.note:
        result = await run_in_threadpool(engine.check_safety, form.note)
        if result.is_crisis:
            urgent = result.category
            engine.add_crisis(turn, result)
    area = (state.area if state else None) or clean_area(data.get("area"))
    await run_in_threadpool(save_handoff, chat.store, form, state, area=area, urgent=urgent)
    say = chat.wording.say
    method = say(f"handoff.{form.method}_label").lower()
    turn.add(
        "text", say("handoff.sent", name=form.name, method=method, days=chat.settings.handoff_retention_days)
    )
    if state is not None:
        state.step = "results" if state.has_search else "need"
    body = turn.as_json(engine.seal(state) if state is not None else None)
    return JSONResponse(body, status_code=201, headers={**NO_STORE, **cors})
