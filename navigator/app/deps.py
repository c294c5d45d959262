"""Typed dependencies for route handlers: what lives on `app.state`, as annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from navigator.config import Settings
from navigator.search.service import SearchService
from navigator.store.db import Store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
SearchDep = Annotated[SearchService, Depends(get_search)]
