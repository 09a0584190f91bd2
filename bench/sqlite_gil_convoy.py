"""Why the embedded store sends a batch as one JSON document, not through executemany.

Python's sqlite3 gives up the GIL around every statement step. ``executemany`` steps
once per row, so a writer thread must win the GIL back once per row; while another
thread runs Python (the event loop parsing CSV, say), each of those waits can last
up to the interpreter's switch interval (5 ms). One ``INSERT … SELECT FROM
json_each(?)`` is one step per batch.

Inserts batches of real posts into a fresh SQLite file both ways, on a writer
thread, alone and beside a thread that spins in Python, and prints ms per 1,000 posts.

Usage: python bench/sqlite_gil_convoy.py [--posts 20000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

import msgspec

from earnest.records import Post
from earnest.sources.replay import ReplaySource
from earnest.store import sqlite as sqlite_store
from earnest.store.base import subreddit_key

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"
BATCH = 1000


def _rows(posts: list[Post]) -> list[tuple]:
    return [(p.id, p.subreddit, subreddit_key(p.subreddit), p.title, p.selftext, p.url,
             p.permalink, p.created_utc, p.score, p.num_comments, int(p.over_18),
             p.published_at) for p in posts]


def _insert_all(batches: list[list[tuple]], how: str) -> float:
    """Seconds to insert every batch, one transaction each, on this thread."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "bench.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        sqlite_store._migrate(conn)
        started = time.perf_counter()
        for rows in batches:
            conn.execute("BEGIN IMMEDIATE")
            if how == "executemany":
                conn.executemany(sqlite_store._INSERT_POSTS_ROWS, [(*r, 0.0) for r in rows])
            else:
                conn.execute(sqlite_store._INSERT_POSTS_JSON, (msgspec.json.encode(rows), 0.0))
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        conn.close()
        return elapsed


def _on_writer_thread(batches: list[list[tuple]], how: str, busy: bool) -> float:
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))

    result: list[float] = []
    spinner = threading.Thread(target=spin)
    if busy:
        spinner.start()
    writer = threading.Thread(target=lambda: result.append(_insert_all(batches, how)))
    writer.start()
    writer.join()
    stop.set()
    if busy:
        spinner.join()
    return result[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dataset", type=Path, default=DATASET.resolve())
    args = parser.parse_args()
    source = ReplaySource(args.dataset, anchor=time.time(), limit=args.posts, ordered=False)
    posts = [p for p in source.records(0) if isinstance(p, Post)]
    batches = [_rows(posts[i:i + BATCH]) for i in range(0, len(posts), BATCH)]
    print(f"{len(posts):,} real posts in batches of {BATCH:,}; ms per 1,000 posts, "
          f"median of {args.runs}")
    for busy in (False, True):
        for how in ("executemany", "json document"):
            times = [_on_writer_thread(batches, how, busy) for _ in range(args.runs)]
            per_batch = statistics.median(times) / len(posts) * BATCH * 1000
            beside = "beside a busy Python thread" if busy else "alone"
            print(f"  {how:14s} {beside:28s} {per_batch:8.1f}")


if __name__ == "__main__":
    main()
