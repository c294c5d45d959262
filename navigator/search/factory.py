"""Assemble a `Searcher` for a loaded index build: query-vector cache, gazetteer, understanding."""

from __future__ import annotations

from collections.abc import Iterator

from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.search.bundle import IndexBundle
from navigator.search.embedder import Embedder, QueryCache
from navigator.search.engine import SearchConfig, Searcher
from navigator.search.places import AreaResolver
from navigator.search.ranking import RankWeights
from navigator.search.reasons import Explainer
from navigator.search.understanding import make_understander


def search_config(settings: Settings | None, weights: RankWeights | None = None) -> SearchConfig:
    config = SearchConfig(weights=weights or RankWeights())
    if settings is not None:
        config.stale_after_days = settings.stale_after_days
        config.default_radius_km = float(
            getattr(settings, "search_default_radius_km", config.default_radius_km)
        )
        config.weights.near = float(getattr(settings, "search_distance_weight", config.weights.near))
        config.weights.stale = float(getattr(settings, "search_stale_weight", config.weights.stale))
    return config


def need_expansions() -> list[str]:
    """The expansion of every need in the understanding's vocabulary (without qualifiers)."""
    try:
        from navigator.search.understand.vocabulary import load_vocabulary
    except ImportError:  # pragma: no cover - the understanding package is part of this project
        return []
    return [spec.expansion for spec in load_vocabulary().needs.values()]


def _twice(words: list[str]) -> Iterator[str]:
    """The lexicon lists words the directory uses at least twice; the speller counts them again."""
    for word in words:
        yield word
        yield word


def build_searcher(
    bundle: IndexBundle,
    embedder: Embedder,
    table: OutcodeTable,
    settings: Settings | None = None,
    weights: RankWeights | None = None,
    query_cache: QueryCache | None = None,
    semantic_reasons: int = 0,
) -> Searcher:
    cache = query_cache or QueryCache(embedder)
    config = search_config(settings, weights)
    # Finding the best sentence by meaning embeds each shown listing's sentences (~30-120 ms a listing
    # on 2 busy cores), so by default it is found by shared words; a setting turns it on for the top N.
    semantic_reasons = int(getattr(settings, "search_semantic_reasons", semantic_reasons))
    understander = make_understander(table, bundle.towns, _twice(bundle.words), cache)
    # Every need's plain expansion, embedded (or read from the store) now rather than in the first
    # search that finds that need (an ONNX run of ~50 tokens each, 5-10 ms on 2 busy cores).
    cache.warm_phrases(need_expansions())
    return Searcher(
        bundle=bundle,
        query_vector=cache,
        phrase_vector=cache.phrase,
        understander=understander,
        areas=AreaResolver(table, bundle.towns),
        table=table,
        config=config,
        explainer=Explainer(
            embedder, semantic_top=semantic_reasons, stale_after_days=config.stale_after_days
        ),
    )
