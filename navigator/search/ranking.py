"""Hybrid scoring of a candidate set: dense + keyword fusion, then place, staleness and wishes.

All weights live in `RankWeights` (defaults tuned once on the dev set for every query alike; see
bench/README-search.md). Everything is vectorised over the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class RankWeights:
    dense: float = 0.8  # share of the dense score in the fusion; keyword gets the rest
    candidates: int = 100  # taken from each of dense and keyword before fusion
    need_expansion: float = 0.5  # weight of the need vocabulary's phrasing vector in the query vector
    prf: float = 0.3  # pseudo-relevance feedback: pull towards the mean of the top few
    prf_docs: int = 3
    distance: float = 0.10  # at the radius edge a located listing loses this much
    area_match: float = 0.05  # listing says it serves / is in the named place
    area_elsewhere: float = 0.15  # listing says it is somewhere else (and not the named place)
    stale: float = 0.03  # not verified within stale_after_days
    wish: float = 0.03  # free / day / mode / time wishes found in the text and met
    need_category: float = 0.03  # listing carries a category the need vocabulary names for its need


def normalise_dense(scores: np.ndarray) -> np.ndarray:
    """Cosines rescaled over the candidates so the best is 1 and the worst 0."""
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-6:
        return np.ones_like(scores)
    return (scores - low) / (high - low)


def normalise_keyword(scores: np.ndarray) -> np.ndarray:
    high = float(scores.max()) if scores.size else 0.0
    if high <= 0:
        return np.zeros_like(scores)
    return scores / high


def fuse(dense: np.ndarray, keyword: np.ndarray, w: RankWeights) -> np.ndarray:
    return w.dense * normalise_dense(dense) + (1.0 - w.dense) * normalise_keyword(keyword)


def place_adjustment(
    distance_km: np.ndarray, radius_km: float, in_area: np.ndarray, has_area: np.ndarray, w: RankWeights
) -> np.ndarray:
    """Nearer is better for located listings; unlocated ones rank by what they say about their area."""
    adjust = np.zeros(distance_km.shape[0], dtype=np.float32)
    located = ~np.isnan(distance_km)
    adjust[located] -= w.distance * np.minimum(distance_km[located] / max(radius_km, 1e-3), 1.0)
    unlocated = ~located
    adjust[unlocated & in_area] += w.area_match
    adjust[unlocated & has_area & ~in_area] -= w.area_elsewhere
    return adjust
