"""The display fields of every listing, one JSON object per row, read lazily by offset.

A search shows at most a page of results, so the docs stay on disk (memory-mapped) instead of
filling the heap: at a million listings they would be gigabytes of Python objects.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np


def write_docs(path: Path, docs: Iterable[dict[str, Any]]) -> int:
    offsets = [0]
    with open(path, "wb") as handle:
        for doc in docs:
            line = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
            handle.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(path.with_suffix(".offsets.npy"), np.asarray(offsets, dtype=np.int64))
    return len(offsets) - 1


class DocsFile:
    def __init__(self, path: Path) -> None:
        self.offsets = np.load(path.with_suffix(".offsets.npy"))
        self._file = open(path, "rb")  # noqa: SIM115 - held for the life of the loaded index
        size = path.stat().st_size
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else None

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def get(self, row: int) -> dict[str, Any]:
        if self._map is None:
            raise IndexError(row)
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        result: dict[str, Any] = json.loads(self._map[start:end])
        return result

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        self._file.close()
