"""Services mode under faults: the oracle finds every post stored once and counted once.

Over 50,000 real posts (the first 210 rows of every subreddit of the shared dataset,
re-timed to be evenly spaced over the last week) are replayed at a steady 2,000 posts/s
through two replicas of every worker, each a real ``earnest worker`` process, while
``earnest serve`` answers. Meanwhile a seeded random schedule

- SIGKILLs workers at random moments. Each victim is first frozen (SIGSTOP, so it can
  acknowledge nothing more) and RabbitMQ is asked how many deliveries its channels hold
  unacknowledged: those must be redelivered, and the test requires that some were;
- SIGKILLs the replay once it has checkpointed part of the dataset (the restarted
  replay must resume from its checkpoint, not start over) and the API once;
- restarts RabbitMQ and restarts PostgreSQL.

A supervisor restarts whatever exits, as Kubernetes or compose would. At the end every
queue is empty (so whatever the victims held was delivered again and acknowledged), and
the oracle (tests/oracle.py) finds the tables, and every page the restarted API serves,
equal to a recomputation from the CSV rows, with no dead letters.

The unacknowledged count is matched to the victim by its TCP ports, so the broker must
see the workers' own addresses (a local install, or a container on the host network).
Set ``EARNEST_FAULT_SEED`` to replay a schedule; the seed is printed on failure.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from tests.oracle import Expected, assert_oracle, http_get, read_dataset

from earnest.testing import EarnestProcess, free_port, run_cli, write_recent_dataset

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
        self.ports: dict[str, int] = {}
        self.once: set[str] = set()
        self.procs: dict[str, EarnestProcess] = {}
        self.exited_at: dict[str, float] = {}
        self.log_start: dict[str, int] = {}
        self.finished: set[str] = set()
        self.exits: Counter[tuple[str, int]] = Counter()

    def start(self, name: str, args: list[str], once: bool = False,
              port: int | None = None) -> None:
        self.args[name] = args
        if once:
            self.once.add(name)
        if port is not None:
            self.ports[name] = port
        self._spawn(name)

    def _spawn(self, name: str) -> None:
        log = self.logs / f"{name}.log"
        self.log_start[name] = log.stat().st_size if log.exists() else 0
        self.procs[name] = EarnestProcess(self.args[name], self.env, self.ports.get(name),
                                          log=log)

    def running(self, name: str) -> bool:
        return self.procs[name].proc.poll() is None

    def output(self, name: str) -> str:
        """What ``name`` has written since it was last started."""
        with open(self.logs / f"{name}.log", "rb") as log:
            log.seek(self.log_start[name])
            return log.read().decode(errors="replace")

    def ready(self, name: str) -> bool:
        """Whether ``name`` runs and has said so since it was last started."""
        return self.running(name) and " started" in self.output(name)

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


class Broker:
    """What RabbitMQ says about one virtual host, through ``rabbitmqctl``."""

    def __init__(self, rabbitmqctl: list[str], broker_url: str) -> None:
        self.ctl = rabbitmqctl
        self.vhost = unquote(urlsplit(broker_url).path[1:])

    def _rows(self, *args: str) -> list[list[str]]:
        done = subprocess.run([*self.ctl, "-q", *args, "--no-table-headers"], check=True,
                              capture_output=True, text=True, timeout=60)
        return [line.split("\t") for line in done.stdout.splitlines() if line.strip()]

    def unacked_held_by(self, pid: int) -> int:
        """Deliveries that the channels of process ``pid`` have not acknowledged.

        A channel's name starts with its client's address, ``127.0.0.1:<port> -> ...``;
        the process's own TCP ports come from /proc.
        """
        ports = _socket_ports(pid)
        held = 0
        for name, vhost, unacked in self._rows("list_channels", "name", "vhost",
                                               "messages_unacknowledged"):
            client = name.split(" -> ")[0]
            if vhost == self.vhost and int(client.rsplit(":", 1)[1]) in ports:
                held += int(unacked)
        return held

    def queued(self) -> dict[str, int]:
        """Messages in each queue of the virtual host, unacknowledged ones included."""
        return {name: int(count)
                for name, count in self._rows("list_queues", "-p", self.vhost, "name",
                                              "messages")}


def _socket_ports(pid: int) -> set[int]:
    """The local ports of the TCP sockets that process ``pid`` has open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def stored(services) -> tuple[int, int]:
    try:
        (counts,) = services.query("SELECT (SELECT count(*) FROM posts),"
                                   " (SELECT count(*) FROM scores)")
        return counts
    except psycopg.Error:  # the database is restarting, or not migrated yet
        return (-1, -1)


def replay_position(services) -> int:
    """Records the replay has checkpointed as published; 0 before its first checkpoint."""
    try:
        rows = services.query("SELECT state FROM checkpoints WHERE name LIKE 'replay:%'")
    except psycopg.Error:
        return 0
    return max((state["position"] for (state,) in rows), default=0)


def published_by_last_run(output: str) -> int | None:
    """Posts the last run of ``earnest replay`` published, from what it printed."""
    if "nothing left to replay" in output:
        return 0
    done = re.search(r"([\d,]+) posts published, [\d,]+ rejected in", output)
    return int(done.group(1).replace(",", "")) if done else None


def answers(proc: EarnestProcess) -> bool:
    try:
        return proc.get("/status").status_code == 200
    except Exception:
        return False


