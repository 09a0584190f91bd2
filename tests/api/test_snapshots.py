"""Snapshots over a real store: one build per data version however many ask at once, a
rebuild once the data or the epoch changes, and no failure kept."""

from __future__ import annotations

import asyncio

import pytest

from earnest.api.snapshots import Snapshots
from earnest.records import Post
from earnest.runtime import make_store


def run(settings, scenario):
    async def go():
        async with make_store(settings.resolved_database_url()) as store:
            snapshots = Snapshots(store, poll_every=0.02)
            try:
                return await scenario(store, snapshots)
            finally:
                await snapshots.close()

    return asyncio.run(go())


def test_concurrent_requests_share_one_build_per_version(settings) -> None:
    async def scenario(store, snapshots):
        builds = []

        async def build():
            builds.append(None)
            await asyncio.sleep(0.05)
            return len(builds)

        answers = await asyncio.gather(*(snapshots.get("k", None, build) for _ in range(50)))
        assert answers == [1] * 50 and len(builds) == 1
        assert await snapshots.get("k", None, build) == 1
        await store.add_posts([Post(id="p1", subreddit="Jokes", title="t", created_utc=1.0)])
        assert await snapshots.get("k", None, build) == 2
        assert await snapshots.get("k", "next hour", build) == 3
        assert await snapshots.get("k", "next hour", build) == 3

    run(settings, scenario)


def test_a_write_of_another_store_object_shows_once_polled(settings) -> None:
    async def scenario(store, snapshots):
        async def count():
            return (await store.counts()).posts

        assert await snapshots.get("posts", None, count) == 0
        async with make_store(settings.resolved_database_url()) as other:
            await other.add_posts([Post(id="p1", subreddit="Jokes", title="t", created_utc=1.0)])
        for _ in range(50):
            if await snapshots.get("posts", None, count) == 1:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the other store's write did not show within 0.5 s")

    run(settings, scenario)


def test_a_failed_build_is_not_kept(settings) -> None:
    async def scenario(store, snapshots):
        calls = []

        async def flaky():
            calls.append(None)
            if len(calls) == 1:
                raise RuntimeError("the first build fails")
            return "built"

        with pytest.raises(RuntimeError):
            await snapshots.get("k", None, flaky)
        assert await snapshots.get("k", None, flaky) == "built"

    run(settings, scenario)
