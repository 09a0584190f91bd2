"""End-to-end benchmark of services mode: PostgreSQL, RabbitMQ, workers as processes.

Every run gets a fresh database and RabbitMQ virtual host, starts ``earnest serve``
and the workers (one ``store-posts``, ``--score-workers`` ``score``, one
``store-scores``) as subprocesses, then replays real posts with ``earnest replay``:

- backfill: N posts as fast as possible. Throughput = posts / (time the API first
  counted all of them - the first ``published_at``).
- steady: posts spread evenly and paced at ``--rate`` posts/s for ``--seconds``.
  Freshness of the k-th published post = the first API poll (``GET /subreddits``,
  summing ``posts``) that counted k posts, minus its ``published_at``. Also
  reported: ``scores.scored_at - posts.published_at`` per post (the store-scores
  transaction's start, a lower bound on when the API can see it).

Usage: python bench/bench_services.py --posts 100000 --runs 3 --score-workers 1 2
"""

from __future__ import annotations

import argparse
import bisect
import os
import shlex
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

from earnest.testing import EarnestProcess, free_port

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"
WEEK = 7 * 86400


@contextmanager
def fresh_services(postgres: str, amqp: str, rabbitmqctl: list[str]) -> Iterator[dict[str, str]]:
    """A new database and virtual host, dropped afterwards; yields the earnest environment."""
    name = f"earnest_bench_{uuid.uuid4().hex[:10]}"
    vhost = name.replace("_", "-")
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(amqp)
    for command in (["add_vhost", vhost],
                    ["set_permissions", "-p", vhost, parts.username or "guest", ".*", ".*", ".*"]):
        subprocess.run(rabbitmqctl + command, check=True, capture_output=True)
    try:
        yield {
            "EARNEST_DATABASE_URL": urlunsplit(urlsplit(postgres)._replace(path="/" + name)),
            "EARNEST_BROKER_URL": urlunsplit(parts._replace(path="/" + quote(vhost, safe=""))),
            "EARNEST_LOG_LEVEL": "WARNING",
        }
    finally:
        subprocess.run(rabbitmqctl + ["delete_vhost", vhost], check=False, capture_output=True)
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


TICK = os.sysconf("SC_CLK_TCK")
SERVERS = {"postgres": "postgres", "beam.smp": "rabbitmq"}


