"""Promoting a second model on a store that holds the whole dataset, while posts arrive.

1. Fills a fresh store with every post of the dataset: on the embedded default with
   ``earnest up`` (one process), in services mode with ``earnest serve``, the three
   workers as processes and ``earnest replay``.
2. Registers a second model (TF-IDF + logistic regression, trained here on 20,000
   posts of the labelled subreddits) with ``earnest.models.register``.
3. Publishes new posts at ``--rate`` posts/s into subreddit ``earnest_bench``, and
   after ``--baseline`` seconds runs ``earnest models promote``; the posts keep
   coming until the backfill has finished, then for ``--baseline`` seconds more.
4. Polls ``GET /subreddit/earnest_bench?limit=1`` every ``--poll`` seconds and
   ``GET /models`` every second, then runs ``earnest verify`` and times
   ``earnest models rollback``.

Reported: the backfill's posts/s (posts it scored / seconds from the promote command
to the switch), and the freshness of the arriving posts before, during and after
the backfill: for the k-th post published, the first poll whose ``posts_count``
reached k, minus its publication time. Every ``GET /models`` read is checked: the
live version's count never goes down, across the switch included.

Usage: python bench/bench_promote.py --backend embedded|services [--rate 100]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_services import fresh_services
from earnest.testing import EarnestProcess, free_port

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"
SERIOUS = ["askscience", "AskHistorians", "NeutralPolitics", "legaladvice", "explainlikeimfive"]
BANTER = ["Jokes", "circlejerk", "shittyaskscience", "AdviceAnimals", "funny"]
BENCH_SUBREDDIT = "earnest_bench"
T = TypeVar("T")


def texts(names: list[str], per: int) -> list[tuple[str, str]]:
    out = []
    for name in names:
        with open(DATASET / f"{name}.csv", newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                if i == per:
                    break
                out.append((row["title"], row["selftext"]))
    return out


def second_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    serious, banter = texts(SERIOUS, 2000), texts(BANTER, 2000)
    docs = [f"{t}\n\n{s}" for t, s in serious + banter]
    labels = [1] * len(serious) + [0] * len(banter)
    return make_pipeline(TfidfVectorizer(min_df=3, sublinear_tf=True),
                         LogisticRegression(max_iter=500)).fit(docs, labels)


class Feeder(threading.Thread):
    """Publishes ``rate`` new posts a second onto the ``posts`` topic until stopped."""

    def __init__(self, broker_url: str, rate: float) -> None:
        super().__init__(daemon=True)
        self.broker_url, self.rate = broker_url, rate
        self.stop = threading.Event()
        self.published: list[float] = []
        self.pool = texts(SERIOUS + BANTER, 200)

    def run(self) -> None:
        asyncio.run(self._feed())

    async def _feed(self) -> None:
        from earnest.records import POSTS, Post, encode
        from earnest.runtime import make_bus

        async with make_bus(self.broker_url) as bus:
            tick, n = 0.1, 0
            started = time.monotonic()
            while not self.stop.is_set():
                due = int((time.monotonic() - started) * self.rate)
                batch = []
                while n < due:
                    title, selftext = self.pool[n % len(self.pool)]
                    now = time.time()
                    batch.append(Post(id=f"bench{n}", subreddit=BENCH_SUBREDDIT, title=title,
                                      selftext=selftext, created_utc=now, published_at=now))
                    n += 1
                if batch:
                    await bus.publish(POSTS, [encode(p) for p in batch])
                    self.published += [p.published_at for p in batch]
                await asyncio.sleep(tick)


class Poller(threading.Thread):
    def __init__(self, api: EarnestProcess, every: float) -> None:
        super().__init__(daemon=True)
        self.api, self.every = api, every
        self.stop = threading.Event()
        self.counts: list[tuple[float, str, int]] = []  # (when, version shown, posts_count)
        self.models: list[tuple[float, str, int, dict | None]] = []  # live version, its posts

    def run(self) -> None:
        last_models = 0.0
        while not self.stop.is_set():
            r = self.api.get(f"/subreddit/{BENCH_SUBREDDIT}", limit=1)
            if r.status_code == 200:
                body = r.json()
                self.counts.append((time.time(), body["model_version"], body["posts_count"]))
            if time.time() - last_models >= 1.0:
                last_models = time.time()
                listing = self.api.get("/models").json()["models"]
                live = next(m for m in listing if m["live"])
                promoting = next((m["backfill"] for m in listing
                                  if m["backfill"] and m["backfill"]["phase"] != "done"), None)
                self.models.append((last_models, live["version"], live["posts"], promoting))
            time.sleep(self.every)


def freshness(published: list[float], counts: list[tuple[float, str, int]], since: float,
              until: float) -> dict[str, float] | None:
    seen = [c for _, _, c in counts]
    lags = []
    for k, at in enumerate(published, 1):
        if not since <= at < until:
            continue
        i = bisect.bisect_left(seen, k)
        if i < len(counts):
            lags.append(counts[i][0] - at)
    if len(lags) < 2:
        return None
    q = statistics.quantiles(lags, n=100)
    return {"posts": len(lags), "p50": round(q[49], 3), "p99": round(q[98], 3),
            "max": round(max(lags), 3)}


def cli(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run([str(Path(sys.executable).parent / "earnest"), *args],
                          env={**os.environ, **env},
                          capture_output=True, text=True, timeout=600, check=True)
    return time.monotonic() - started, done.stdout.strip()


def fill(env: dict[str, str], home: Path, backend: str) -> tuple[EarnestProcess, list]:
    """Start the fleet and replay the whole dataset; return when every post is counted."""
    port = free_port()
    processes: list[EarnestProcess] = []
    if backend == "embedded":
        api = EarnestProcess(["up", "--port", str(port), "--dataset", str(DATASET), "--speed",
                              "0", "--timeline", "original"], env, port, home / "up.log")
    else:
        processes = [EarnestProcess(["worker", stage], env, log=home / f"{stage}.log")
                     for stage in ("store-posts", "score", "store-scores")]
        api = EarnestProcess(["serve", "--port", str(port)], env, port, home / "api.log")
    try:
        return _filled(api, processes, home, backend, env)
    except BaseException:
        for process in [*processes, api]:
            process.stop(60)
        raise


def _filled(api: EarnestProcess, processes: list, home: Path, backend: str,
            env: dict[str, str]) -> tuple[EarnestProcess, list]:
    api.wait_for_api(120)
    if backend == "services":
        api.wait_until(lambda p: p.get("/subreddits").json()["model_version"], 120, 0.2)
        processes.append(EarnestProcess(["replay", str(DATASET), "--speed", "0", "--timeline",
                                         "original"], env, log=home / "replay.log"))
    started = time.time()
    stable = 0
    last = -1
    while stable < 5:
        time.sleep(1.0)
        status = api.get("/status").json()
        live = next((m for m in api.get("/models").json()["models"] if m["live"]), None)
        done = (live is not None and status["posts"] > 200_000 and status["posts"] == last
                and all(v == 0 for v in status["lag"].values()) and status["waiting_scores"] == 0)
        stable = stable + 1 if done else 0
        last = status["posts"]
    assert live is not None
    print(f"filled: {last:,} posts stored, {live['posts']:,} counted by {live['version']} "
          f"in {time.time() - started:.0f} s", flush=True)
    return api, processes


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=["embedded", "services"], default="embedded")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--rabbitmqctl", default="rabbitmqctl")


def in_fresh_home(args: argparse.Namespace, run: Callable[[dict[str, str], Path], T]) -> T:
    """``run(env, home)`` on a fresh EARNEST_HOME, and a fresh database and virtual host
    in services mode (dropped afterwards)."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        if args.backend == "services":
            with fresh_services(args.postgres, args.amqp, args.rabbitmqctl.split()) as env:
                return run({**env, "EARNEST_HOME": str(home)}, home)
        return run({"EARNEST_HOME": str(home), "EARNEST_LOG_LEVEL": "WARNING"}, home)


