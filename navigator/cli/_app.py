"""The Typer application object and the context every command shares.

Commands live in sibling modules (one per area) and register themselves on `app`; heavy libraries
are imported inside commands so that `navigator --help` stays instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from navigator.config import Settings, load_settings

if TYPE_CHECKING:
    from navigator.store.db import Store

app = typer.Typer(
    name="navigator",
    help="Neighbourhood Navigator: community services directory, search and chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass
class CliContext:
    settings: Settings
    console: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))

    @cached_property
    def store(self) -> Store:
        from navigator.store.db import Store

        return Store.open(self.settings)


DataDirOption = Annotated[
    str | None,
    typer.Option(
        "--data-dir", help="Folder for the store and indexes (env NAVIGATOR_DATA_DIR).", show_default=False
    ),
]


@app.callback()
def _root(ctx: typer.Context, data_dir: DataDirOption = None) -> None:
    overrides: dict[str, object] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    ctx.obj = CliContext(settings=load_settings(**overrides))


def get_context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext)
    return obj
