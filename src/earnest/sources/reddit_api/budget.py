"""Reddit's request budget, as its responses announce it, and when the next request may go.

Every API response carries ``X-Ratelimit-Used``, ``X-Ratelimit-Remaining`` (sometimes
written ``599.0``) and ``X-Ratelimit-Reset`` (whole seconds until the window ends).
:class:`Budget` keeps the latest of them and spreads the remaining requests evenly over
what is left of the window, so a poller that wants more than the budget slows down
instead of hitting a 429. Requests sent since the last announcement count against it
too. The reset is rounded to whole seconds, so the window is taken to end a second
later than announced, and no request goes before that while nothing remains.

A 429 holds every request: until its ``Retry-After`` expires, or, without one, until
the window resets (the announced reset, or a whole window when none was announced).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: Reddit's window; used until a response announces its own.
DEFAULT_WINDOW = 600.0
#: The free tier's 100 requests a minute; used until a response announces the budget.
DEFAULT_LIMIT = 1000
#: The reset header's resolution: a window is taken to end this much after it says.
RESET_MARGIN = 1.0


@dataclass(frozen=True)
class RateLimit:
    """One response's announcement: requests used and remaining, seconds to the reset."""

    used: float
    remaining: float
    reset: float

    @property
    def limit(self) -> float:
        return self.used + self.remaining


def rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """The announcement in ``headers`` (any case), or None when it is absent or garbled."""
    values = {k.lower(): v for k, v in headers.items()}
    try:
        used, remaining, reset = (float(values[f"x-ratelimit-{name}"])
                                  for name in ("used", "remaining", "reset"))
    except (KeyError, ValueError):
        return None
    if not all(math.isfinite(v) and v >= 0 for v in (used, remaining, reset)):
        return None
    return RateLimit(used, remaining, reset)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds ``Retry-After`` asks to wait (the seconds form Reddit sends), or None."""
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                seconds = float(value)
            except ValueError:
                return None
            return max(seconds, 0.0) if math.isfinite(seconds) else None
    return None


class Budget:
    """The requests left in the current window, and the earliest time the next may go.

    Times are ``clock()`` readings (monotonic seconds). Call :meth:`sent` as a request
    leaves, :meth:`update` with each response's headers, :meth:`hold` on a 429.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.limit = float(DEFAULT_LIMIT)
        self.window = DEFAULT_WINDOW
        self.remaining: float | None = None  # unknown until a response says
        self.window_ends = 0.0
        self.unannounced = 0  # requests sent since the last announcement
        self.last_sent: float | None = None
        self.held_until = 0.0

    def update(self, headers: Mapping[str, str]) -> RateLimit | None:
        """Take the announcement of a response, if it has one."""
        announced = rate_limit(headers)
        if announced is None:
            return None
        now = self.clock()
        self.limit = max(announced.limit, 1.0)
        # The window's length is the longest reset ever announced (it counts down).
        self.window = max(announced.reset, self.window if self.remaining is not None else 0,
                          1.0)
        self.remaining = announced.remaining
        self.window_ends = now + announced.reset + RESET_MARGIN
        self.unannounced = 0
        return announced

    def sent(self) -> None:
        self.last_sent = self.clock()
        self.unannounced += 1

    def hold(self, seconds: float | None) -> float:
        """No request for ``seconds`` (a 429's Retry-After), or, when None, until the window
        resets; returns the seconds held."""
        now = self.clock()
        if seconds is None:
            seconds = self.window_ends - now if self.window_ends > now else self.window
        self.held_until = max(self.held_until, now + seconds)
        return seconds

    def left(self) -> float:
        """Requests that may still go in this window (the default budget until announced)."""
        if self.remaining is None or self.clock() >= self.window_ends:
            return self.limit - self.unannounced
        return self.remaining - self.unannounced

    def delay(self) -> float:
        """Seconds to wait before the next request: held, nothing left, or spreading the rest."""
        now = self.clock()
        if now >= self.window_ends and self.remaining is not None:
            # A new window: the old announcement no longer holds; its count starts over.
            self.remaining = None
            self.unannounced = 0
        waits = [self.held_until - now]
        left = self.left()
        if left < 1 and self.remaining is not None:
            waits.append(self.window_ends - now)
        elif left < 1:
            waits.append(self.window / self.limit)  # no announcement to go by: the mean pace
        elif self.last_sent is not None and self.remaining is not None:
            spread = (self.window_ends - now) / left
            waits.append(self.last_sent + spread - now)
        return max(0.0, *waits)

    def rate(self) -> float:
        """Requests a second the budget allows on average."""
        return self.limit / self.window
