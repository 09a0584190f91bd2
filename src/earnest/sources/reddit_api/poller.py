"""Which subreddits to poll when, what a poll read, and where each subreddit was read to.

**Marks.** A subreddit's mark is the newest ``created_utc`` read from it and the ids
read at that second. A post is new when it is newer than the mark, or of the mark's
second with an id not in it. Marks move only after a poll's posts were handed on, and
are saved with the batch that publishes them, so a restart neither repeats a
published poll nor skips one. A subreddit's first poll reads one page: following
starts with its newest posts, not its history.

**Paging and gaps.** ``/new`` lists posts newest first, 100 a page, and about 1,000 in
all. A poll pages back with ``after`` until the listing reaches back past every mark
of its group. When the listing ends first, after a page or more, the posts between a
mark and the oldest post the listing still showed could not be read: that range is a
gap, reported so a dump can fill it (``earnest import``), and the mark moves on. (A
listing of less than a page that ends before a mark is a subreddit's whole history,
its older posts removed: nothing is missing. One of several pages is taken for a cut
even if the subreddit is that young: a gap too many costs an import, one too few a
loss.)

**Adaptive polling**, the rule:

1. Each subreddit's post rate is estimated after every poll that covered it: the new
   posts read, over the seconds since its previous poll (over the span the listing
   reached back, on a first poll or an overflow), averaged half and half with the
   previous estimate.
2. Subreddits are packed into groups, busiest first. One whose posts would fill
   ``TARGET`` (half a page) within the longest interval is polled alone; quieter ones
   share a group, one request (``/r/a+b+c/new``), until together they would fill
   ``TARGET`` in the longest interval, or the group holds ``MAX_NAMES`` names.
3. A group is polled every ``TARGET / rate`` seconds, so a poll returns about half a
   page, within ``SHORTEST`` and the longest interval (a tenth of the rate-limit window:
   60 s at Reddit's 600 s), so that quiet subreddits stay fresh.
4. When those intervals together would spend more than ``SHARE`` of the budget's mean
   rate, all are stretched by the same factor; the rest of the budget is for paging
   back and retries. A stretched poll returns fuller pages, and pages back if it must.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from earnest.sources.reddit_api.client import RedditClient

TARGET = 50  # posts a poll should return: half a page, so a burst does not overflow it
PAGE = 100  # the most a listing shows a request
MAX_PAGES = 10  # a listing reaches back about 1,000 posts
MAX_NAMES = 50  # subreddits in one request, so its URL stays short
SHARE = 0.8  # of the budget, for polls at their planned intervals
SHORTEST = 1.0  # seconds between two polls of the same group, at the most often


@dataclass(frozen=True)
class Mark:
    """The newest ``created_utc`` read from a subreddit, and the ids read at that second."""

    created: float
    ids: frozenset[str] = frozenset()

    def covers(self, created: float, post_id: str) -> bool:
        """Whether a post was read already (or is older than following)."""
        return created < self.created or (created == self.created and post_id in self.ids)

    def state(self) -> dict[str, Any]:
        return {"created": self.created, "ids": sorted(self.ids)}

    @classmethod
    def of(cls, state: Mapping[str, Any]) -> Mark:
        return cls(float(state["created"]), frozenset(state.get("ids", ())))


@dataclass
class Followed:
    """One subreddit followed: where it was read to, its rate, when it was last polled."""

    name: str
    mark: Mark | None = None
    rate: float | None = None  # posts a second; None until a poll covered it
    polled_at: float | None = None  # time.time() of its last poll

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Group:
    """Subreddits polled together, with one request a page."""

    members: tuple[Followed, ...]
    interval: float
    due: float

    @property
    def path(self) -> str:
        return "/r/" + "+".join(f.name for f in self.members) + "/new"


def plan(followed: Iterable[Followed], budget_rate: float, window: float,
         now: float) -> list[Group]:
    """The groups and when each is due, by the rule in the module's docstring."""
    longest = max(window / 10, SHORTEST)
    packs: list[list[Followed]] = []
    pack: list[Followed] = []
    pack_rate = 0.0
    for f in sorted(followed, key=lambda f: -(f.rate or 0.0)):
        rate = f.rate or 0.0
        if rate * longest >= TARGET:
            packs.append([f])
            continue
        if pack and ((pack_rate + rate) * longest > TARGET or len(pack) >= MAX_NAMES):
            packs.append(pack)
            pack, pack_rate = [], 0.0
        pack.append(f)
        pack_rate += rate
    if pack:
        packs.append(pack)
    intervals = []
    for members in packs:
        rate = sum(f.rate or 0.0 for f in members)
        wanted = TARGET / rate if rate > 0 else longest
        intervals.append(min(max(wanted, SHORTEST), longest))
    demand = sum(1 / i for i in intervals)
    stretch = max(1.0, demand / (SHARE * budget_rate)) if budget_rate > 0 else 1.0
    groups = []
    for members, interval in zip(packs, intervals, strict=True):
        interval *= stretch
        due = min(now if f.polled_at is None else f.polled_at + interval for f in members)
        groups.append(Group(tuple(members), interval, due))
    return sorted(groups, key=lambda g: g.due)


