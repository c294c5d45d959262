"""The manifest of an index build: what it was built from and with, checked before it is trusted."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class IndexMismatch(Exception):
    """An index build does not fit this configuration; the message says why and how to fix it."""


@dataclass
class Manifest:
    build_id: str
    model_id: str
    dimensions: int
    backend: str
    count: int
    built_at: str  # ISO 8601 UTC
    store_generation: int
    build_seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    filters_meta: dict[str, Any] = field(default_factory=dict)

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(
            json.dumps(asdict(self), indent=1, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except FileNotFoundError as exc:
            raise IndexMismatch(
                f"{path} is missing: the build is incomplete. Run `navigator index build`."
            ) from exc
        except (ValueError, TypeError) as exc:
            raise IndexMismatch(
                f"{path} is not a valid index manifest ({exc}). Run `navigator index build`."
            ) from exc

    def check(self, model_id: str, dimensions: int | None) -> None:
        if self.format_version != FORMAT_VERSION:
            raise IndexMismatch(
                f"Index build {self.build_id} has format {self.format_version}; this version reads "
                f"{FORMAT_VERSION}. Run `navigator index build` to rebuild it."
            )
        if self.model_id != model_id or (dimensions is not None and self.dimensions != dimensions):
            raise IndexMismatch(
                f"Index build {self.build_id} was made with model {self.model_id!r} ({self.dimensions} "
                f"dimensions) but the configured model is {model_id!r}"
                + (f" ({dimensions} dimensions)" if dimensions is not None else "")
                + ". Run `navigator index build` to rebuild it for the configured model, or set "
                "NAVIGATOR_EMBEDDING_MODEL back to the model it was built with."
            )
