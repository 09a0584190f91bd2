"""Fixtures of the API tests: a real store holding posts and scores, behind the app.

``api`` runs a scenario against the app in-process (httpx's ASGI transport); ``served_api``
serves the app with uvicorn on a free port, as ``earnest serve`` does. Times are taken per
test, in whole seconds, so that a test can name a post's exact time in a cursor.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from earnest.api.app import create_app
from earnest.config import Settings
from earnest.records import Post, Score
from earnest.runtime import connect
from earnest.store.base import ModelInfo, Store
from earnest.testing import free_port

HOUR = 3600
ASKSCIENCE_POSTS = 30  # a0 (newest) to a29, 3 hours apart
SCORED = 25  # a0 to a24 are scored; a25 to a29 wait for their scores


def sample_posts(now: int) -> list[Post]:
    """AskScience's posts, newest first, then one post each in Jokes and reddit.com."""
    posts = [Post(id=f"a{i}", subreddit="AskScience", title=f"Why {i}?",
                  created_utc=now - i * 3 * HOUR, permalink=f"https://r/{i}")
             for i in range(ASKSCIENCE_POSTS)]
    posts.append(Post(id="j1", subreddit="Jokes", title="A joke", created_utc=now))
    posts.append(Post(id="r1", subreddit="reddit.com", title="The old front page",
                      created_utc=now - HOUR))
    return posts


async def fill(store: Store, now: int) -> None:
    """Model ``v1`` active; AskScience's posts scored 0.9 but the last five, the others 0.1."""
    await store.register_model(ModelInfo("v1", "m.skops", {}, now), activate=True)
    posts = sample_posts(now)
    await store.add_posts(posts)
    await store.add_scores([
        Score(post_id=p.id, model_version="v1", seriousness=0.9 if p.id[0] == "a" else 0.1,
              subreddit=p.subreddit, created_utc=p.created_utc)
        for p in posts[:SCORED] + posts[ASKSCIENCE_POSTS:]
    ])


Scenario = Callable[[httpx.AsyncClient, int], Awaitable[Any]]


@pytest.fixture
def api(settings: Settings) -> Callable[..., Any]:
    """``api(scenario)`` awaits ``scenario(client, now)`` against the app over a filled store.

    ``api(scenario, break_store=f)`` calls ``f(store)`` first, to inject a failure; the
    app's answer to an exception is then a response, not the exception raised in the test.
    ``api(scenario, prepare=g)`` awaits ``g(store, now)`` after filling the store, to write
    more through it; ``api(scenario, with_store=True)`` awaits ``scenario(client, now,
    store)``, to write while the app serves.
    """

    def run(scenario: Callable[..., Awaitable[Any]],
            break_store: Callable[[Store], None] | None = None,
            prepare: Callable[[Store, int], Awaitable[None]] | None = None,
            with_store: bool = False) -> Any:
        async def go() -> Any:
            now = int(time.time())
            async with connect(settings) as (bus, store):
                await fill(store, now)
                if prepare is not None:
                    await prepare(store, now)
                if break_store is not None:
                    break_store(store)
                transport = httpx.ASGITransport(app=create_app(store, bus),
                                                raise_app_exceptions=break_store is None)
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                    if with_store:
                        return await scenario(client, now, store)
                    return await scenario(client, now)

        return asyncio.run(go())

    return run


@pytest.fixture
def served_api(settings: Settings) -> Iterator[str]:
    """The base URL of the app over a filled store, served by uvicorn in a thread of its own."""
    port = free_port()
    servers: list[uvicorn.Server] = []
    failures: list[BaseException] = []

    async def serve() -> None:
        async with connect(settings) as (bus, store):
            await fill(store, int(time.time()))
            config = uvicorn.Config(create_app(store, bus), port=port, log_level="warning",
                                    lifespan="off", timeout_graceful_shutdown=1)
            servers.append(uvicorn.Server(config))
            await servers[0].serve()

    def main() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # raised again by the fixture, not lost in the thread
            failures.append(exc)

    thread = threading.Thread(target=main, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not (servers and servers[0].started) and thread.is_alive():
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if not (servers and servers[0].started):
        raise RuntimeError(f"the API did not start: {failures or 'timed out'}")
    yield f"http://127.0.0.1:{port}"
    servers[0].should_exit = True
    thread.join(30)
    if failures:
        raise failures[0]
