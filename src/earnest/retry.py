"""Waiting between tries: the one backoff rule of every loop that retries.

A :class:`Backoff` hands out waits that start at ``first`` seconds and double up to
``cap`` (with ``jitter``, each is drawn at random from its last ``jitter`` share, so that
clients that failed together do not come back together); :meth:`Backoff.reset` after a
success starts them over. A ``stop`` event cuts a wait short and ends the tries;
``give_up_after`` ends them once the next wait would end later than that many seconds
after the backoff was made (or last reset).
:func:`retry` calls a function until it succeeds, waiting out the backoff after each
``BackendUnavailable``, the one failure that waiting can cure.

The loops that use it, and their numbers:

==========================================  =====  ====  ==================================
loop                                        first  cap   gives up
==========================================  =====  ====  ==================================
a stage's batches (``pipeline/stage.py``)   0.1 s  10 s  never: only when the stage stops
ingest's writes (``pipeline/ingest.py``)    0.1 s  10 s  never: only when ingest stops
RabbitMQ reconnects (``bus/rabbitmq.py``)   0.5 s  5 s   after 30 s, at once before a start
PostgreSQL connects (``store/postgres.py``) 0.1 s  2 s   after 15 s, at once before a start
Reddit API requests (``reddit_api/client``) 1 s    60 s  never: only when following stops
==========================================  =====  ====  ==================================
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from earnest.errors import BackendUnavailable

T = TypeVar("T")


class Backoff:
    """Exponential waits between the tries of one thing, cut short by ``stop``."""

    def __init__(self, first: float, cap: float, *, stop: asyncio.Event | None = None,
                 give_up_after: float = math.inf, jitter: float = 0.0) -> None:
        self.first = first
        self.cap = cap
        self.jitter = jitter
        self.stop = stop
        self.give_up_after = give_up_after
        self.reset()

    def reset(self) -> None:
        """After a success: the next wait is ``first`` again, and the deadline starts now."""
        self._delay = self.first
        self._give_up_at = time.monotonic() + self.give_up_after

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def next_delay(self) -> float:
        """The wait before the next try; each call doubles the following one, up to ``cap``."""
        delay = self._delay
        self._delay = min(delay * 2, self.cap)
        if self.jitter:
            delay *= 1 - self.jitter * random.random()  # noqa: S311 - not a secret
        return delay

    def gives_up(self, delay: float) -> bool:
        """Whether to stop trying rather than wait ``delay``: stopped, or past the deadline."""
        return self.stopped or time.monotonic() + delay > self._give_up_at

    async def sleep(self, delay: float) -> None:
        """Wait ``delay`` seconds, or less if ``stop`` is set meanwhile."""
        if self.stop is None:
            await asyncio.sleep(delay)
            return
        try:
            await asyncio.wait_for(self.stop.wait(), delay)
        except TimeoutError:
            pass

    async def wait(self) -> None:
        """Wait the next delay (for loops that decide themselves when to give up)."""
        await self.sleep(self.next_delay())


async def retry(
    attempt: Callable[[], Awaitable[T]],
    backoff: Backoff,
    on_retry: Callable[[BackendUnavailable, float], None] | None = None,
) -> T:
    """``await attempt()`` until it succeeds, waiting out ``backoff`` after each outage.

    An outage is a ``BackendUnavailable``; ``on_retry(error, delay)`` hears of each one
    that will be tried again. When ``backoff`` gives up (stopped, or past its deadline)
    the last outage is raised; any other exception is raised at once.
    """
    while True:
        try:
            return await attempt()
        except BackendUnavailable as exc:
            delay = backoff.next_delay()
            if backoff.gives_up(delay):
                raise
            if on_retry is not None:
                on_retry(exc, delay)
            await backoff.sleep(delay)
