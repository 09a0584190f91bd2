"""The rate-limit headers of every recorded Reddit response, and the budget's arithmetic:
under any demand, no request goes over what the server announced."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from earnest.sources.reddit_api.budget import RESET_MARGIN, Budget, rate_limit, retry_after

RECORDINGS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "reddit-api"


def recorded_responses() -> list[tuple[str, dict[str, str], int]]:
    """(file, headers with their first value, status) of every recorded response."""
    found = []
    for path in sorted(RECORDINGS.rglob("*.json")):
        if path.name.startswith("LICENSE"):
            continue
        for interaction in json.loads(path.read_text())["interactions"]:
            response = interaction["response"]
            headers = {k: v[0] if isinstance(v, list) else v
                       for k, v in response["headers"].items()}
            found.append((path.name, headers, response["status"]["code"]))
    return found


def test_every_recorded_announcement_is_read() -> None:
    responses = recorded_responses()
    assert len(responses) > 100
    announced = 0
    for name, headers, _ in responses:
        keys = {k.lower() for k in headers}
        parsed = rate_limit(headers)
        if {"x-ratelimit-used", "x-ratelimit-remaining", "x-ratelimit-reset"} <= keys:
            announced += 1
            assert parsed is not None, name
            assert parsed.remaining == float(headers["x-ratelimit-remaining"])
            assert parsed.limit in (300, 600, 1000), (name, parsed)  # "599.0" + "1"
        else:
            assert parsed is None, name
    assert announced > 40


def test_retry_after_as_recorded() -> None:
    by_name = {}
    for name, headers, status in recorded_responses():
        if status == 429:
            by_name[name] = retry_after(headers)
    assert by_name["TestSession.test_request__too__many_requests__with_retry_headers.json"] == 4
    assert by_name["TestSession.test_request__too__many_requests__without_retry_headers.json"] \
        is None
    assert retry_after({"Retry-After": "soon"}) is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def announce(used: int, remaining: int, reset: float) -> dict[str, str]:
    return {"X-Ratelimit-Used": str(used), "X-Ratelimit-Remaining": f"{remaining:.1f}",
            "X-Ratelimit-Reset": str(math.ceil(reset))}


def test_the_rest_of_a_window_is_spread_and_a_spent_one_waited_out() -> None:
    clock = Clock()
    budget = Budget(clock)
    assert budget.delay() == 0  # nothing announced yet: the first request goes
    budget.sent()
    budget.update(announce(990, 10, 100))
    assert budget.delay() == pytest.approx((100 + RESET_MARGIN) / 10)
    budget.update(announce(1000, 0, 40))
    assert budget.delay() == pytest.approx(40 + RESET_MARGIN)
    clock.now += 41 + RESET_MARGIN
    assert budget.delay() == 0  # a new window


def test_holds_after_a_429() -> None:
    clock = Clock()
    budget = Budget(clock)
    budget.update(announce(5, 95, 300))
    assert budget.hold(4) == 4
    assert budget.delay() >= 4
    clock.now += 4
    budget.hold(None)  # no Retry-After: until the announced reset
    assert budget.delay() == pytest.approx(300 - 4 + RESET_MARGIN)


@pytest.mark.parametrize(("limit", "window"), [(10, 3.0), (100, 60.0), (1000, 600.0)])
def test_never_over_the_announced_budget(limit: int, window: float) -> None:
    """A server counting as Reddit does (a window from a client's first request) and a
    client that sends whenever the budget lets it: no request is ever over."""
    clock = Clock()
    budget = Budget(clock)
    start, used, sent = None, 0, 0
    while clock.now < 1000 + 5 * window:
        wait = budget.delay()
        if wait > 0:
            clock.now += wait
            continue
        budget.sent()
        if start is None or clock.now >= start + window:
            start, used = clock.now, 0
        used += 1
        assert used <= limit, f"request {sent} over the budget"
        sent += 1
        clock.now += 0.01  # the answer's round trip
        budget.update(announce(used, limit - used, start + window - clock.now))
    # and it does not starve: over half the budget, though whole-second resets and the
    # margin after them cost a window of a few seconds much of its length
    assert sent >= (0.5 if window < 10 else 0.9) * limit * 5
