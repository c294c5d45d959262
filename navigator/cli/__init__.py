"""`navigator` command line: thin commands over the library."""

from __future__ import annotations

import importlib

from navigator.cli._app import app

# Each module registers its commands on `app` when imported. Listed here, in --help order.
COMMAND_MODULES = (
    "imports",
    "listings",
    "index",
    "search",
    "serve",
    "accounts",
    "export",
    "sync",
    "history",
    "handoffs",
    "backup",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"navigator.cli.{name}")
        except ModuleNotFoundError as exc:  # an area not built yet must not break the others
            if exc.name != f"navigator.cli.{name}":
                raise


def main() -> None:
    _register()
    app()
