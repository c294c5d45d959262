"""The embeddable chat widget: `/widget.js` (the one script a host page includes) and the chat
panel it shows in an iframe (`/widget/panel`, with its own script and stylesheet).

Why an iframe: the conversation runs on Navigator's own origin under Navigator's own CSP, so the
host page's scripts cannot read what a resident types (which matters for someone being watched),
host CSS cannot reach it, and the host needs no `connect-src` or `style-src` changes — only
`script-src` and `frame-src` for Navigator. widget.js itself draws just the launcher button and the
frame, inside a shadow root with a constructed stylesheet (CSSOM, which host CSP does not block).
The panel may be framed only by the origins in `chat_allowed_origins` (its own frame-ancestors).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from navigator.app.deps import SettingsDep
from navigator.app.templating import WIDGET_DIR, templates
from navigator.chat.colour import safe_colour
from navigator.chat.service import get_chat
from navigator.chat.web import own_origins

router = APIRouter(tags=["widget"])

ASSETS = {"panel.js": "application/javascript", "panel.css": "text/css"}
WIDGET_LABELS = ("launcher", "close", "panel_title")
MAX_TITLE, MAX_AREA = 60, 120


@router.get("/widget.js", include_in_schema=False)
def widget_script(request: Request, settings: SettingsDep) -> Response:
    wording = get_chat(request.app).wording
    labels = {key: wording.say(f"widget.{key}") for key in WIDGET_LABELS}
    source = (WIDGET_DIR / "widget.js").read_text(encoding="utf-8")
    source = source.replace('"__NAVIGATOR_EXIT_URL__"', json.dumps(settings.chat_quick_exit_url))
    source = source.replace('{"__NAVIGATOR_LABELS__": 1}', json.dumps(labels, ensure_ascii=False))
    return Response(
        source,
        media_type="application/javascript; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=300",
            "Cross-Origin-Resource-Policy": "cross-origin",  # hosts with COEP may load it
            "Access-Control-Allow-Origin": "*",  # a public script; lets hosts use SRI/crossorigin
        },
    )


@router.get("/widget/panel", response_class=HTMLResponse, include_in_schema=False)
def widget_panel(
    request: Request,
    settings: SettingsDep,
    title: Annotated[str, Query(max_length=500)] = "",
    area: Annotated[str, Query(max_length=500)] = "",
    colour: Annotated[str, Query(max_length=50)] = "",
    host: Annotated[str, Query(max_length=300)] = "",
) -> HTMLResponse:
    chat = get_chat(request.app)
    say = chat.wording.say
    allowed = settings.chat_allowed_origins
    # Only hosts we allow may frame the panel, and only they get its messages (close, quick exit).
    request.state.frame_ancestors = " ".join(["'self'", *allowed])
    host = host.strip().lower().rstrip("/")
    parent = host if host in allowed or host in own_origins(request, settings) else ""
    response = templates().TemplateResponse(
        request,
        "widget/panel.html",
        {
            "title": " ".join(title.split())[:MAX_TITLE] or say("widget.launcher"),
            "area": " ".join(area.split())[:MAX_AREA],
            "colour": safe_colour(colour),
            "parent_origin": parent,
            "exit_url": settings.chat_quick_exit_url,
            "max_chars": settings.chat_max_message_chars,
            "say": say,
        },
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/widget/{name}", include_in_schema=False)
def widget_asset(name: str) -> Response:
    media = ASSETS.get(name)
    if media is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    return FileResponse(
        WIDGET_DIR / name,
        media_type=f"{media}; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )
