"""Load benchmark: searches, page views and chat turns against a real `navigator serve` process at
N listings; a step ladder of users finds the throughput at which p95 stays under 100 ms, then a soak
at that load shows the error rate and the server's memory over time.

    HF_HUB_OFFLINE=1 python bench/load/run.py --n 10000
    HF_HUB_OFFLINE=1 python bench/load/run.py --n 100000 --users 4,8,16,24,32 --soak-seconds 240
    HF_HUB_OFFLINE=1 python bench/load/run.py --n 10000 --reuse          # keep the prepared corpus

Per N: the corpus (store + index, bench/load/corpus.py) is prepared under DATA_ROOT/load-N, the
server is started on it with the real embedding model, a short warm-up runs, then each step of the
ladder runs locust headless for --step-seconds (stopping early only at a failure or a p95 over three
times the target), then the soak at the users of the best step (highest throughput with p95 under
100 ms and no failure). RSS, server CPU and the load average are sampled every few seconds
throughout. Writes bench/results/load-N.json and load-N.md. See bench/README-load.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import load_report as report  # noqa: E402
import load_workload as workload  # noqa: E402
from load_corpus import REPO, prepare  # noqa: E402
from load_server import Sampler, cpu_seconds, rss_summary, start_server  # noqa: E402
from load_steps import Step, run_step  # noqa: E402

from navigator.config import Settings  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", default="10000", help="listings, comma-separated for several runs (10000,100000)")
    p.add_argument("--users", default="4,8,16,24,32,48,64,96", help="the ladder: concurrent users per step")
    p.add_argument("--step-seconds", type=int, default=45)
    p.add_argument("--warmup-seconds", type=int, default=20)
    p.add_argument("--soak-seconds", type=int, default=180, help="0: no soak")
    p.add_argument("--sample-every", type=float, default=3.0, help="seconds between RSS samples")
    p.add_argument("--data-root", type=Path, default=Path("/tmp/navigator-bench"))
    p.add_argument("--reuse", action="store_true", help="serve a corpus of this size prepared before")
    p.add_argument("--base", choices=["auto", "sample"], default="auto", help="sample: ignore ../shared")
    p.add_argument("--embedding-backend", default=None, help="e.g. fake for a quick try (default: settings)")
    p.add_argument(
        "--model-cache",
        type=Path,
        default=None,
        help="ONNX export folder shared by runs (default DATA_ROOT/models)",
    )
    p.add_argument("--tag", default="", help="added to the report's name: load-N-TAG.json")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    return p.parse_args(argv)


def run_one(n: int, args: argparse.Namespace, command: str) -> dict[str, Any]:
    data_dir = args.data_root / f"load-{n}"
    if not args.reuse and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, Any] = {"model_cache_dir": args.model_cache or args.data_root / "models"}
    if args.embedding_backend:
        overrides["embedding_backend"] = args.embedding_backend
    settings = Settings(data_dir=data_dir, **overrides)
    print(f"[{n:,}] preparing the corpus in {data_dir} …", flush=True)
    corpus = prepare(settings, n, base=args.base, reuse=args.reuse)
    print(f"[{n:,}] corpus ready ({corpus.base}, {corpus.seconds:.0f} s)", flush=True)
    work = workload.write(data_dir / "workload.json", workload.build(data_dir))
    load_before = os.getloadavg()[0]
    scratch = Path(tempfile.mkdtemp(prefix=f"navload-{n}-"))
    server = start_server(
        data_dir,
        scratch / "server.log",
        embedding_backend=args.embedding_backend,
        model_cache_dir=settings.model_cache_dir,
    )
    sampler = Sampler(server.process.pid, every=args.sample_every).start()
    steps: list[Step] = []
    soak: Step | None = None
    try:
        print(
            f"[{n:,}] server ready in {server.started_s:.1f} s; warm-up {args.warmup_seconds} s", flush=True
        )
        run_step(server.url, 4, args.warmup_seconds, scratch / "warmup", workload=work)
        warm_end = sampler.mark()
        for users in [int(u) for u in args.users.split(",")]:
            step = _timed(sampler, server.url, users, args.step_seconds, scratch / f"step-{users}", work)
            steps.append(step)
            print(f"[{n:,}] {users} users: {_line(step)}", flush=True)
            # One slow step on a shared machine is not the end: stop only when clearly saturated.
            if step.total.p95 >= 3 * report.TARGET_P95_MS or step.total.failures:
                break
        best = report.best_step(steps) or steps[0]
        if args.soak_seconds:
            soak = _timed(sampler, server.url, best.users, args.soak_seconds, scratch / "soak", work)
            print(f"[{n:,}] soak at {best.users} users: {_line(soak)}", flush=True)
    finally:
        samples = sampler.stop()
        exit_code = server.stop()
    soak_from = soak.started_at_s if soak else warm_end
    run = {
        "listings": n,
        "started_at": datetime.now().isoformat(timespec="seconds"),
        "commit": _commit(),
        "cores": os.cpu_count(),
        "load_before": load_before,
        "command": command,
        "embedding_backend": settings.embedding_backend,
        "corpus": {
            "base": corpus.base,
            "base_listings": corpus.base_listings,
            "seconds": corpus.seconds,
            "stages": corpus.stages,
        },
        "server_start_s": round(server.started_s, 1),
        "server_exit_code": exit_code,
        "rss": rss_summary(samples, after_s=soak_from),
        "rss_all": rss_summary(samples, after_s=warm_end),
    }
    result = report.as_json(run, steps, soak, samples)
    json_path, md_path = report.write(args.out, f"load-{n}" + (f"-{args.tag}" if args.tag else ""), result)
    print(f"[{n:,}] wrote {json_path} and {md_path}", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def _timed(sampler: Sampler, url: str, users: int, seconds: int, csv: Path, work: Path) -> Step:
    start, cpu = sampler.mark(), cpu_seconds(sampler.pid)
    step = run_step(url, users, seconds, csv, workload=work)
    step.started_at_s, step.ended_at_s = start, sampler.mark()
    step.server_cpu_s = round(cpu_seconds(sampler.pid) - cpu, 1)
    return step


def _line(step: Step) -> str:
    t = step.total
    return (
        f"{t.rps:.1f} req/s, p50 {t.p50:.0f} ms, p95 {t.p95:.0f} ms, p99 {t.p99:.0f} ms, "
        f"{t.requests:,} requests, {t.failures} failures, load {os.getloadavg()[0]:.1f}"
    )


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    command = "python bench/load/run.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    for n in [int(x) for x in args.n.split(",")]:
        run_one(n, args, command)


if __name__ == "__main__":
    main()
