"""`navigator search "TEXT"` and `navigator eval QUERIES.jsonl`: the same search the API runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from navigator.cli._app import app, get_context

if TYPE_CHECKING:
    from navigator.cli._app import CliContext
    from navigator.search.service import SearchService


def _service(c: CliContext) -> SearchService:
    from navigator.search.service import IndexUnavailable, SearchService

    service = SearchService(c.settings, c.store)
    service.load()
    if service.problem:
        c.err.print(f"[red]Search is not available:[/] {service.problem}")
        raise typer.Exit(1) from IndexUnavailable(service.problem)
    return service


@app.command("search")
def search_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What matters to you, in your own words.")] = "",
    postcode: Annotated[
        str | None, typer.Option(help="Postcode, outward code or town to search near.")
    ] = None,
    radius_km: Annotated[float | None, typer.Option("--radius-km", help="How far from the postcode.")] = None,
    radius_miles: Annotated[float | None, typer.Option("--radius-miles", help="The same in miles.")] = None,
    free: Annotated[bool, typer.Option("--free", help="Only services stated to be free.")] = False,
    age: Annotated[int | None, typer.Option(help="Only services whose eligibility fits this age.")] = None,
    day: Annotated[str | None, typer.Option(help="Open on this day (monday, tue, SA; comma list).")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category / taxonomy term.")] = None,
    mode: Annotated[str | None, typer.Option(help="in_person, online, phone or home_visit.")] = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full response as JSON.")] = False,
) -> None:
    """Search the directory the way the website does, and say why each result was chosen."""
    from navigator.search.schema import SearchInputError, SearchRequest

    c = get_context(ctx)
    service = _service(c)
    request = SearchRequest(
        q=text,
        postcode=postcode,
        radius_km=radius_km,
        radius_miles=radius_miles,
        free=free or None,
        age=age,
        day=day,
        category=category,
        mode=mode,
        limit=limit,
    )
    try:
        response = service.search(request)
    except SearchInputError as exc:
        c.err.print(f"[red]{exc.field}:[/] {exc.message}")
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
        return
    from navigator.cli.search_render import render_response

    render_response(response, c.console)


@app.command("eval")
def eval_command(
    ctx: typer.Context,
    queries: Annotated[
        Path, typer.Argument(help="JSONL of {qid, query[, relevant]} (../shared/eval format).")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the run here: {qid, ids} per line.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Results per query.")] = 10,
    per_query: Annotated[bool, typer.Option("--per-query", help="Print each query's scores.")] = False,
) -> None:
    """Run every query through the search and score it (nDCG@10, recall@10) when judgements are present."""
    from navigator.search.metrics import score_query, score_run
    from navigator.search.schema import SearchInputError, SearchRequest

    c = get_context(ctx)
    try:
        lines = [
            json.loads(line) for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    except (OSError, ValueError) as exc:
        c.err.print(f"[red]Could not read {queries}:[/] {exc}")
        raise typer.Exit(2) from exc
    service = _service(c)
    run: dict[str, list[str]] = {}
    qrels: dict[str, dict[str, int]] = {}
    for number, item in enumerate(lines, 1):
        if "qid" not in item or "query" not in item:
            c.err.print(f"[red]{queries}:{number}:[/] each line needs 'qid' and 'query'.")
            raise typer.Exit(2)
        try:
            response = service.search(SearchRequest(q=item["query"], limit=limit))
            run[item["qid"]] = [r.id for r in response.results]
        except SearchInputError as exc:
            c.err.print(f"[yellow]{item['qid']}:[/] {exc.message}")
            run[item["qid"]] = []
        if item.get("relevant"):
            qrels[item["qid"]] = {k: int(v) for k, v in item["relevant"].items()}
            if per_query:
                nd, rc = score_query(run[item["qid"]], qrels[item["qid"]])
                c.console.print(f"{item['qid']}  nDCG@10 {nd:.3f}  recall@10 {rc:.3f}  {item['query'][:70]}")
    if out:
        with out.open("w", encoding="utf-8") as handle:
            for qid, ids in run.items():
                handle.write(json.dumps({"qid": qid, "ids": ids}) + "\n")
        c.console.print(f"Wrote {len(run)} runs to {out}")
    if qrels:
        scores = score_run(run, qrels)
        c.console.print(f"queries: {scores['queries']}")
        c.console.print(f"nDCG@10:   {scores['ndcg@10']:.4f}")
        c.console.print(f"recall@10: {scores['recall@10']:.4f}")
    else:
        c.console.print(f"Ran {len(run)} queries (no judgements present, so no scores).")
