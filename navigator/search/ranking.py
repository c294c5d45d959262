"""Hybrid scoring of a candidate set: dense + keyword fusion, then place, staleness and wishes.

All weights live in `RankWeights` (defaults tuned once on the dev set for every query alike; see
bench/README-search.md). Everything is vectorised over the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class RankWeights:
    dense: float = 0.65  # share of the dense score in the fusion; keyword gets the rest (dev: 0.6–0.7 flat)
    candidates: int = 100  # taken from each of dense and keyword before fusion
    need_expansion: float = 0.5  # weight of the need vocabulary's phrasing vector in the query vector
    prf: float = 0.3  # pseudo-relevance feedback: pull towards the mean of the top few
    prf_docs: int = 3
    near: float = 0.15  # a venue at the named place gains this much, falling to 0 at the radius edge
    area_match: float = 0.10  # listing says it serves / is in the named place
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
    """Evidence of being at the named place lifts a listing; evidence of being elsewhere lowers it.

    A venue near the place gains up to `near` (less the further it is); a listing that names the
    place (service area, town, text) gains `area_match`; one that names only other places loses
    `area_elsewhere`. Listings that say nothing about where they are (national lines, websites) are
    neither lifted nor lowered.
    """
    adjust = np.zeros(distance_km.shape[0], dtype=np.float32)
    located = ~np.isnan(distance_km)
    closeness = np.zeros_like(adjust)
    closeness[located] = np.clip(1.0 - distance_km[located] / max(radius_km, 1e-3), 0.0, 1.0)
    adjust += w.near * closeness
    adjust += np.where(in_area, w.area_match, 0.0).astype(np.float32)
    elsewhere = has_area & ~in_area & (closeness == 0)
    adjust -= np.where(elsewhere, w.area_elsewhere, 0.0).astype(np.float32)
    return adjust
