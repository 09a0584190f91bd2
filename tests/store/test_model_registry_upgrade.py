"""A database from before the model registry keeps its models: the active one is live."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import psycopg

from earnest.config import Settings
from earnest.runtime import make_store
from earnest.sqlite_db import path_from_url
from earnest.store.migrations import migrations

BEFORE = "0007_model_registry"
ROWS = [("old", "old.skops", '{"held_out_roc_auc": 0.8}', 1.0, False),
        ("current", "current.skops", "{}", 2.0, True)]


def _sqlite_before_registry(url: str) -> None:
    conn = sqlite3.connect(path_from_url(url), isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    for name, sql in migrations("sqlite"):
        if name >= BEFORE:
            break
        for statement in filter(str.strip, sql.split(";")):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
    conn.executemany("INSERT INTO models VALUES (?, ?, ?, ?, ?)", ROWS)
    conn.close()


def _postgres_before_registry(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_migrations (name text PRIMARY KEY,"
                     " applied_at double precision NOT NULL)")
        for name, sql in migrations("postgres"):
            if name >= BEFORE:
                break
            conn.execute(sql)  # type: ignore[call-overload]
            conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (name, time.time()))
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO models VALUES (%s, %s, %s, %s, %s)", ROWS)


def test_the_active_model_becomes_the_live_one(settings: Settings, backend: str) -> None:
    url = settings.resolved_database_url()
    settings.home.mkdir(parents=True, exist_ok=True)
    if backend == "embedded":
        _sqlite_before_registry(url)
    else:
        _postgres_before_registry(url)

    async def scenario() -> None:
        async with make_store(url) as store:
            assert [(m.version, m.state, m.metrics, m.card) for m in await store.models()] == [
                ("current", "live", {}, None),
                ("old", "registered", {"held_out_roc_auc": 0.8}, None)]
            assert (await store.active_model()).version == "current"
            assert await store.model_artifact("current") is None

    asyncio.run(scenario())