def main() -> None:
    parser = argparse.ArgumentParser()
    add_backend_arguments(parser)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--baseline", type=float, default=15.0)
    parser.add_argument("--poll", type=float, default=0.05)
    args = parser.parse_args()
    print(json.dumps(in_fresh_home(args, lambda env, home: bench(env, home, args)), indent=2))


def bench(env: dict[str, str], home: Path, args: argparse.Namespace) -> dict:
    import earnest.models
    from earnest.config import Settings

    api, processes = fill(env, home, args.backend)
    try:
        for key, value in env.items():
            os.environ[key] = value
        settings = Settings()  # type: ignore[call-arg]
        card = earnest.models.register(second_model(), name="bench-tfidf", author="bench",
                                       settings=settings)
        old = next(m for m in api.get("/models").json()["models"] if m["live"])["version"]
        feeder = Feeder(settings.resolved_broker_url(), args.rate)
        poller = Poller(api, args.poll)
        feeder.start()
        poller.start()
        time.sleep(args.baseline)
        promoted_at = time.time()
        cli(env, "models", "promote", card.version)
        switched = api.wait_until(lambda p: next(
            (m for m in p.get("/models").json()["models"]
             if m["version"] == card.version and m["live"]), None), 3600, 0.2)
        switched_at = time.time()
        finished = api.wait_until(lambda p: next(
            (m["backfill"] for m in p.get("/models").json()["models"]
             if m["version"] == card.version and m["backfill"]["phase"] == "done"), None),
            600, 0.5)
        finished_at = time.time()
        time.sleep(args.baseline)
        feeder.stop.set()
        feeder.join()
        time.sleep(3)
        poller.stop.set()
        poller.join()
        verify_took, verified = cli(env, "verify")
        rollback_took, rolled = cli(env, "models", "rollback")
        after = api.get(f"/subreddit/{BENCH_SUBREDDIT}", limit=1)
    finally:
        for process in [*processes, api]:
            process.stop(60)
    lives = [(version, posts) for _, version, posts, _ in poller.models]
    never_fewer = all(b[1] >= a[1] for a, b in zip(lives, lives[1:], strict=False))
    published = sorted(feeder.published)
    return {
        "backend": args.backend,
        "rate": args.rate,
        "old": old,
        "new": card.version,
        "backfill": {**switched["backfill"], "seconds_to_switch": round(
            switched_at - promoted_at, 1), "posts_per_second_to_switch": round(
            switched["backfill"]["scored"] / (switched_at - promoted_at), 1)},
        "finished": finished,
        "freshness": {
            "before": freshness(published, poller.counts, 0, promoted_at),
            "during backfill": freshness(published, poller.counts, promoted_at, switched_at),
            "after switch": freshness(published, poller.counts, switched_at, finished_at + 1e9),
        },
        "live count never went down": never_fewer,
        "versions shown": sorted({v for _, v, _ in poller.counts}),
        "verify": verified,
        "verify seconds": round(verify_took, 1),
        "rollback": rolled,
        "rollback seconds (CLI, process start included)": round(rollback_took, 2),
        "shown after rollback": after.headers.get("X-Earnest-Model"),
    }


if __name__ == "__main__":
    main()
