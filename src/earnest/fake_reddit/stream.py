"""The posts a fake Reddit has: made at a steady rate, in bursts on demand, some removed.

Posts are made lazily: whenever the state is looked at, every post due since the last
look is made with the time it was due, so the stream is the same whether it is polled
every millisecond or once a minute. Ids are base-36 numbers that only grow, as
Reddit's do, and a listing is newest first: by id.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping

from earnest.fake_reddit.corpus import Text
from earnest.fake_reddit.submission import Generated

FIRST_ID = int("1t00000", 36)  # near where Reddit's post ids were in 2026


class PostStream:
    """Every post made so far, by subreddit, in the order they were made."""

    def __init__(self, subreddits: Mapping[str, float], rate: float, texts: list[Text], *,
                 removal_fraction: float, removal_delay: float, seed: int,
                 started: float, on_post: Callable[[Generated], None] = lambda post: None
                 ) -> None:
        self.names = list(subreddits)
        self.weights = list(subreddits.values())
        self.rate = rate
        by_subreddit: dict[str, list[Text]] = {}
        for text in texts:
            by_subreddit.setdefault(text.subreddit, []).append(text)
        # Each subreddit's own texts when the corpus has some, else every text.
        self._texts = {name.lower(): by_subreddit.get(name.lower()) or texts
                       for name in self.names}
        self.removal_fraction = removal_fraction
        self.removal_delay = removal_delay
        self.random = random.Random(seed)  # noqa: S311 - a repeatable stream, not a secret
        self.started = started
        self.on_post = on_post
        self.posts: list[Generated] = []
        self.by_id: dict[str, Generated] = {}
        self._by_subreddit: dict[str, list[Generated]] = {name.lower(): [] for name in self.names}
        self._scheduled = 0  # posts made by the clock so far
        self._number = FIRST_ID

    def advance(self, now: float) -> None:
        """Make every post the rate has due by ``now``."""
        due = math.floor((now - self.started) * self.rate) if self.rate > 0 else 0
        while self._scheduled < due:
            self._scheduled += 1
            self._make(self.started + self._scheduled / self.rate)

    def burst(self, count: int, now: float) -> list[Generated]:
        """Make ``count`` posts at once, all created at ``now``."""
        self.advance(now)
        return [self._make(now) for _ in range(count)]

    def remove(self, post_id: str, category: str, now: float) -> None:
        post = self.by_id[post_id]
        post.removed_at, post.removed_by = now, category

    def newest(self, subreddits: Iterable[str], cap: int, now: float) -> list[Generated]:
        """The newest ``cap`` visible posts of ``subreddits``, newest first: all a listing holds."""
        found: list[Generated] = []
        for name in {name.lower() for name in subreddits}:
            kept = 0
            for post in reversed(self._by_subreddit.get(name, ())):
                if kept == cap:
                    break
                if not post.removed(now):
                    found.append(post)
                    kept += 1
        found.sort(key=lambda post: post.number, reverse=True)
        return found[:cap]

    def _make(self, when: float) -> Generated:
        self._number += self.random.randint(1, 5)  # other subreddits take ids in between
        name = self.random.choices(self.names, self.weights)[0]
        post = Generated(number=self._number, subreddit=name,
                         created_utc=float(math.floor(when)),
                         text=self.random.choice(self._texts[name.lower()]))
        if self.removal_fraction and self.random.random() < self.removal_fraction:
            post.removed_at = when + self.removal_delay
        self.posts.append(post)
        self.by_id[post.id] = post
        self._by_subreddit[name.lower()].append(post)
        self.on_post(post)
        return post

    def known(self, names: Iterable[str]) -> list[str]:
        """Which of ``names`` are subreddits of this stream (lower case)."""
        return [name for name in (n.lower() for n in names) if name in self._by_subreddit]


