"""The client against a fake Reddit: tokens, 401s, 429s, 5xx bursts and the budget, each
checked in the fake's ledger of what it was sent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest
from pydantic import SecretStr

from earnest.errors import AuthenticationFailed, SourceRefused
from earnest.fake_reddit import FakeReddit, FakeRedditConfig
from earnest.sources.reddit_api.auth import Credentials
from earnest.sources.reddit_api.client import Endpoints, RedditClient

LISTING = "/r/science+funny/new"
Starter = Callable[..., FakeReddit]


def login(reddit: FakeReddit) -> tuple[Credentials, Endpoints]:
    (client_id, secret), = reddit.config.clients.items()
    credentials = Credentials(client_id, SecretStr(secret), "python:earnest-tests:1 (by tests)")
    return credentials, Endpoints(reddit.url, reddit.url + "/api/v1/access_token")


@pytest.fixture
def start() -> Iterator[Starter]:
    """Starts a fake Reddit with the config changes given; stops it after the test."""
    started: list[FakeReddit] = []

    def start(**changes: object) -> FakeReddit:
        config = FakeRedditConfig(subreddits={"science": 1, "funny": 2}, rate=5.0,
                                  **changes)  # type: ignore[arg-type]
        started.append(FakeReddit(config).start())
        return started[-1]

    yield start
    for fake in started:
        fake.close()


async def fetch(reddit: FakeReddit, count: int, pause: float = 0.0) -> RedditClient:
    credentials, endpoints = login(reddit)
    async with RedditClient(credentials, endpoints, asyncio.Event()) as client:
        for _ in range(count):
            listing = await client.get(LISTING, {"limit": 100})
            assert listing["kind"] == "Listing"
            await asyncio.sleep(pause)
    return client


def api_requests(reddit: FakeReddit) -> list:
    return [r for r in reddit.ledger.requests if r.path == LISTING]


def test_a_token_is_replaced_before_it_expires_once_per_expiry(start: Starter) -> None:
    reddit = start(token_lifetime=2, window=60)
    started = time.monotonic()
    asyncio.run(fetch(reddit, 16, pause=0.25))
    elapsed = time.monotonic() - started
    assert all(r.status == 200 for r in api_requests(reddit))  # never sent an expired one
    # Replaced at 90 % of its life, when the next request needs it: one grant to start,
    # at most one per 1.8 s after.
    assert 2 <= reddit.ledger.token_grants <= 1 + int(elapsed / 1.8)


def test_a_revoked_token_is_replaced_once(start: Starter) -> None:
    reddit = start()
    async def run() -> None:
        credentials, endpoints = login(reddit)
        async with RedditClient(credentials, endpoints, asyncio.Event()) as client:
            await client.get(LISTING, {"limit": 5})
            reddit.revoke_tokens()
            await client.get(LISTING, {"limit": 5})

    asyncio.run(run())
    assert [r.status for r in api_requests(reddit)] == [200, 401, 200]
    assert reddit.ledger.token_grants == 2


def test_a_second_401_in_a_row_stops_with_what_to_check(start: Starter) -> None:
    reddit = start(token_lifetime=0.001)
    with pytest.raises(AuthenticationFailed, match="EARNEST_REDDIT_CLIENT_ID") as failed:
        asyncio.run(fetch(reddit, 1))
    assert "earnest-secret" not in str(failed.value)
    assert [r.status for r in api_requests(reddit)] == [401, 401]


def test_wrong_credentials_say_so(start: Starter) -> None:
    reddit = start()
    credentials, endpoints = login(reddit)
    wrong = Credentials(credentials.client_id, SecretStr("not-it"), credentials.user_agent)

    async def run() -> None:
        async with RedditClient(wrong, endpoints, asyncio.Event()) as client:
            await client.get(LISTING, {})

    with pytest.raises(AuthenticationFailed, match="EARNEST_REDDIT_CLIENT_SECRET") as failed:
        asyncio.run(run())
    assert "not-it" not in str(failed.value)


@pytest.mark.parametrize("retry_after", [2, None])
def test_a_429_is_waited_out(start: Starter, retry_after: int | None) -> None:
    reddit = start(window=3)
    """With Retry-After, until it expires; without, until the window resets."""
    asyncio.run(fetch(reddit, 1))
    reddit.storm(requests=1, retry_after=retry_after)
    asyncio.run(fetch(reddit, 1))
    first, storm, after = api_requests(reddit)
    assert (first.status, storm.status, after.status) == (200, 429, 200)
    assert reddit.ledger.during_retry_after() == []
    assert after.time - storm.time >= (retry_after or 3 - (storm.time - first.time))


def test_a_5xx_burst_is_retried(start: Starter) -> None:
    reddit = start()
    reddit.server_errors(requests=1, status=503)
    reddit.server_errors(requests=1, status=522, cloudflare=True)
    asyncio.run(fetch(reddit, 1))
    assert [r.status for r in api_requests(reddit)] == [503, 522, 200]
    gaps = [b.time - a.time for a, b in zip(api_requests(reddit), api_requests(reddit)[1:],
                                                strict=False)]
    assert gaps[0] >= 0.5 and gaps[1] >= 1.0  # backoff: 1 s then 2 s, less up to half jitter


def test_never_over_the_announced_budget(start: Starter) -> None:
    reddit = start(requests_per_window=8, window=2)
    asyncio.run(fetch(reddit, 20))
    requests = reddit.ledger.requests
    assert len(api_requests(reddit)) == 20
    assert reddit.ledger.over_budget() == []
    assert all(r.status == 200 for r in requests)


def test_a_missing_subreddit_says_so(start: Starter) -> None:
    reddit = start()
    async def run() -> None:
        credentials, endpoints = login(reddit)
        async with RedditClient(credentials, endpoints, asyncio.Event()) as client:
            await client.get("/r/nosuchplace/new", {})

    with pytest.raises(SourceRefused, match="does not exist"):
        asyncio.run(run())


def test_stop_ends_a_wait(start: Starter) -> None:
    reddit = start()
    async def run() -> object:
        credentials, endpoints = login(reddit)
        stop = asyncio.Event()
        async with RedditClient(credentials, endpoints, stop) as client:
            reddit.storm(requests=1, retry_after=60)
            asyncio.get_running_loop().call_later(0.5, stop.set)
            return await client.get(LISTING, {})

    started = time.monotonic()
    assert asyncio.run(run()) is None
    assert time.monotonic() - started < 5
