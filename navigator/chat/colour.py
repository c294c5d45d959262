"""The widget's accent colour (data-colour): used behind white text, so it must be dark enough.

A colour giving less than WCAG's 4.5:1 contrast with white (or not a colour at all) is replaced
by the default, rather than shipping an unreadable launcher or header. widget.js does the same
check in the browser; this one guards the panel page.
"""

from __future__ import annotations

import re

DEFAULT = "#1d4f91"
MIN_CONTRAST = 4.5
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


def safe_colour(value: object) -> str:
    """A "#rrggbb" colour with enough contrast against white text; the default otherwise."""
    if not isinstance(value, str):
        return DEFAULT
    match = _HEX.match(value.strip())
    if not match:
        return DEFAULT
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    colour = "#" + digits.lower()
    return colour if contrast_with_white(colour) >= MIN_CONTRAST else DEFAULT
