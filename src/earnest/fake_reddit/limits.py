"""Reddit's rate limit: a budget of requests per OAuth client per window.

Reddit announces the budget on every response to an authenticated request:
``X-Ratelimit-Used`` (requests in this window, a whole number), ``X-Ratelimit-Remaining``
(what is left, written as a float by the API: ``"997.0"``) and ``X-Ratelimit-Reset`` (whole
seconds until the window ends). A request over the budget is answered 429. Here a
window starts at a client's first request and a new one at its first request after
the end, so a test's timing does not depend on the wall clock's alignment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """The budget as announced on one response, and whether that request was over it."""

    used: int
    remaining: int
    reset: int
    over: bool

    def headers(self, whole: bool = False) -> dict[str, str]:
        """The three headers; ``whole`` writes what remains without the ``.0``, as
        Reddit's token endpoint does."""
        remaining = str(self.remaining) if whole else f"{float(self.remaining):.1f}"
        return {"x-ratelimit-used": str(self.used),
                "x-ratelimit-remaining": remaining,
                "x-ratelimit-reset": str(self.reset)}


class RateLimits:
    """Counts each client's requests in its current window."""

    def __init__(self, requests_per_window: int, window: float) -> None:
        self.requests_per_window = requests_per_window
        self.window = window
        self._windows: dict[str, tuple[float, int]] = {}  # client id -> (start, used)

    def count(self, client_id: str, now: float) -> Budget:
        """Count one request by ``client_id`` at ``now``; over the budget it is not served."""
        start, used = self._windows.get(client_id, (now, 0))
        if now >= start + self.window:
            start, used = now, 0
        used += 1
        self._windows[client_id] = (start, used)
        reset = max(0, math.ceil(start + self.window - now))
        return Budget(used=used, remaining=max(0, self.requests_per_window - used),
                      reset=reset, over=used > self.requests_per_window)

    def seconds_left(self, client_id: str, now: float) -> float:
        """Seconds until ``client_id``'s window ends (0 when it has none open)."""
        start, _ = self._windows.get(client_id, (now, 0))
        return max(0.0, start + self.window - now)
