"""Jinja2 templates for the server-rendered pages: autoescaped, loaded from web/templates.

Listing text is untrusted; templates only ever print it escaped (never `|safe`), and links from
listings go through `safe_href` so a `javascript:` URL can't reach an href.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
WIDGET_DIR = WEB_DIR / "widget"

_SAFE_SCHEMES = {"http", "https", "mailto", "tel", "sms"}


def safe_href(url: object) -> str | None:
    """The URL if it is safe to put in an href (http(s)/mailto/tel/sms), else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme not in _SAFE_SCHEMES or any(ch in text for ch in "\x00\r\n"):
        return None
    return text


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES_DIR))
    t.env.filters["safe_href"] = safe_href
    t.env.globals["safe_href"] = safe_href
    return t
