"""Reading the safety data files (TOML) with errors that name the file and say what to fix."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any


class SafetyConfigError(ValueError):
    """A safety data file is missing or malformed; the message names the file and the entry."""


def read_toml(name: str, path: Path | None = None) -> tuple[dict[str, Any], str]:
    """(data, where) for a packaged data file (navigator/chat/safety/data/NAME) or an explicit path."""
    if path is not None:
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SafetyConfigError(f"{where}: cannot be read ({exc}).") from exc
    else:
        where = f"navigator/chat/safety/data/{name}"
        text = (resources.files("navigator.chat.safety") / "data" / name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise SafetyConfigError(
            f"{where}: not valid TOML ({exc}). Check the quotes, brackets and `=` on that line."
        ) from exc
