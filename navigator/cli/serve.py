"""`navigator serve`: run the web app with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from navigator.cli._app import app, get_context


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the website and JSON API. A newly built index is picked up without a restart."""
    import uvicorn

    from navigator.app.factory import create_app

    c = get_context(ctx)
    uvicorn.run(create_app(c.settings), host=host, port=port, log_level=log_level)
