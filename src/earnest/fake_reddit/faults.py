"""Failures a test switches on: a storm of 429s, a burst of 5xx answers.

A fault lasts for a number of requests, a number of seconds, or both (whichever runs
out last). While one runs, it answers every API request in place of the real answer;
the token endpoint is spared, as Reddit's edge answers it separately.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    """What answers the requests while the fault runs."""

    kind: str  # "429" or "5xx"
    status: int
    retry_after: int | None = None  # seconds, for a 429 storm that says when to come back
    cloudflare: bool = False  # a 5xx written as Cloudflare's HTML error page
    requests: int = 0
    until: float = 0.0


class Faults:
    """The faults scheduled now, the oldest first."""

    def __init__(self) -> None:
        self._queue: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._queue.append(fault)

    def take(self, now: float) -> Fault | None:
        """The fault that answers a request arriving at ``now``, counting it off."""
        while self._queue:
            fault = self._queue[0]
            if fault.requests > 0:
                fault.requests -= 1
                return fault
            if now < fault.until:
                return fault
            self._queue.pop(0)
        return None

    def clear(self) -> None:
        self._queue.clear()
