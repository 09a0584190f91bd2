"""What open ``GET /events`` streams cost the API while the data changes.

Starts ``earnest serve`` on a fresh embedded store, opens ``--subscribers`` event
streams from this process (raw sockets, one asyncio task each), and writes a scored
post to a new subreddit every ``--every`` seconds for ``--seconds``. Reported: the API
process's CPU seconds per second (from /proc) with the streams open and idle, and
while changing; how many events each subscriber got; and the delay from a write's
commit to its event at the subscribers (p50 / p99 over every subscriber and change).

Usage: python bench/bench_events.py --subscribers 500 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from earnest.records import Post, Score, fingerprint
from earnest.runtime import make_store
from earnest.store.base import ModelInfo
from earnest.testing import EarnestProcess, free_port

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def subscriber(port: int, arrivals: dict[str, list[float]], opened: asyncio.Event,
                     counter: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
    await writer.drain()
    counter[0] += 1
    if counter[0] == counter[1]:
        opened.set()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data: {"):
                data = json.loads(line[6:])
                for name in data.get("subreddits") or []:
                    arrivals.setdefault(name, []).append(time.time())
    finally:
        writer.close()


async def write(url: str, name: str) -> float:
    post = Post(id=name, subreddit=name, title="Why?", created_utc=time.time())
    async with make_store(url) as store:
        await store.add_posts([post])
        await store.add_scores([Score(post_id=post.id, model_version="v1", seriousness=0.5,
                                      subreddit=name, created_utc=post.created_utc,
                                      post_hash=fingerprint(post))])
    return time.time()


async def main(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as home:
        url = f"sqlite:///{home}/earnest.db"
        async with make_store(url) as store:
            await store.register_model(ModelInfo("v1", "", {}, time.time()), activate=True)
        port = free_port()
        env = {"EARNEST_HOME": home, "EARNEST_LOG_LEVEL": "WARNING"}
        with EarnestProcess(["serve", "--port", str(port)], env, port,
                            Path(home) / "api.log") as api:
            api.wait_for_api(60)
            pid = api.proc.pid
            arrivals: dict[str, list[float]] = {}
            opened = asyncio.Event()
            counter = [0, args.subscribers]
            tasks = [asyncio.create_task(subscriber(port, arrivals, opened, counter))
                     for _ in range(args.subscribers)]
            await asyncio.wait_for(opened.wait(), 60)
            await asyncio.sleep(2)
            before, t0 = cpu_seconds(pid), time.monotonic()
            await asyncio.sleep(args.seconds / 2)
            idle = (cpu_seconds(pid) - before) / (time.monotonic() - t0)
            committed: dict[str, float] = {}
            before, t0 = cpu_seconds(pid), time.monotonic()
            n = 0
            while time.monotonic() - t0 < args.seconds:
                name = f"bench{n}"
                committed[name] = await write(url, name)
                n += 1
                await asyncio.sleep(args.every)
            changing = (cpu_seconds(pid) - before) / (time.monotonic() - t0)
            await asyncio.sleep(1.5)
            for task in tasks:
                task.cancel()
            delays = [at - committed[name] for name, ats in arrivals.items() for at in ats
                      if name in committed]
            got = [len(v) for v in arrivals.values()]
            q = statistics.quantiles(delays, n=100)
            return {
                "subscribers": args.subscribers,
                "changes written": n,
                "deliveries": len(delays),
                "expected deliveries": n * args.subscribers,
                "min subscribers per change": min(got),
                "API CPU share, streams idle": round(idle, 4),
                "API CPU share, data changing": round(changing, 4),
                "delay p50 s": round(q[49], 3),
                "delay p99 s": round(q[98], 3),
            }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=0.5)
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
