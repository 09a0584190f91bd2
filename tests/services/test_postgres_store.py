"""What PostgreSQL needs beyond the store contract: migrations under concurrency, NUL text."""

from __future__ import annotations

import asyncio

from earnest.records import Post, Score
from earnest.store.postgres import PostgresStore


def test_replicas_starting_together_migrate_once(postgres_url: str) -> None:
    async def scenario() -> list[tuple]:
        stores = [PostgresStore(postgres_url) for _ in range(4)]
        await asyncio.gather(*(s.start() for s in stores))
        rows = await stores[0]._fetch("SELECT name FROM schema_migrations")
        for s in stores:
            await s.close()
        return rows

    assert asyncio.run(scenario()) == [("0001_initial",)]


def test_text_with_nul_characters_is_stored_without_them(postgres_url: str) -> None:
    post = Post(id="p\x001", subreddit="Ask\x00Science", title="a\x00b", created_utc=1.4e9,
                selftext="\x00")

    async def scenario() -> None:
        async with PostgresStore(postgres_url) as store:
            assert await store.add_posts([post]) == 1
            score = Score(post_id=post.id, model_version="v", seriousness=0.5,
                          subreddit=post.subreddit, created_utc=post.created_utc)
            assert await store.add_scores([score]) == 1
            (row,) = await store._fetch("SELECT id, subreddit_key, title, selftext FROM posts")
            assert row == ("p1", "askscience", "ab", "")
            assert (await store.subreddit("v", "askscience")).posts == 1

    asyncio.run(scenario())
