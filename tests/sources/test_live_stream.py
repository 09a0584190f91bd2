"""Acceptance: ``earnest follow`` on a live stream from a fake Reddit, on both runtimes.

About a minute of posts (six a second over four subreddits, with the rate-limit window
shrunk from Reddit's 600 s to 20 s: three windows, half an hour of Reddit's), during which
the follower is SIGKILLed and restarted three times, a storm of 429s (with and
without Retry-After), a burst of 5xx and Cloudflare errors, token expiries and a
revocation hit it, and one burst of posts is twice what a listing shows. At the end:
the posts lost in the overflow are reported as gaps, filled by importing the fake's
dump with the command ``earnest status`` gives, and then every post made is stored
exactly once (the oracle), no request went over the announced budget or before a
Retry-After expired, and tokens were granted once per start, expiry and revocation.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.oracle import Expected, assert_oracle

from earnest.config import Settings
from earnest.fake_reddit import FakeReddit, FakeRedditConfig
from earnest.runtime import connect
from earnest.testing import run_cli, run_until_idle

SUBREDDITS = {"AskReddit": 5.0, "funny": 3.0, "science": 1.0, "worldnews": 0.3}
WINDOW, BUDGET, TOKEN_LIFETIME, CAP = 20, 40, 15, 300
PER_TICK, TICK = 2, 1 / 3  # six posts a second
OVERFLOW = 2 * CAP


class Follower:
    """``earnest follow`` as a subprocess, and how long each run of it lived."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.lifetimes: list[float] = []

    def start(self) -> None:
        exe = shutil.which("earnest", path=str(Path(sys.executable).parent)) or "earnest"
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [exe, "follow", *SUBREDDITS], env={**os.environ, **self.env},
                stdout=out, stderr=subprocess.STDOUT)
        self.started_at = time.monotonic()

    def end(self, sig: signal.Signals) -> int:
        assert self.proc is not None
        assert self.proc.poll() is None, f"earnest follow died:\n{self.log.read_text()}"
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=60)
        self.lifetimes.append(time.monotonic() - self.started_at)
        return code


def post_steadily(reddit: FakeReddit, stop: threading.Event) -> None:
    while not stop.wait(TICK):
        reddit.burst(PER_TICK)


def read_past(reddit: FakeReddit, when: float, listings: int = 2, timeout: float = 30) -> None:
    """Wait until the follower read ``listings`` first pages begun after ``when``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [r for r in reddit.ledger.requests
                if r.path.endswith("/new") and r.status == 200 and "after=" not in r.query
                and r.time > when]
        if len(done) >= listings:
            return
        time.sleep(0.2)
    raise AssertionError("the follower stopped polling")


def expected_rows(reddit: FakeReddit) -> list[dict]:
    rows = []
    for data in reddit.submissions():
        permalink = data["permalink"]
        rows.append({**data, "permalink": "https://www.reddit.com" + permalink
                     if permalink.startswith("/") else permalink,
                     "removed": data.get("removed_by_category") or ""})
    return rows


def test_following_a_live_stream_loses_nothing_and_respects_reddit(
        settings: Settings, earnest_env: dict[str, str], tmp_path: Path) -> None:
    config = FakeRedditConfig(subreddits=SUBREDDITS, rate=0.0, requests_per_window=BUDGET,
                              window=WINDOW, token_lifetime=TOKEN_LIFETIME, listing_cap=CAP)
    with FakeReddit(config) as reddit:
        (client_id, secret), = config.clients.items()
        env = {**earnest_env, "EARNEST_REDDIT_API_URL": reddit.url,
               "EARNEST_REDDIT_AUTH_URL": reddit.url + "/api/v1/access_token",
               "EARNEST_REDDIT_CLIENT_ID": client_id, "EARNEST_REDDIT_CLIENT_SECRET": secret,
               "EARNEST_REDDIT_USER_AGENT": "python:earnest-tests:1 (by the test suite)"}
        follower = Follower(env, tmp_path / "follow.log")
        stop_posting = threading.Event()
        poster = threading.Thread(target=post_steadily, args=(reddit, stop_posting))
        follower.start()
        poster.start()
        try:
            steps = [
                (8, lambda: (follower.end(signal.SIGKILL), follower.start())),
                (14, lambda: reddit.storm(requests=3, retry_after=3)),
                (20, lambda: (reddit.server_errors(requests=2, status=503),
                              reddit.server_errors(requests=1, status=522, cloudflare=True))),
                (26, lambda: (follower.end(signal.SIGKILL), follower.start())),
                (32, lambda: reddit.burst(OVERFLOW)),
                (38, reddit.revoke_tokens),
                (44, lambda: reddit.storm(requests=1, retry_after=None)),
                (52, lambda: (follower.end(signal.SIGKILL), follower.start())),
            ]
            begun = time.monotonic()
            for at, step in steps:
                time.sleep(max(0.0, begun + at - time.monotonic()))
                step()
            time.sleep(max(0.0, begun + 62 - time.monotonic()))
        finally:
            stop_posting.set()
            poster.join()
        read_past(reddit, reddit.ledger.posts[-1].created_utc + 1)
        assert follower.end(signal.SIGTERM) == 0, follower.log.read_text()

        made = reddit.ledger.posts
        ledger = reddit.ledger
        dump = tmp_path / "dumps"
        dump.mkdir()
        for month in {time.strftime("%Y-%m", time.gmtime(p.created_utc)) for p in made}:
            reddit.write_dump(dump / f"RS_{month}.zst")
        rows = expected_rows(reddit)

    # Reddit's rules were kept.
    assert ledger.over_budget() == []
    assert ledger.during_retry_after() == []
    assert any(r.status == 429 and r.retry_after is None for r in ledger.requests)
    assert any(r.status == 522 for r in ledger.requests)
    renewals = sum(math.floor(life / (TOKEN_LIFETIME * 0.9)) for life in follower.lifetimes)
    starts = len(follower.lifetimes)
    assert starts <= ledger.token_grants <= starts + renewals + 1  # + 1: the revocation

    asyncio.run(run_until_idle(settings))
    lost = asyncio.run(missing(settings, {p.id for p in made}))
    assert 0 < len(lost) <= OVERFLOW  # the overflow lost posts (and nothing else did) ...

    # ... each of them inside a gap that `earnest status` reports, with the command to fill it.
    status = run_cli(["status"], env)
    assert status.returncode == 0, status.stderr
    gaps = asyncio.run(stored_gaps(settings))
    by_id = {p.id: p for p in made}
    for post_id in lost:
        post = by_id[post_id]
        assert any(g.subreddit.lower() == post.subreddit.lower()
                   and g.start <= post.created_utc <= g.end for g in gaps), post
    commands = re.findall(r"earnest import .*", status.stdout)
    assert len(commands) == len(gaps), status.stdout
    assert "may be missing" in follower.log.read_text()  # logged as a warning too
    for command in commands:
        args = [str(dump / a) if a.endswith(".zst") else a for a in shlex.split(command)[1:]]
        filled = run_cli(args, env)
        assert filled.returncode == 0, filled.stderr
    assert asyncio.run(stored_gaps(settings)) == []  # filled: status lists them no more

    asyncio.run(run_until_idle(settings))
    assert asyncio.run(missing(settings, {p.id for p in made})) == set()
    assert_oracle(Expected.from_rows(rows, env), settings.resolved_database_url())


async def missing(settings: Settings, ids: set[str]) -> set[str]:
    async with connect(settings) as (_, store):
        assert await store.verify() == []
        counts = await store.counts()
        model = await store.active_model()
        assert model is not None
        stored = {p.id for name in SUBREDDITS
                  for p in (await store.posts_page(model.version, name, 10_000, None))}
    assert counts.posts == len(stored)
    assert stored <= ids
    return ids - stored


async def stored_gaps(settings: Settings) -> list:
    async with connect(settings) as (_, store):
        return await store.gaps(100)
