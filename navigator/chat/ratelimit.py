"""Messages per client: a token bucket per client address, in this process's memory.

Each client may send `per_minute` messages in a burst, refilled evenly over a minute. The table is
bounded (oldest clients forgotten first), so a flood of addresses cannot grow memory without end.
Per replica, by design: a shared limit would need a shared store on every message, and the point
here is to stop one client swamping a server, which a per-server limit does.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_CLIENTS = 50_000


class RateLimiter:
    def __init__(
        self, per_minute: int, *, max_clients: int = MAX_CLIENTS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = float(max(1, per_minute))
        self.rate = self.capacity / 60.0  # tokens per second
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, when)
        self._lock = threading.Lock()

    def check(self, key: str) -> int:
        """Take one message from this client's allowance: 0 if allowed, else whole seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - when) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0
            else:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / self.rate))
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait
