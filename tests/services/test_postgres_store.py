"""What PostgreSQL needs beyond the store contract: migrations under concurrency, NUL text,
restarts, and plans that see their parameters."""

from __future__ import annotations

import asyncio

from tests.services.conftest import RESTART_POSTGRES, Services

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
