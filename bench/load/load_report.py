"""The load run's report: everything as JSON (for comparisons) and a short markdown page (to read)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from load_server import Sample
from load_steps import Step
from load_workload import NAMES

TARGET_P95_MS = 100.0


def best_step(steps: list[Step], target_ms: float = TARGET_P95_MS) -> Step | None:
    """The step with the highest throughput whose p95 stayed under target with no failures."""
    passing = [s for s in steps if s.total.p95 < target_ms and s.total.failures == 0]
    return max(passing, key=lambda s: s.total.rps, default=None)


def as_json(
    run: dict[str, Any], steps: list[Step], soak: Step | None, samples: list[Sample]
) -> dict[str, Any]:
    best = best_step(steps)
    return {
        **run,
        "target_p95_ms": TARGET_P95_MS,
        "throughput_at_p95_under_target": None
        if best is None
        else {"users": best.users, "rps": best.total.rps, "p95_ms": best.total.p95},
        "steps": [s.as_json() for s in steps],
        "soak": soak.as_json() if soak else None,
        "rss_samples": [[s.t, s.rss_mb, s.cpu_percent, round(s.load1, 2)] for s in samples],
    }


def write(out_dir: Path, name: str, report: dict[str, Any]) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{name}.json"
    md_path = out_dir / f"{name}.md"
    json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path


def _per_type(step: dict[str, Any]) -> list[str]:
    lines = [
        "| request | count | requests/s | p50 ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in [*NAMES, "all"]:
        st = step["total"] if name == "all" else step["by_name"].get(name)
        if st:
            lines.append(
                f"| {name} | {st['requests']:,} | {st['rps']:.1f} | {st['p50']:.0f} | {st['p95']:.0f} | "
                f"{st['p99']:.0f} | {st['max']:.0f} | {st['failures']} |"
            )
    return lines


def _windows(r: dict[str, Any], minutes: int = 3) -> list[str]:
    """RSS slope over successive windows of the soak: a cache filling up slows down; a leak does not."""
    soak = r["soak"]
    if not soak:
        return []
    samples = [x for x in r["rss_samples"] if soak["started_at_s"] <= x[0] <= soak["ended_at_s"]]
    rows = []
    for start in range(0, int(soak["seconds"] // 60), minutes):
        t0 = soak["started_at_s"] + start * 60
        window = [x for x in samples if t0 <= x[0] < t0 + minutes * 60]
        if len(window) >= 3:
            rows.append(
                f"| {start}–{start + minutes} | {window[0][1]:.0f} → {window[-1][1]:.0f} | "
                f"{_slope([(x[0], x[1]) for x in window]):+.1f} |"
            )
    if not rows:
        return []
    return ["| soak minutes | RSS MiB | slope MiB/min |", "|---|---|---|", *rows, ""]


def _slope(points: list[tuple[float, float]]) -> float:
    ts, ys = [t / 60 for t, _ in points], [y for _, y in points]
    mt, my = sum(ts) / len(ts), sum(ys) / len(ys)
    var = sum((t - mt) ** 2 for t in ts)
    return sum((t - mt) * (y - my) for t, y in zip(ts, ys, strict=True)) / var if var else 0.0


def _load(r: dict[str, Any], step: dict[str, Any]) -> float:
    """Mean 1-minute load average over a step's samples."""
    loads = [x[3] for x in r["rss_samples"] if step["started_at_s"] <= x[0] <= step["ended_at_s"]]
    return sum(loads) / len(loads) if loads else 0.0


