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
    return Searcher(
        bundle=bundle,
        query_vector=cache,
        understander=make_understander(table, bundle.towns, _twice(bundle.words), cache),
        areas=AreaResolver(table, bundle.towns),
        table=table,
        config=config,
        explainer=Explainer(
            embedder, semantic_top=semantic_reasons, stale_after_days=config.stale_after_days
        ),
    )