@pytest.mark.timeout(900)
def test_pipeline_survives_kills_and_service_restarts(services, dataset, tmp_path,
                                                       rabbitmqctl) -> None:
    seed = int(os.environ.get("EARNEST_FAULT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    files = {path.stem: PER_SUBREDDIT for path in sorted(dataset.glob("*.csv"))}
    spacing = SPAN_DAYS * 86400 / (PER_SUBREDDIT * len(files))
    folder = tmp_path / "data"
    write_recent_dataset(dataset, folder, files, time.time(), spacing)
    expected = Expected.from_rows(read_dataset(folder), services.env)
    total = len(expected.posts)
    assert total >= 50_000
    broker = Broker(rabbitmqctl, services.broker_url)
    fleet = Supervisor(services.env, tmp_path / "logs")
    port = free_port()
    events: list[str] = []
    held: list[int | None] = []  # unacknowledged deliveries of each SIGKILLed worker
    # One-off faults strike while posts are flowing, at random points of the progress:
    # posts stored, or for the replay, records it has checkpointed as published.
    due = {"rabbitmq": rng.uniform(0.15, 0.35) * total,
           "postgres": rng.uniform(0.5, 0.7) * total,
           "replay": rng.uniform(0.1, 0.4) * total,
           "api": rng.uniform(0.2, 0.8) * total}
    replay_killed_at = 0
    next_kill = time.monotonic() + rng.uniform(2, 5)
    started = time.monotonic()
    deadline = started + 600

    def note(what: str, posts: int) -> None:
        events.append(f"{time.monotonic() - started:.1f}s posts={posts}: {what}")

    try:
        fleet.start("api", ["serve", "--port", str(port)], port=port)
        for name in WORKERS:
            fleet.start(name, ["worker", name.rsplit("-", 1)[0]])
        # Original times: the posts were re-timed when written, so the oracle knows them.
        fleet.start("replay", ["replay", str(folder), "--timeline", "original",
                               "--speed", str(RATE * spacing)], once=True)
        while time.monotonic() < deadline:
            fleet.poll()
            posts, scores = stored(services)
            now = time.monotonic()
            if posts >= due.get("rabbitmq", total + 1):
                note(f"RabbitMQ restarted ({services.restart_rabbitmq():.1f}s)", posts)
                del due["rabbitmq"]
            elif posts >= due.get("postgres", total + 1):
                note(f"PostgreSQL restarted ({services.restart_postgres():.1f}s)", posts)
                del due["postgres"]
            elif ("replay" in due and fleet.running("replay")
                  and (position := replay_position(services)) >= due["replay"]):
                fleet.kill("replay")
                note(f"SIGKILL replay at checkpoint {position}", posts)
                del due["replay"]
                replay_killed_at = position
            elif posts >= due.get("api", total + 1) and answers(fleet.procs["api"]):
                fleet.kill("api")
                note("SIGKILL api", posts)
                del due["api"]
            elif now >= next_kill and scores < 0.95 * total:
                # Only workers that got going: killing them while they load teaches nothing.
                victims = [name for name in WORKERS if fleet.ready(name)]
                if victims:
                    victim = rng.choice(victims)
                    proc = fleet.procs[victim].proc
                    proc.send_signal(signal.SIGSTOP)  # it acknowledges nothing from now on
                    try:
                        held.append(broker.unacked_held_by(proc.pid))
                    except (subprocess.SubprocessError, OSError, ValueError):
                        held.append(None)  # the broker is restarting: unknown
                    fleet.kill(victim)
                    note(f"SIGKILL {victim} holding {held[-1]} unacked deliveries", posts)
                next_kill = time.monotonic() + rng.uniform(1, 4)
            if "replay" in fleet.finished and not due:
                break
            time.sleep(0.2)
        # Caught up: every post stored and scored, and every queue drained, redeliveries
        # of what the victims held included.
        queues: dict[str, int] = {}
        while time.monotonic() < deadline:
            fleet.poll()
            if stored(services) == (total, total):
                try:
                    queues = broker.queued()
                except subprocess.SubprocessError:
                    queues = {}
                if queues and not any(queues.values()) and answers(fleet.procs["api"]):
                    break
            time.sleep(1)
        report = (f"seed={seed} elapsed={time.monotonic() - started:.0f}s "
                  f"exits={dict(fleet.exits)} queues={queues}\n" + "\n".join(events))
        try:
            assert_oracle(expected, services.database_url, http_get(fleet.procs["api"].url),
                          dead_letters={})
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{report}\n{fleet.tails()}") from None
    finally:
        replay_output = fleet.output("replay")
        fleet.stop()
    report += "\n" + fleet.tails()

    assert not due, f"faults that never struck: {due}\n{report}"
    assert len(held) >= 3, report
    assert "replay" in fleet.finished, report
    assert queues and not any(queues.values()), report
    redelivered = sum(h for h in held if h)
    assert redelivered > 0, "no SIGKILL landed while a worker held deliveries\n" + report
    # The replay resumed after its kill instead of publishing everything again.
    assert 0 < replay_killed_at < total, report
    last_run = published_by_last_run(replay_output)
    assert last_run is not None and last_run <= total - replay_killed_at, report
    verify = run_cli(["verify"], services.env)
    assert verify.returncode == 0, verify.stdout + verify.stderr + report
    assert "aggregates match" in verify.stdout
    print(report.split("\n---")[0])
    print(f"redelivered at least {redelivered} messages; the replay resumed at record "
          f"{replay_killed_at:,} or later and its last run published {last_run:,} posts")
