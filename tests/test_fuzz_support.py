"""Shared by the fuzz and property tests: how long and how hard they run, and a guard against hangs.

Two knobs, both read from the environment (nothing to set in CI):

- `FUZZ_SECONDS=N`: each fuzz run (file readers, safety normaliser) keeps drawing fresh random
  inputs for N seconds instead of its fixed, derandomised CI set. `FUZZ_SECONDS=600 pytest
  tests/test_fuzz_readers.py` is a ten-minute-per-target local run.
- `FUZZ_SCALE=K`: multiplies the example counts of the property tests and the API fuzz (default 1).

In CI every run is derandomised, so a failure reproduces on the next run, and bounded by its example
count; each example also runs under `hang_guard`, so a hang fails the test instead of the CI job.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "0") or 0)
FUZZ_SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1") or 1))
SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def examples(n: int) -> int:
    """`n` examples, times FUZZ_SCALE."""
    return n * FUZZ_SCALE


def property_settings(n: int, **overrides: Any) -> settings:
    """Derandomised settings for a property test: `n` examples (times FUZZ_SCALE), no deadline
    (a loaded CI machine is not a bug), no example database (nothing written into the repo)."""
    options: dict[str, Any] = {
        "max_examples": examples(n),
        "derandomize": True,
        "deadline": None,
        "database": None,
        "suppress_health_check": SLOW_OK,
    }
    return settings(**(options | overrides))


def run_fuzz(strategy: st.SearchStrategy[Any], body: Callable[[Any], None], n: int) -> int:
    """Run `body` over inputs drawn from `strategy`: in CI one derandomised run of `n` examples,
    with FUZZ_SECONDS set fresh random runs of `n` until that many seconds have passed.
    Returns the number of runs made."""
    stop = time.monotonic() + FUZZ_SECONDS
    runs = 0
    while True:
        test = settings(
            max_examples=examples(n),
            derandomize=FUZZ_SECONDS <= 0,
            deadline=None,
            database=None,
            suppress_health_check=SLOW_OK,
        )(given(strategy)(body))
        test()
        runs += 1
        if time.monotonic() >= stop:
            return runs


class Hang(AssertionError):
    """An input took longer than the guard allows: a hang (or a pathological slowdown)."""


@contextmanager
def hang_guard(seconds: float, what: str = "input") -> Iterator[None]:
    """Fail with `Hang` if the block runs longer than `seconds` (SIGALRM: main thread, POSIX only;
    elsewhere the block simply runs)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"{what} took over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