def markdown(r: dict[str, Any]) -> str:
    best = r["throughput_at_p95_under_target"]
    lines = [
        f"# Load run: {r['listings']:,} listings",
        "",
        f"- When: {r['started_at']} (commit {r['commit']}); {r['cores']} cores, shared with other jobs: "
        f"load average {r['load_before']:.1f} before, {r['rss_all']['load1_mean']:.1f} on average under "
        "load. Figures on a shared machine are pessimistic.",
        f"- Corpus: {r['corpus']['base']} base ({r['corpus']['base_listings']:,} listings) scaled to "
        f"{r['listings']:,}; prepared in {r['corpus']['seconds']:.0f} s; server ready in "
        f"{r['server_start_s']:.1f} s (embedding backend {r['embedding_backend']}).",
        f"- Command: `{r['command']}`",
        "",
        "## Throughput",
        "",
        f"**{best['rps']:.1f} requests/s with p95 {best['p95_ms']:.0f} ms** ({best['users']} users)"
        if best
        else f"No step kept p95 under {r['target_p95_ms']:.0f} ms.",
        "",
        "| users | requests/s | p50 ms | p95 ms | p99 ms | requests | failures | server CPU ms/request "
        "| server CPU % | locust CPU s | load 1 min |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in [*r["steps"], *([r["soak"]] if r["soak"] else [])]:
        t = s["total"]
        busy = 100 * s["server_cpu_s"] / max(s["seconds"], 1)
        lines.append(
            f"| {s['users']}{' (soak)' if s is r['soak'] else ''} | {t['rps']:.1f} | {t['p50']:.0f} | "
            f"{t['p95']:.0f} | {t['p99']:.0f} | {t['requests']:,} | {t['failures']} | "
            f"{s['server_cpu_ms_per_request']:.1f} | {busy:.0f} | {s['client_cpu_s']:.0f} | "
            f"{_load(r, s):.1f} |"
        )
    soak = r["soak"]
    best_step = next((s for s in r["steps"] if best and s["users"] == best["users"]), None)
    if best_step:
        lines += ["", f"## Per request type at {best_step['users']} users (the throughput above)", ""]
        lines += _per_type(best_step)
    if soak:
        lines += [
            "",
            f"## Soak: {soak['users']} users for {soak['seconds']:.0f} s",
            "",
            f"{soak['total']['requests']:,} requests, {soak['total']['rps']:.1f}/s, "
            f"**error rate {soak['error_rate']:.2%}** ({soak['total']['failures']} failures).",
            "",
            *_per_type(soak),
        ]
    m = r["rss"]
    lines += [
        "",
        "## Memory (server RSS)",
        "",
        f"{'Over the soak' if soak else 'After the warm-up'}: start {m['rss_start_mb']:.0f} MiB, "
        f"end {m['rss_end_mb']:.0f} MiB, max "
        f"{m['rss_max_mb']:.0f} MiB; slope {m['rss_slope_mb_per_min']:+.2f} MiB/min (second half "
        f"{m['rss_slope_second_half_mb_per_min']:+.2f}). Whole run after warm-up: start "
        f"{r['rss_all']['rss_start_mb']:.0f}, end {r['rss_all']['rss_end_mb']:.0f}, max "
        f"{r['rss_all']['rss_max_mb']:.0f} MiB. Server CPU {m['server_cpu_mean_percent']:.0f}% of one core "
        f"on average{' during the soak' if soak else ''}."
        + (
            " The server was found stopped by another job (SIGSTOP) in "
            f"{r['rss_all']['samples_server_stopped']} samples: requests waited meanwhile."
            if r["rss_all"].get("samples_server_stopped")
            else ""
        ),
        "",
        *_windows(r),
        "| t (s) | RSS MiB | server CPU % | load 1 min |",
        "|---|---|---|---|",
    ]
    samples = r["rss_samples"]
    every = max(1, len(samples) // 20)
    for t, rss, cpu, load in samples[::every]:
        lines.append(f"| {t:.0f} | {rss:.0f} | {cpu:.0f} | {load:.1f} |")
    failures = [f for s in [*r["steps"], *([soak] if soak else [])] for f in s["failures"]]
    if failures:
        lines += ["", "## Failures", ""]
        lines += [f"- {f.get('Name')}: {f.get('Error')} ×{f.get('Occurrences')}" for f in failures]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # re-render the markdown of saved reports: python load_report.py FILE.json …
    import sys

    for name in sys.argv[1:]:
        path = Path(name)
        path.with_suffix(".md").write_text(markdown(json.loads(path.read_text())), encoding="utf-8")
