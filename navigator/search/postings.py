"""Posting lists: for each key (a category, an area name), the sorted row numbers that carry it.

Stored as two flat arrays (CSR), so a filter or boost on a key is one slice, at any collection size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class Postings:
    def __init__(self, keys: list[str], indptr: np.ndarray, rows: np.ndarray) -> None:
        self.keys = keys
        self.key_index = {k: i for i, k in enumerate(keys)}
        self.indptr = indptr
        self.rows = rows

    @classmethod
    def build(cls, per_row: Sequence[Iterable[str]]) -> Postings:
        lists: dict[str, list[int]] = {}
        for row, keys in enumerate(per_row):
            for key in set(keys):
                lists.setdefault(key, []).append(row)
        keys = sorted(lists)
        sizes = np.array([len(lists[k]) for k in keys], dtype=np.int64)
        indptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        rows = (
            np.concatenate([np.asarray(lists[k], dtype=np.int32) for k in keys])
            if keys
            else np.zeros(0, dtype=np.int32)
        )
        return cls(keys, indptr, rows)

    def rows_for(self, key: str) -> np.ndarray:
        i = self.key_index.get(key)
        if i is None:
            return np.zeros(0, dtype=np.int32)
        return self.rows[self.indptr[i] : self.indptr[i + 1]]

    def mask(self, keys: Iterable[str], n: int) -> np.ndarray:
        """Boolean array of length n: rows that carry any of `keys`."""
        out = np.zeros(n, dtype=bool)
        for key in keys:
            out[self.rows_for(key)] = True
        return out

    def __contains__(self, key: object) -> bool:
        return key in self.key_index

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_indptr": self.indptr, f"{prefix}_rows": self.rows}

    @classmethod
    def from_arrays(cls, keys: list[str], arrays: dict[str, np.ndarray], prefix: str) -> Postings:
        return cls(keys, arrays[f"{prefix}_indptr"], arrays[f"{prefix}_rows"])
