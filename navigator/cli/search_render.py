"""Readable terminal output for a search response (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from navigator.search.schema import SearchResponse


def render_response(response: SearchResponse, console: Console) -> None:
    q = response.query
    bits = []
    if q.needs:
        bits.append("looking for " + "; ".join(n.label for n in q.needs))
    if q.place:
        bits.append(
            f"near {q.place.label} ({q.place.radius_km:.0f} km)"
            if q.place.radius_km
            else f"near {q.place.label}"
        )
    if q.age is not None:
        bits.append(f"age {q.age}")
    for key, value in q.filters.items():
        if key not in ("near", "age", "status"):
            bits.append(f"{key}: {value}")
    if bits:
        console.print(Text("Understood: " + ", ".join(bits), style="dim"))
    for message in q.messages:
        console.print(f"[yellow]Note:[/] {message}")
    if response.index.stale:
        console.print("[yellow]The index is older than the store; run `navigator index build`.[/]")
    if not response.results:
        console.print("No matching services. Try other words, or widen the filters.")
        return
    for i, r in enumerate(response.results, response.offset + 1):
        title = Text(f"{i}. ", style="bold")
        title.append(r.name, style="bold cyan")
        if r.organisation and r.organisation != r.name:
            title.append(f" — {r.organisation}")
        title.append(f"  [{r.id}]", style="dim")
        console.print(title)
        if r.why.need:
            console.print(f"   Answers: {r.why.need}")
        if r.why.facts:
            console.print("   " + " · ".join(r.why.facts))
        if r.why.sentence:
            console.print(Text(f"   “{r.why.sentence}”", style="italic"))
        contact = [x for x in (", ".join(r.contacts.phones[:1]), r.contacts.website) if x]
        if contact:
            console.print(Text("   " + " · ".join(contact), style="dim"))
        if r.possibly_out_of_date:
            console.print(Text("   Not verified recently: check before relying on it.", style="dim yellow"))
    console.print(
        Text(
            f"{response.total} matched · index {response.index.build_id} · {response.took_ms:.0f} ms",
            style="dim",
        )
    )
