"""`navigator listings` and `navigator show`: what the store holds, for people and machines."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from navigator.cli._app import app, get_context

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@app.command("listings")
def listings_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Counts of listings by source and status, and how many need checking (stale)."""
    from navigator.store.queries import listing_counts

    c = get_context(ctx)
    with c.store.read() as session:
        counts = listing_counts(session, c.settings.stale_after_days)
    if as_json:
        typer.echo(json.dumps([vars(x) for x in counts], indent=2, default=str))
        return
    if not counts:
        c.console.print("The directory is empty. Import listings with `navigator import PATH`.")
        return
    table = Table(title="Listings by source")
    for col in (
        "Source",
        "Total",
        "Active",
        "Other statuses",
        "Not verified in time",
        "Oldest verified",
        "Last import",
    ):
        table.add_column(col)
    for x in counts:
        others = ", ".join(f"{k} {v}" for k, v in sorted(x.by_status.items()) if k != "active") or "—"
        table.add_row(
            x.source,
            f"{x.total:,}",
            f"{x.by_status.get('active', 0):,}",
            others,
            f"{x.stale:,}",
            str(x.oldest_verified or "—"),
            x.last_import or "—",
        )
    c.console.print(table)
    c.console.print(
        f"Stale = not verified in the last {c.settings.stale_after_days} days (NAVIGATOR_STALE_AFTER_DAYS)."
    )


@app.command("show")
def show_command(
    ctx: typer.Context,
    listing_id: Annotated[
        str, typer.Argument(metavar="ID", help="The listing's published id (or SOURCE:ID).")
    ],
    as_json: JsonOption = False,
) -> None:
    """Everything the store holds about one listing, with its change history."""
    from navigator.store.queries import find_services, open_duplicates_for, service_history

    c = get_context(ctx)
    with c.store.read() as session:
        found = find_services(session, listing_id)
        if not found:
            c.err.print(f"No listing has the id '{listing_id}'. `navigator listings` shows what is imported.")
            raise typer.Exit(1)
        if len(found) > 1 and not as_json:
            c.err.print(
                f"{len(found)} sources publish the id '{listing_id}': "
                + ", ".join(f"{s.source}:{s.source_id}" for s in found)
                + ". Showing each; use SOURCE:ID to pick one."
            )
        out = []
        for s in found:
            out.append(
                {
                    "id": s.source_id,
                    "source": s.source,
                    "status": s.status,
                    "content_hash": s.content_hash,
                    "import_batch": s.import_batch_id,
                    "created_at": s.created_at.isoformat(timespec="seconds"),
                    "updated_at": s.updated_at.isoformat(timespec="seconds"),
                    "record": s.record_json,
                    "history": [
                        {
                            "at": h.changed_at.isoformat(timespec="seconds"),
                            "by": h.actor,
                            "field": h.field,
                            "old": h.old_value,
                            "new": h.new_value,
                        }
                        for h in service_history(session, s.id)
                    ],
                    "possible_duplicates": len(open_duplicates_for(session, s.id)),
                }
            )
    if as_json:
        typer.echo(json.dumps(out if len(out) > 1 else out[0], indent=2, ensure_ascii=False, default=str))
        return
    for item in out:
        _print_listing(c.console, item, c.settings.stale_after_days)


def _print_listing(console: Any, item: dict[str, Any], stale_days: int) -> None:
    r = item["record"]
    console.rule(f"[bold]{r['name']}[/]  ({item['source']}:{item['id']}, {item['status']})")
    org = (r.get("organization") or {}).get("name")
    if org:
        console.print(f"[bold]Organisation:[/] {org}")
    if r.get("description"):
        console.print(r["description"])
    facts = []
    if r.get("is_free") is not None:
        facts.append("Free" if r["is_free"] else "Charges apply")
    elig = r.get("eligibility") or {}
    if elig.get("minimum_age") is not None or elig.get("maximum_age") is not None:
        facts.append(f"Ages {elig.get('minimum_age') or 0}–{elig.get('maximum_age') or 'any'}")
    if r.get("delivery_modes"):
        facts.append("Delivery: " + ", ".join(x.replace("_", " ") for x in r["delivery_modes"]))
    if facts:
        console.print(" · ".join(facts))
    for p in r.get("phones", []):
        console.print(f"[bold]Phone:[/] {p.get('display') or p['number']}")
    for key, label in (("email", "Email"), ("url", "Website")):
        if r.get(key):
            console.print(f"[bold]{label}:[/] {r[key]}")
    for loc in r.get("locations", []):
        for a in loc.get("addresses", []):
            if r.get("hide_exact_address"):
                line = f"{a.get('city') or ''} (exact address withheld)"
            else:
                line = ", ".join(x for x in (a.get("address_1"), a.get("city"), a.get("postal_code")) if x)
            console.print(f"[bold]Address:[/] {line}")
    for sch in r.get("schedules", []):
        days = ",".join(sch.get("byday") or [])
        hours = f"{sch.get('opens_at') or ''}–{sch.get('closes_at') or ''}" if sch.get("opens_at") else ""
        console.print(
            f"[bold]When:[/] {' '.join(x for x in (days, hours, sch.get('description') or '') if x)}"
        )
    terms = [t["term"] for t in r.get("taxonomy_terms", [])]
    if terms:
        console.print(f"[bold]Categories:[/] {', '.join(terms)}")
    assured = r.get("assured_date")
    if assured:
        age = (date.today() - date.fromisoformat(assured)).days
        note = " [yellow](may be out of date)[/]" if age > stale_days else ""
        console.print(f"[bold]Last verified:[/] {assured}{note}")
    else:
        console.print("[bold]Last verified:[/] never [yellow](may be out of date)[/]")
    if item["possible_duplicates"]:
        console.print(f"[yellow]{item['possible_duplicates']} possible duplicate(s) awaiting review.[/]")
    if item["history"]:
        table = Table(title="Change history", title_justify="left")
        for col in ("When", "By", "Field", "Old", "New"):
            table.add_column(col, overflow="fold", max_width=40)
        for h in item["history"]:
            table.add_row(h["at"], h["by"], h["field"], _short(h["old"]), _short(h["new"]))
        console.print(table)


def _short(value: str | None, limit: int = 80) -> str:
    if value is None:
        return "—"
    return value if len(value) <= limit else value[: limit - 1] + "…"
