"""Assemble a `Searcher` for a loaded index build: query-vector cache, gazetteer, understanding."""

from __future__ import annotations

from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.search.bundle import IndexBundle
from navigator.search.embedder import Embedder, QueryCache
from navigator.search.engine import SearchConfig, Searcher
from navigator.search.gazetteer import DirectoryGazetteer
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
        config.weights.distance = float(getattr(settings, "search_distance_weight", config.weights.distance))
        config.weights.stale = float(getattr(settings, "search_stale_weight", config.weights.stale))
    return config


def build_searcher(
    bundle: IndexBundle,
    embedder: Embedder,
    table: OutcodeTable,
    settings: Settings | None = None,
    weights: RankWeights | None = None,
    query_cache: QueryCache | None = None,
    semantic_reasons: int = 3,
) -> Searcher:
    cache = query_cache or QueryCache(embedder)
    gazetteer = DirectoryGazetteer(table, bundle.filters.areas.keys)
    config = search_config(settings, weights)
    return Searcher(
        bundle=bundle,
        query_vector=cache,
        understander=make_understander(gazetteer, cache),
        areas=AreaResolver(table),
        table=table,
        config=config,
        explainer=Explainer(
            embedder, semantic_top=semantic_reasons, stale_after_days=config.stale_after_days
        ),
    )
