"""The one backoff rule: doubling waits up to a cap, cut short by stop, with a deadline."""

from __future__ import annotations

import asyncio
import time

import pytest

from earnest.errors import BackendUnavailable, ConfigError
from earnest.retry import Backoff, retry


class Flaky:
    """Fails with ``error`` the first ``failures`` calls, then returns how many it took."""

    def __init__(self, failures: float, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or BackendUnavailable("down (injected)")
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return self.calls


def test_waits_double_up_to_the_cap_and_start_over_after_a_reset() -> None:
    backoff = Backoff(0.5, 5.0)
    assert [backoff.next_delay() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_retry_waits_out_outages_and_tells_of_each() -> None:
    flaky = Flaky(failures=3)
    heard: list[float] = []
    result = asyncio.run(retry(flaky, Backoff(0.001, 0.002), lambda _, d: heard.append(d)))
    assert result == 4
    assert heard == [0.001, 0.002, 0.002]


def test_any_other_failure_is_raised_at_once() -> None:
    flaky = Flaky(failures=1, error=ConfigError("wrong password (injected)"))
    with pytest.raises(ConfigError):
        asyncio.run(retry(flaky, Backoff(0.001, 0.002)))
    assert flaky.calls == 1


def test_no_window_means_the_first_outage_is_raised() -> None:
    flaky = Flaky(failures=1)
    with pytest.raises(BackendUnavailable):
        asyncio.run(retry(flaky, Backoff(0.1, 2.0, give_up_after=0.0)))
    assert flaky.calls == 1


def test_the_deadline_ends_the_tries_without_waiting_past_it() -> None:
    flaky = Flaky(failures=float("inf"))
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        asyncio.run(retry(flaky, Backoff(0.01, 0.04, give_up_after=0.2)))
    assert time.monotonic() - started < 0.2 + 0.1
    assert flaky.calls >= 4


def test_stop_cuts_the_wait_short_and_ends_the_tries() -> None:
    async def scenario() -> int:
        stop = asyncio.Event()
        flaky = Flaky(failures=float("inf"))
        task = asyncio.create_task(retry(flaky, Backoff(10.0, 10.0, stop=stop)))
        await asyncio.sleep(0.05)
        stop.set()
        with pytest.raises(BackendUnavailable):
            await asyncio.wait_for(task, 1.0)
        return flaky.calls

    assert asyncio.run(scenario()) == 2  # the first try, and one more once stopped
