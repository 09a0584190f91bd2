"""Latency of ``GET /subreddit/{name}?limit=500`` on PostgreSQL after a full backfill.

Creates a fresh PostgreSQL database, replays the whole dataset (247k posts) onto the
embedded log and runs every stage until idle against that database, then starts
``earnest serve`` and times consecutive requests from one client: the plan PostgreSQL
uses must stay fast however many times the statement ran and however the table grew.

Usage: python bench/bench_api_postgres.py [--calls 1000] [--subreddit Jokes] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from earnest.config import Settings
from earnest.run import ReplayOptions, start_replay
from earnest.runtime import connect
from earnest.testing import EarnestProcess, free_port, run_until_idle

REPO = Path(__file__).resolve().parents[1]
DATASET = (REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts").resolve()
SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def backfill(settings: Settings, dataset: Path, limit: int | None) -> float:
    async def replay() -> None:
        async with connect(settings) as (bus, store):
            job = await start_replay(ReplayOptions(dataset, limit=limit), bus, store, settings,
                                     asyncio.Event())
            await job

    started = time.monotonic()
    asyncio.run(replay())
    asyncio.run(run_until_idle(settings, timeout=3600))
    return time.monotonic() - started


def timed_calls(url: str, names: list[str], calls: int, limit: int) -> list[float]:
    seconds = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for i in range(calls):
            name = names[i % len(names)]
            started = time.perf_counter()
            response = client.get(f"/subreddit/{name}", params={"limit": limit})
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
            assert response.json()["posts"], name
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--subreddit", action="append", help="repeat for several (cycled)")
    parser.add_argument("--limit", type=int, default=500, help="posts per page")
    parser.add_argument("--posts", type=int, default=None, help="replay only this many")
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args()
    database = f"earnest_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    url = urlunsplit(urlsplit(SERVER)._replace(path="/" + database))
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = Settings(home=Path(home), database_url=url,
                                broker_url=f"sqlite:///{home}/log.db")
            took = backfill(settings, args.dataset, args.posts)
            with psycopg.connect(url) as conn:
                posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
            print(f"backfill: {posts:,} posts stored and scored in {took:.0f} s", flush=True)
            port = free_port()
            env = {"EARNEST_HOME": home, "EARNEST_DATABASE_URL": url,
                   "EARNEST_BROKER_URL": settings.resolved_broker_url(),
                   "EARNEST_LOG_LEVEL": "WARNING"}
            with EarnestProcess(["serve", "--port", str(port)], env, port) as api:
                api.wait_for_api(60)
                names = args.subreddit or ["Jokes"]
                seconds = timed_calls(api.url, names, args.calls, args.limit)
                api.stop()
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {database} WITH (FORCE)")
    q = statistics.quantiles(seconds, n=100)
    first = seconds[:10]
    print(f"{args.calls} calls of /subreddit/{{{','.join(names)}}}?limit={args.limit}: "
          f"p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"max {max(seconds) * 1000:.1f} ms; first 10 calls: "
          + ", ".join(f"{s * 1000:.0f}" for s in first) + " ms")


if __name__ == "__main__":
    main()
