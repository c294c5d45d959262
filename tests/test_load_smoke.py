"""A short load smoke (the long run is bench/load/run.py, documented in bench/README-load.md): the
sample directory scaled to 600 listings by the load bench's own corpus builder, `navigator serve`
in its own process (fake embedder), and locust headless for 15 s at 8 users mixing API searches,
page views and chat conversations. No latency is asserted (CI machines vary); what must hold under
load: no failed request, every kind of request exercised, memory that does not run away, and no
stack trace in the server's output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench" / "load"))

from load_corpus import prepare  # noqa: E402
from load_server import Sampler, start_server  # noqa: E402
from load_steps import Step, run_step  # noqa: E402
from load_workload import NAMES, build, write  # noqa: E402

from navigator.config import Settings  # noqa: E402

LISTINGS = 600  # > the sample's 279, so the copying of listings (and their child rows) runs too
USERS = 8
SECONDS = 15
RSS_GROWTH_LIMIT_MB = 200  # generous: a leak under sustained load would pass this within minutes


@pytest.fixture(scope="module")
def load_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("load-smoke")
    settings = Settings(data_dir=root / "data", embedding_backend="fake")
    corpus = prepare(settings, LISTINGS, base="sample")
    work = write(root / "workload.json", build(settings.data_dir))
    server = start_server(settings.data_dir, root / "server.log", embedding_backend="fake", timeout_s=180)
    sampler = Sampler(server.process.pid, every=1.0).start()
    try:
        before = sampler.mark()
        step = run_step(server.url, USERS, SECONDS, root / "smoke", workload=work, reset_stats=False)
        alive = server.process.poll() is None
    finally:
        samples = sampler.stop()
        server.stop()
    yield {
        "corpus": corpus,
        "step": step,
        "samples": [s for s in samples if s.t >= before],
        "alive": alive,
        "log": server.log_path.read_text(errors="replace"),
    }


def test_the_corpus_holds_the_listings_asked_for(load_run: dict[str, Any]) -> None:
    corpus = load_run["corpus"]
    assert corpus.listings == LISTINGS and corpus.base == "sample" and corpus.base_listings == 279


def test_no_request_failed_under_load(load_run: dict[str, Any]) -> None:
    step: Step = load_run["step"]
    assert step.total.requests >= 40, f"only {step.total.requests} requests in {SECONDS} s"
    assert step.total.failures == 0, f"{step.total.failures} failed: {step.failures}"
    assert load_run["alive"], "the server stopped during the load"


def test_every_kind_of_request_was_exercised(load_run: dict[str, Any]) -> None:
    step: Step = load_run["step"]
    missing = [name for name in NAMES if step.by_name.get(name) is None or step.by_name[name].requests == 0]
    assert not missing, f"never sent: {missing}; sent: { {k: v.requests for k, v in step.by_name.items()} }"


def test_memory_does_not_run_away(load_run: dict[str, Any]) -> None:
    samples = load_run["samples"]
    assert len(samples) >= SECONDS // 2, "the RSS sampler stopped early"
    start, peak = samples[0].rss_mb, max(s.rss_mb for s in samples)
    assert start > 0 and peak - start < RSS_GROWTH_LIMIT_MB, f"RSS grew {start:.0f} → {peak:.0f} MiB"


def test_no_stack_trace_in_the_server_output(load_run: dict[str, Any]) -> None:
    assert "Traceback" not in load_run["log"], load_run["log"][-3000:]