def cpu(pid: int) -> float:
    """CPU seconds of a process and its reaped children (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / TICK


def server_cpu() -> dict[str, float]:
    """CPU seconds of PostgreSQL's and RabbitMQ's processes (shared with anything else)."""
    totals = dict.fromkeys(SERVERS.values(), 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm = stat.read_text().split("(", 1)[1].split(")", 1)[0]
        except (OSError, IndexError):
            continue
        if comm in SERVERS:
            totals[SERVERS[comm]] += cpu(int(stat.parent.name))
    return totals


class Run(NamedTuple):
    samples: list[tuple[float, int]]  # (when, posts the API counted)
    published: list[float]  # published_at of every post, sorted
    stored: list[float]  # scores.scored_at - posts.published_at, sorted
    launched: float
    cpu: dict[str, float]  # CPU seconds per role while the posts flowed


def run(env: dict[str, str], home: Path, replay_args: list[str], posts: int, scorers: int,
        poll: float) -> Run:
    """Run the fleet and a replay until the API counts ``posts``."""
    env = {**env, "EARNEST_HOME": str(home)}
    port = free_port()
    stages = ["store-posts"] + ["score"] * scorers + ["store-scores"]
    workers = [EarnestProcess(["worker", stage], env, log=home / f"{stage}-{i}.log")
               for i, stage in enumerate(stages)]
    api = EarnestProcess(["serve", "--port", str(port)], env, port, home / "api.log")
    try:
        api.wait_for_api(60)
        # The score worker registers the model the API serves; wait until it has.
        api.wait_until(lambda p: p.get("/subreddits").json()["model_version"], 60, 0.1)
        roles = {**{stage: 0.0 for stage in stages}, "api": 0.0}
        before = {id(p): cpu(p.proc.pid) for p in [*workers, api]}
        servers = server_cpu()
        launched = time.time()
        replay = EarnestProcess(["replay", *replay_args], env, log=home / "replay.log")
        replay_cpu = 0.0
        samples: list[tuple[float, int]] = []
        while True:
            replay_cpu = cpu(replay.proc.pid) or replay_cpu
            response = api.get("/subreddits")
            if response.status_code == 200:  # a 503 while a shared service restarts: poll on
                listing = response.json()["subreddits"]
                samples.append((time.time(), sum(s["posts"] for s in listing)))
                if samples[-1][1] >= posts:
                    break
            if replay.proc.poll() not in (None, 0):
                raise RuntimeError("the replay failed; see replay.log")
            time.sleep(poll)
        for proc, name in [*zip(workers, stages, strict=True), (api, "api")]:
            roles[name] += cpu(proc.proc.pid) - before[id(proc)]
        roles["replay"] = replay_cpu
        roles.update({k: v - servers[k] for k, v in server_cpu().items()})
        replay.stop()
    finally:
        for proc in [*workers, api]:
            proc.stop()
    with psycopg.connect(env["EARNEST_DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT p.published_at, s.scored_at FROM posts p"
                            " JOIN scores s ON s.post_id = p.id").fetchall()
    published = sorted(p for p, _ in rows)
    return Run(samples, published, sorted(s - p for p, s in rows), launched, roles)


def freshness(samples: list[tuple[float, int]], published: list[float]) -> list[float]:
    counts = [c for _, c in samples]
    return [samples[bisect.bisect_left(counts, k)][0] - at for k, at in enumerate(published, 1)]


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


def backfill(args: argparse.Namespace, env: dict[str, str], scorers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        replay = [str(args.dataset), "--limit", str(args.posts)]
        result = run(env, Path(home), replay, args.posts, scorers, args.backfill_poll)
    published, done = result.published, result.samples[-1][0]
    per_1000 = {f"cpu_ms_per_1000_{role}": 1e6 * seconds / len(published)
                for role, seconds in result.cpu.items()}
    return {"posts": len(published),
            "posts_per_s": len(published) / (done - published[0]),
            "publish_per_s": len(published) / (published[-1] - published[0]),
            "posts_per_s_from_launch": len(published) / (done - result.launched),
            **per_1000}


def steady(args: argparse.Namespace, env: dict[str, str], scorers: int) -> dict[str, float]:
    posts = int(args.rate * args.seconds)
    speed = args.rate * WEEK / posts  # the spread timeline spaces posts evenly over a week
    replay = [str(args.dataset), "--limit", str(posts), "--timeline", "spread",
              "--span-days", "7", "--speed", f"{speed:.3f}"]
    with tempfile.TemporaryDirectory() as home:
        result = run(env, Path(home), replay, posts, scorers, args.poll)
    published, stored = result.published, result.stored
    lags = freshness(result.samples, published)
    return {"posts": len(published),
            "rate": len(published) / (published[-1] - published[0]),
            "freshness_p50": pct(lags, 50), "freshness_p99": pct(lags, 99),
            "freshness_max": max(lags),
            "scored_p50": pct(stored, 50), "scored_p99": pct(stored, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts per backfill run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--score-workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rate", type=float, default=1000.0, help="steady posts/s")
    parser.add_argument("--seconds", type=float, default=60.0, help="steady run length")
    parser.add_argument("--skip", choices=["backfill", "steady"], default=None)
    parser.add_argument("--dataset", type=Path, default=DATASET.resolve())
    parser.add_argument("--poll", type=float, default=0.02,
                        help="API poll interval in the steady run, s")
    parser.add_argument("--backfill-poll", type=float, default=0.1,
                        help="API poll interval in the backfill, s (polls cost CPU too)")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--rabbitmqctl", default="rabbitmqctl")
    args = parser.parse_args()
    kinds = [(name, fn) for name, fn in (("backfill", backfill), ("steady", steady))
             if name != args.skip]
    for name, fn in kinds:
        for scorers in args.score_workers:
            results = []
            for number in range(args.runs):
                with fresh_services(args.postgres_url, args.amqp_url,
                                    shlex.split(args.rabbitmqctl)) as env:
                    results.append(fn(args, env, scorers))
                print(f"{name}, {scorers} score worker(s), run {number + 1}: "
                      + ", ".join(f"{k} {v:,.3f}" for k, v in results[-1].items()), flush=True)
            print(f"{name}, {scorers} score worker(s), median: " + ", ".join(
                f"{k} {statistics.median(r[k] for r in results):,.3f}" for k in results[0]),
                flush=True)


if __name__ == "__main__":
    main()
