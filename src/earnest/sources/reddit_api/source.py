"""Following subreddits live through Reddit's API: the source ``earnest follow`` publishes.

Endless: it polls (:mod:`.poller`) until ingest stops it, and yields each poll's posts,
its gaps, then :data:`~earnest.sources.base.FLUSH`, so a poll is published and its
marks saved within moments. Every post is mapped by
:func:`~earnest.sources.reddit_data.post_from_reddit`, with ``observed_at`` the time
of the poll. Waits and HTTP are asynchronous: the stages that share the event loop
run on while it waits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Sequence
from datetime import UTC, datetime

import msgspec

from earnest.sources.base import FLUSH, Gap, Post, Record, Source
from earnest.sources.reddit_api.auth import Credentials
from earnest.sources.reddit_api.budget import Budget
from earnest.sources.reddit_api.client import Endpoints, RedditClient
from earnest.sources.reddit_api.poller import Followed, Mark, Poll, advance, plan, read_new
from earnest.sources.reddit_data import post_from_reddit

log = logging.getLogger(__name__)


def fill_command(gap: Gap) -> str:
    """The command that imports a gap's posts from the month's dump."""
    start, end = (datetime.fromtimestamp(t, UTC) for t in (gap.start, gap.end + 1))
    months = sorted({start.strftime("%Y-%m"), end.strftime("%Y-%m")})
    dumps = " ".join(f"RS_{m}.zst" for m in months)
    return (f"earnest import {dumps} --subreddit {gap.subreddit} "
            f"--since {start:%Y-%m-%dT%H:%M:%S} --until {end:%Y-%m-%dT%H:%M:%S}")


class LiveSource(Source):
    """New posts of ``subreddits``, as Reddit's API lists them.

    The checkpoint holds every subreddit's mark and rate (:mod:`.poller`), those of
    subreddits no longer followed too, so following one again resumes where it stopped.
    """

    checkpoint_name = "reddit-api"

    def __init__(self, subreddits: Sequence[str], credentials: Credentials,
                 endpoints: Endpoints) -> None:
        self.followed = {name.lower(): Followed(name) for name in subreddits}
        self.credentials = credentials
        self.endpoints = endpoints
        self.resting: dict[str, dict] = {}  # saved state of subreddits not followed now

    def restore(self, state: dict) -> None:
        for key, saved in state.get("subreddits", {}).items():
            f = self.followed.get(key)
            if f is None:
                self.resting[key] = saved
                continue
            f.mark = Mark.of(saved["mark"]) if saved.get("mark") else None
            f.rate = saved.get("rate")

    def checkpoint_state(self) -> dict:
        state = dict(self.resting)
        for key, f in self.followed.items():
            state[key] = {"mark": f.mark.state() if f.mark else None, "rate": f.rate}
        return {"subreddits": state}

    async def stream(self, start: int, stop: asyncio.Event) -> AsyncGenerator[Record, None]:
        budget = Budget()
        async with RedditClient(self.credentials, self.endpoints, stop, budget) as client:
            while not stop.is_set():
                group = plan(self.followed.values(), budget.rate(), budget.window,
                             time.time())[0]
                if not await _sleep(group.due - time.time(), stop):
                    return
                poll = await read_new(client, group, time.time())
                if poll is None:
                    return
                for record in self._records(poll):
                    yield record
                advance(poll, time.time())
                yield FLUSH

    def _records(self, poll: Poll) -> list[Record]:
        records: list[Record] = []
        for data in poll.posts:
            item = post_from_reddit(data)
            if isinstance(item, Post):
                item = msgspec.structs.replace(item, observed_at=poll.at)
            records.append(item)
        for name, start, end in poll.gaps:
            gap = Gap(name, start, end, poll.at)
            log.warning("more posts of r/%s arrived between two polls than Reddit lists: those "
                        "created from %s to %s may be missing; fill the gap with: %s", name,
                        _utc(start), _utc(end), fill_command(gap))
            records.append(gap)
        return records


def _utc(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


async def _sleep(seconds: float, stop: asyncio.Event) -> bool:
    """Wait ``seconds`` (or not at all); False if ``stop`` was set meanwhile."""
    if seconds > 0:
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            pass
    return not stop.is_set()