@dataclass
class Poll:
    """What one poll of a group read."""

    group: Group
    at: float  # time.time() when it started
    posts: list[dict[str, Any]] = field(default_factory=list)  # new ones, oldest first
    gaps: list[tuple[str, float, float]] = field(default_factory=list)  # name, start, end
    oldest: float | None = None  # the oldest created_utc the listing showed
    cut: bool = False  # the listing's reach ended, a page or more back, before every mark
    requests: int = 0


async def read_new(client: RedditClient, group: Group, now: float) -> Poll | None:
    """The new posts of ``group``'s subreddits, paging back to their marks; None if
    following stopped meanwhile."""
    poll = Poll(group, now)
    by_key = {f.key: f for f in group.members}
    marks = [f.mark for f in group.members if f.mark is not None]
    seen: dict[str, dict[str, Any]] = {}
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": PAGE}
        if after:
            params["after"] = after
        listing = await client.get(group.path, params)
        if listing is None:
            return None
        poll.requests += 1
        children = _submissions(listing)
        for data in children:
            seen.setdefault(str(data.get("id")), data)
            created = _created(data)
            if created is not None:
                poll.oldest = created if poll.oldest is None else min(poll.oldest, created)
        after = _after(listing)
        if not children or not after or poll.requests >= MAX_PAGES:
            poll.cut = len(seen) >= PAGE
            break
        if not marks or all(_reached(m, poll.oldest, seen) for m in marks):
            break
    for post_id, data in seen.items():
        follower = by_key.get(str(data.get("subreddit", "")).lower())
        created = _created(data)
        if (follower is None or follower.mark is None or created is None
                or not follower.mark.covers(created, post_id)):
            poll.posts.append(data)
    poll.posts.sort(key=lambda d: (_created(d) or 0.0, str(d.get("id"))))
    if poll.cut and poll.oldest is not None:
        for f in group.members:
            if f.mark is not None and not _reached(f.mark, poll.oldest, seen):
                poll.gaps.append((f.name, f.mark.created, poll.oldest))
    return poll


def advance(poll: Poll, now: float) -> None:
    """Move the group's marks past the poll's posts and update their rates; called once
    the poll's posts were handed on."""
    newest: dict[str, list[tuple[float, str]]] = {}
    for data in poll.posts:
        created = _created(data)
        if created is not None:
            key = str(data.get("subreddit", "")).lower()
            newest.setdefault(key, []).append((created, str(data.get("id"))))
    for f in poll.group.members:
        read = newest.get(f.key, [])
        if read:
            top = max(c for c, _ in read)
            ids = {i for c, i in read if c == top}
            if f.mark is not None and f.mark.created == top:
                ids |= f.mark.ids
            if f.mark is None or top >= f.mark.created:
                f.mark = Mark(top, frozenset(ids))
        elif f.mark is None:
            # Nothing of it as far back as the listing reached: read to there (in Reddit's
            # time, not ours). An empty listing: from the start, next time.
            f.mark = Mark(0.0 if poll.oldest is None else poll.oldest)
        fresh = f.polled_at is None or any(name == f.name for name, _, _ in poll.gaps)
        since = (now - poll.oldest if fresh and poll.oldest is not None
                 else now - (f.polled_at or now))
        if since > 0 and math.isfinite(since):
            rate = len(read) / max(since, SHORTEST)
            f.rate = rate if f.rate is None else (f.rate + rate) / 2
        f.polled_at = poll.at


def _reached(mark: Mark, oldest: float | None, seen: Mapping[str, Any]) -> bool:
    """Whether the listing reached back to ``mark``: past its second, or to one of its ids."""
    return (oldest is not None and oldest < mark.created) or any(i in seen for i in mark.ids)


def _submissions(listing: Any) -> list[dict[str, Any]]:
    data = listing.get("data") if isinstance(listing, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        return []
    return [c["data"] for c in children
            if isinstance(c, dict) and c.get("kind") == "t3" and isinstance(c.get("data"), dict)]


def _after(listing: Any) -> str | None:
    after = listing.get("data", {}).get("after") if isinstance(listing, dict) else None
    return after if isinstance(after, str) and after else None


def _created(data: Mapping[str, Any]) -> float | None:
    try:
        created = float(data.get("created_utc"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return created if math.isfinite(created) else None
