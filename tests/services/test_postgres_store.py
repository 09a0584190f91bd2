"""What PostgreSQL needs beyond the store contract: migrations under concurrency, restarts,
plans that see their parameters, and concurrent writers."""

from __future__ import annotations

import asyncio
import time

import psycopg
from tests.services.conftest import RESTART_POSTGRES, Services

from earnest.records import Post, Score
from earnest.runtime import make_store
from earnest.store.migrations import migrations
from earnest.store.postgres import PostgresStore


def test_replicas_starting_together_migrate_once(postgres_url: str) -> None:
    async def scenario() -> list[tuple]:
        stores = [PostgresStore(postgres_url) for _ in range(4)]
        await asyncio.gather(*(s.start() for s in stores))
        rows = await stores[0]._fetch("SELECT name FROM schema_migrations")
        for s in stores:
            await s.close()
        return rows

    assert asyncio.run(scenario()) == [(name,) for name, _ in migrations("postgres")]


def test_a_read_after_a_postgres_restart_succeeds(postgres_url: str) -> None:
    """Pooled connections die with the server; the first reads after it returns retry."""
    async def scenario() -> None:
        async with PostgresStore(postgres_url) as store:
            # Three pooled connections, all of which the restart kills.
            await asyncio.gather(store.counts(), store.counts(), store.counts())
            await asyncio.to_thread(Services.restart, RESTART_POSTGRES)
            counts, differences, view = await asyncio.gather(
                store.counts(), store.verify(), store.subreddit_view("v", "jokes", 10, None, 0))
            assert (counts.posts, differences, view) == (0, [], None)

    asyncio.run(scenario())


def test_statements_are_prepared_but_planned_with_their_parameters(postgres_url: str) -> None:
    # A generic plan, blind to the parameters, made one page of posts 40 times slower.
    url = postgres_url + "?options=-c%20work_mem%3D7MB"  # the URL's own options are kept

    async def scenario() -> list[tuple]:
        async with PostgresStore(url, connections=1) as store:
            sql = ("SELECT current_setting('plan_cache_mode'), current_setting('work_mem'),"
                   " (SELECT count(*) FROM pg_prepared_statements)")
            for _ in range(6):  # psycopg prepares a statement on its 6th execution
                rows = await store._fetch(sql)
            return rows

    assert asyncio.run(scenario()) == [("force_custom_plan", "7MB", 1)]


def test_a_post_stored_while_waiting_scores_are_claimed_keeps_its_score(postgres_url: str
                                                                        ) -> None:
    """Claiming waiting scores takes exactly the rows it read: a post committed by another
    transaction between the claim's statements leaves its score waiting, not lost."""
    from earnest.records import fingerprint
    from earnest.store import score_writes

    def score(p: Post) -> Score:
        return Score(post_id=p.id, model_version="v1", seriousness=0.5, subreddit=p.subreddit,
                     created_utc=p.created_utc, post_hash=fingerprint(p))

    early = Post(id="early", subreddit="AskScience", title="t", created_utc=1.7e9)
    late = Post(id="late", subreddit="AskScience", title="u", created_utc=1.7e9 + 1)

    async def scenario() -> None:
        async with make_store(postgres_url) as store:
            await store.add_scores([score(early), score(late)])  # both wait for their post
            await store.add_posts([early])
            async with await psycopg.AsyncConnection.connect(postgres_url) as conn:
                async with conn.transaction():
                    path = score_writes.drive(score_writes.POSTGRES, [], None, time.time())
                    value = None
                    try:
                        while True:
                            step, params = path.send(value)
                            if step.sql.startswith("DELETE FROM pending_scores"):
                                await store.add_posts([late])  # committed in between
                            cur = await conn.execute(step.sql, params)
                            value = ((await cur.fetchone() or [0])[0] if step.probe
                                     else cur.rowcount)
                    except StopIteration as done:
                        assert done.value.new == 1
            assert (await store.add_scores([])).new == 1
            counts = await store.counts()
            assert (counts.scores, counts.waiting_scores, counts.dead_letters) == (2, 0, 0)
            assert await store.verify() == []

    asyncio.run(scenario())
