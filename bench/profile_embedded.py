"""Where the embedded runtime spends its time: CPU per thread, writer time per write.

Runs ``earnest up``'s pipeline in this process (all stages, the API, a backfill of N
real posts), and reports, between the first post published and the last one
aggregated:

- posts/s;
- CPU seconds of every thread (the event loop, the SQLite writer, readers, the WAL
  checkpointer, the model's worker thread), read from /proc;
- for each kind of write on the SQLite writer thread: calls, wall and CPU seconds.

Poll the API meanwhile (``--poll``) to reproduce the load of bench_embedded.py.

Usage: python bench/profile_embedded.py --posts 100000 [--poll 0.02]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from earnest import run, sqlite_db
from earnest.config import Settings
from earnest.testing import free_port

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"

wall: collections.Counter[str] = collections.Counter()
cpu: collections.Counter[str] = collections.Counter()
calls: collections.Counter[str] = collections.Counter()


def _time_writes() -> None:
    """Wrap the writer's per-write savepoint to time each write function."""
    original = sqlite_db.SqliteDatabase._run_savepoint

    def timed(self, conn, fn):
        started, started_cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, conn, fn)
        finally:
            name = getattr(fn, "__qualname__", None) or getattr(fn, "func", fn).__qualname__
            name = name.replace(".<locals>", "")
            wall[name] += time.perf_counter() - started
            cpu[name] += time.thread_time() - started_cpu
            calls[name] += 1

    sqlite_db.SqliteDatabase._run_savepoint = timed  # type: ignore[method-assign]


def _threads_cpu() -> dict[str, float]:
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = collections.Counter()
    for tid in os.listdir("/proc/self/task"):
        fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        out[names.get(int(tid), f"thread {tid}")] += (int(fields[11]) + int(fields[12])) / tick
    return out


async def _watch(home: Path, posts: int, marks: dict) -> None:
    """Note the first publish and the moment every post is aggregated, then stop."""
    db: sqlite3.Connection | None = None
    while True:
        await asyncio.sleep(0.02)
        try:
            db = db or sqlite3.connect(home / "earnest.db")
            if "first" not in marks:
                first = db.execute("SELECT min(published_at) FROM posts").fetchone()[0]
                if first:
                    marks["first"], marks["cpu0"] = first, _threads_cpu()
            done = db.execute("SELECT coalesce(sum(count), 0) FROM agg_all").fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= posts and "first" in marks:
            marks["done"], marks["cpu1"] = time.time(), _threads_cpu()
            os.kill(os.getpid(), signal.SIGINT)
            return


def _poll(port: int, every: float, stop: threading.Event) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        while not stop.wait(every):
            try:
                client.get("/status")
            except httpx.HTTPError:
                pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--dataset", type=Path, default=DATASET.resolve())
    parser.add_argument("--poll", type=float, default=0.0,
                        help="poll GET /status every this many seconds (0: no polling)")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval for this run, s (default: Python's)")
    args = parser.parse_args()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    _time_writes()
    marks: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        port = free_port()
        options = run.ReplayOptions(dataset=args.dataset, limit=args.posts)
        stop_polling = threading.Event()
        if args.poll:
            threading.Thread(target=_poll, args=(port, args.poll, stop_polling),
                             daemon=True).start()

        async def go() -> None:
            watcher = asyncio.create_task(_watch(home, args.posts, marks))
            await run.up(Settings(home=home), port, options, report=lambda line: None)
            watcher.cancel()

        asyncio.run(go())
        stop_polling.set()
    elapsed = marks["done"] - marks["first"]
    print(f"{args.posts:,} posts in {elapsed:.2f} s: {args.posts / elapsed:,.0f} posts/s")
    used = {k: v - marks["cpu0"].get(k, 0.0) for k, v in marks["cpu1"].items()}
    print("CPU per thread, s:")
    for name, seconds in sorted(used.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05:
            print(f"  {name:28s} {seconds:6.2f}")
    total = sum(used.values())
    print(f"  {'all':28s} {total:6.2f}  ({total / elapsed:.2f} cores, "
          f"{total / args.posts * 1e6:.0f} us per post)")
    print("writes on the SQLite writer thread (whole run): calls, wall s, CPU s")
    for name, seconds in wall.most_common():
        if seconds >= 0.01:
            print(f"  {name:44s} {calls[name]:5d} {seconds:6.2f} {cpu[name]:6.2f}")


if __name__ == "__main__":
    main()
