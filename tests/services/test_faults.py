"""Services mode under faults: every post stored once, aggregates exact.

Over 50,000 real posts (the first 210 rows of every subreddit of the shared
dataset) are replayed at a steady pace through two replicas of every worker, each
a real ``earnest worker`` process. Meanwhile a seeded random
schedule SIGKILLs workers at random moments, restarts RabbitMQ and restarts
PostgreSQL. A supervisor restarts whatever exits, as Kubernetes or compose
would (a worker whose broker went away exits with an error; the replay resumes
from its checkpoint). At the end the posts table holds exactly the published
ids, each post has one score, no stage dead-lettered anything, and
``earnest verify`` finds the aggregates equal to a recomputation.

Set ``EARNEST_FAULT_SEED`` to replay a schedule; the seed is printed on failure.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from earnest.records import Post
from earnest.sources.replay import ReplaySource
from earnest.sources.timeline import Timeline
from earnest.testing import EarnestProcess, run_cli, write_slice

PER_SUBREDDIT = 210  # rows of each of the 252 files: 52,764 posts
RATE = 2_000  # posts per second the replay is paced at
SPAN_DAYS = 7.0
WORKERS = [f"{stage}-{i}" for stage in ("store-posts", "score", "store-scores") for i in (1, 2)]


class Supervisor:
    """Keeps named ``earnest`` processes running: whatever exits is started again.

    A process started with ``once`` is not restarted after it exits with 0.
    """

    def __init__(self, env: dict[str, str], logs: Path, restart_delay: float = 0.5) -> None:
        self.env = env
        self.logs = logs
        self.restart_delay = restart_delay
        self.logs.mkdir(parents=True, exist_ok=True)
        self.args: dict[str, list[str]] = {}
        self.once: set[str] = set()
        self.procs: dict[str, EarnestProcess] = {}
        self.exited_at: dict[str, float] = {}
        self.log_start: dict[str, int] = {}
        self.finished: set[str] = set()
        self.exits: Counter[tuple[str, int]] = Counter()

    def start(self, name: str, args: list[str], once: bool = False) -> None:
        self.args[name] = args
        if once:
            self.once.add(name)
        self._spawn(name)

    def _spawn(self, name: str) -> None:
        log = self.logs / f"{name}.log"
        self.log_start[name] = log.stat().st_size if log.exists() else 0
        self.procs[name] = EarnestProcess(self.args[name], self.env, log=log)

    def ready(self, name: str) -> bool:
        """Whether ``name`` runs and has said so since it was last started."""
        if self.procs[name].proc.poll() is not None:
            return False
        with open(self.logs / f"{name}.log", "rb") as log:
            log.seek(self.log_start[name])
            return b" started" in log.read()

    def poll(self) -> None:
        now = time.monotonic()
        for name, proc in list(self.procs.items()):
            if name in self.finished or proc.proc.poll() is None:
                continue
            if name not in self.exited_at:
                self.exited_at[name] = now
                self.exits[(name.rsplit("-", 1)[0], proc.proc.returncode)] += 1
                proc.log.close()
                if proc.proc.returncode == 0 and name in self.once:
                    self.finished.add(name)
                    continue
            if now - self.exited_at[name] >= self.restart_delay:
                del self.exited_at[name]
                self._spawn(name)

    def kill(self, name: str) -> None:
        self.procs[name].kill()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.proc.poll() is None:
                proc.proc.terminate()
        for proc in self.procs.values():
            try:
                proc.stop(timeout=30)
            except Exception:
                proc.kill()

    def tails(self, lines: int = 15) -> str:
        out = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(out)


def published(folder: Path) -> tuple[set[str], int]:
    """The post ids a replay of ``folder`` publishes, and how many rows it rejects."""
    source = ReplaySource(folder, timeline=Timeline.spread, span=SPAN_DAYS * 86400,
                          anchor=0.0, ordered=True)
    ids, rejected = set(), 0
    for item in source.records(0):
        if isinstance(item, Post):
            ids.add(item.id)
        else:
            rejected += 1
    return ids, rejected


def stored(services) -> tuple[int, int]:
    try:
        (counts,) = services.query("SELECT (SELECT count(*) FROM posts),"
                                   " (SELECT count(*) FROM scores)")
        return counts
    except psycopg.Error:  # the database is restarting, or not migrated yet
        return (-1, -1)


@pytest.mark.timeout(900)
def test_pipeline_survives_kills_and_service_restarts(services, dataset, tmp_path) -> None:
    seed = int(os.environ.get("EARNEST_FAULT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    folder = write_slice(dataset, tmp_path / "data",
                         {path.stem: PER_SUBREDDIT for path in dataset.glob("*.csv")})
    ids, rejected = published(folder)
    assert len(ids) >= 50_000
    fleet = Supervisor(services.env, tmp_path / "logs")
    speed = RATE * SPAN_DAYS * 86400 / len(ids)  # the spread timeline spaces posts evenly
    events: list[str] = []
    # Faults strike while posts are flowing: at random points of the run's progress.
    rabbit_at = rng.uniform(0.15, 0.35) * len(ids)
    postgres_at = rng.uniform(0.5, 0.7) * len(ids)
    next_kill = time.monotonic() + rng.uniform(2, 5)
    started = time.monotonic()
    try:
        for name in WORKERS:
            fleet.start(name, ["worker", name.rsplit("-", 1)[0]])
        fleet.start("replay", ["replay", str(folder), "--timeline", "spread",
                               "--span-days", str(SPAN_DAYS), "--speed", str(speed)], once=True)
        deadline = started + 600
        while time.monotonic() < deadline:
            fleet.poll()
            posts, scores = stored(services)
            now = time.monotonic()
            if rabbit_at is not None and posts >= rabbit_at:
                took = services.restart_rabbitmq()
                events.append(f"{now - started:.1f}s posts={posts}: RabbitMQ restarted "
                              f"({took:.1f}s)")
                rabbit_at = None
            elif postgres_at is not None and posts >= postgres_at:
                took = services.restart_postgres()
                events.append(f"{now - started:.1f}s posts={posts}: PostgreSQL restarted "
                              f"({took:.1f}s)")
                postgres_at = None
            elif now >= next_kill and scores < 0.95 * len(ids):
                # Only workers that got going: killing them while they load teaches nothing.
                victims = [name for name in WORKERS if fleet.ready(name)]
                if victims:
                    victim = rng.choice(victims)
                    fleet.kill(victim)
                    events.append(f"{now - started:.1f}s posts={posts}: SIGKILL {victim}")
                next_kill = now + rng.uniform(1, 4)
            if "replay" in fleet.finished and rabbit_at is None and postgres_at is None:
                break
            time.sleep(0.2)
        while time.monotonic() < deadline and stored(services) != (len(ids), len(ids)):
            fleet.poll()
            time.sleep(0.5)
    finally:
        fleet.stop()
    elapsed = time.monotonic() - started
    report = (f"seed={seed} elapsed={elapsed:.0f}s exits={dict(fleet.exits)}\n"
              + "\n".join(events) + "\n" + fleet.tails())

    assert rabbit_at is None and postgres_at is None, report
    assert sum("SIGKILL" in e for e in events) >= 3, report
    assert "replay" in fleet.finished, report
    stored_ids = {row[0] for row in services.query("SELECT id FROM posts")}
    assert stored_ids == ids, report
    ((scores, distinct),) = services.query("SELECT count(*), count(DISTINCT post_id) FROM scores")
    assert scores == distinct == len(ids), report
    letters = dict(services.query("SELECT stage, count(*) FROM dead_letters GROUP BY stage"))
    assert letters == ({"replay": rejected} if rejected else {}), report
    verify = run_cli(["verify"], services.env)
    assert verify.returncode == 0, verify.stdout + verify.stderr + report
    assert "aggregates match" in verify.stdout
    print(report.split("\n---")[0])
