"""The store interface: posts, scores, aggregates, dead letters, models, checkpoints.

Writes are idempotent: posts by post id, scores by (post id, model version).
:meth:`Store.add_scores` updates the 5-minute, hourly and all-time aggregates in
the same transaction as the scores it inserts, and only for the scores it really
inserted, so a redelivered score is never counted twice.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from earnest.records import SCORES, DeadLetter, Post, Score, dead_letter, encode, fingerprint
from earnest.sources.base import Gap

BUCKETS = {"5m": 300, "1h": 3600}


def dead_letter_key(letter: DeadLetter) -> str:
    """Identifies a dead letter, so recording it again after a redelivery is a no-op."""
    if letter.key:
        return letter.key
    return hashlib.sha1(f"{letter.stage}\0{letter.raw}".encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class PostBatch:
    """A batch of posts as a store writes it: the first post of each id, with its
    fingerprint, to insert where new; then, if some id was met before, every post of the
    batch is weighed against the stored one (:mod:`earnest.store.post_writes`)."""

    posts: Sequence[Post]
    unique: list[tuple[Post, str]]

    @classmethod
    def of(cls, posts: Sequence[Post]) -> PostBatch:
        unique: dict[str, tuple[Post, str]] = {}
        for post in posts:
            if post.id not in unique:
                unique[post.id] = (post, fingerprint(post))
        return cls(posts, list(unique.values()))

    def may_revise(self, inserted: int) -> bool:
        """Whether any post may have met another copy of its id (else no need to look)."""
        return inserted < len(self.posts)


def unclaimed_score(stage: str, waited: float, post_id: str, model_version: str,
                    post_hash: str, seriousness: float, subreddit: str,
                    created_utc: float) -> DeadLetter:
    """The dead letter of a score whose post was not stored within ``waited`` seconds."""
    score = Score(post_id=post_id, model_version=model_version, seriousness=seriousness,
                  subreddit=subreddit, created_utc=created_utc, post_hash=post_hash)
    reason = (f"no post with id {post_id!r} and this content was stored within "
              f"{waited:g} s of its score")
    return dead_letter(stage, SCORES, reason, encode(score))


@dataclass(frozen=True)
class AddedPosts:
    """What :meth:`Store.add_posts` did: posts new to the table; the indexes (in the
    batch given) of posts whose id is stored for another post (conflicts); stored posts
    a later revision changed, and of those, how many were removed and came back."""

    new: int
    conflicts: list[int]
    revised: int = 0
    removed: int = 0
    restored: int = 0


@dataclass(frozen=True)
class AddedScores:
    """What :meth:`Store.add_scores` did.

    ``new``: scores inserted and counted (waiting ones whose post arrived included);
    ``waiting``: scores parked until their post is stored; ``superseded``: scores of
    a copy of the post that lost to the stored one (that copy is dead-lettered);
    ``retracted``: counted scores that retractions took back out.
    """

    new: int
    waiting: int
    superseded: int
    retracted: int = 0


def subreddit_key(name: str) -> str:
    """Subreddit names are case-insensitive; the store keys them in lower case."""
    return name.lower()


@dataclass(frozen=True)
class SubredditStats:
    name: str
    posts: int
    seriousness: float | None
    last_post_utc: float | None


@dataclass(frozen=True)
class SeriesPoint:
    subreddit: str
    start: int
    count: int
    total: float


@dataclass(frozen=True)
class PostView:
    id: str
    subreddit: str
    title: str
    url: str
    permalink: str
    created_utc: float
    seriousness: float | None
    removed: str


class PostRow(NamedTuple):
    """A stored post as analysis reads it: its latest revision's counts and removal
    status, and its score under one model version (``None`` while unscored)."""

    id: str
    subreddit: str
    title: str
    selftext: str
    created_utc: float
    score: int
    num_comments: int
    over_18: bool
    removed: str
    seriousness: float | None


@dataclass(frozen=True)
class SubredditView:
    """One subreddit's all-time figures, a page of its posts and its hourly series."""

    stats: SubredditStats
    posts: list[PostView]
    hours: list[SeriesPoint]


@dataclass(frozen=True)
class Counts:
    """``scores`` counts the scores the aggregates hold, over every model version."""

    posts: int
    scores: int
    dead_letters: int
    newest_post_utc: float | None
    last_update_at: float | None
    waiting_scores: int = 0


@dataclass(frozen=True)
class StoredDeadLetter:
    id: int
    stage: str
    reason: str
    raw: str
    at: float


@dataclass(frozen=True)
class VersionFigures:
    """What the aggregates hold for one model version: the posts they count, the newest
    post's creation time and when they last changed (``None`` while they hold nothing)."""

    version: str
    posts: int
    newest_post_utc: float | None
    last_update_at: float | None


@dataclass(frozen=True)
class StoredPost:
    """A post as stored (its first text, its latest revision's counts and removal status),
    when it was stored, and its counted score under each model version."""

    post: Post
    stored_at: float
    scores: dict[str, float]


REGISTERED = "registered"
"""The state of a version just registered: stored, loadable, scoring nothing yet."""
SHADOW = "shadow"
"""Scores every new post beside the live version, its aggregates kept per version,
invisible to default reads (the version live before the live one stays so, for rollback)."""
PROMOTING = "promoting"
"""Scores every new post, and a backfill scores every stored post; it becomes live once
it counts at least the posts the live version counts."""
LIVE = "live"
"""The state of the one version the API serves by default (the stores' SQL says
``'live'``; a unique index keeps it to one version)."""
RETIRED = "retired"
"""Scores nothing any more; its scores and aggregates stay readable with ``?model=``."""
STATES = (REGISTERED, SHADOW, PROMOTING, LIVE, RETIRED)
SCORING = (LIVE, PROMOTING, SHADOW)
"""The states whose versions score every new post."""


@dataclass(frozen=True)
class ModelInfo:
    """A registered model version. ``path`` is where it was registered from (informative:
    the artifact itself is in the store, :meth:`Store.model_artifact`); ``state`` is
    ``registered`` or ``live`` (the one scored with and served by default); ``card`` is
    its :class:`~earnest.model.card.ModelCard` as a dict (``None`` for versions recorded
    before the registry had cards)."""

    version: str
    path: str
    metrics: dict[str, Any]
    created_at: float
    state: str = REGISTERED
    card: dict[str, Any] | None = None
    changed_at: float | None = None
    live_since: float | None = None


@dataclass(frozen=True)
class Backfill:
    """The progress of a promotion's backfill: ``scored`` of about ``total`` stored posts
    (counted when it began), in passes over the posts by id (``cursor``: the last id of
    the pass under way). ``switched_at``: when the version became live; ``finished_at``:
    when a pass after that found nothing left. ``holder`` runs it until ``lease_until``."""

    version: str
    total: int
    scored: int = 0
    cursor: str = ""
    passes: int = 0
    started_at: float = 0.0
    updated_at: float = 0.0
    switched_at: float | None = None
    finished_at: float | None = None
    holder: str | None = None
    lease_until: float = 0.0


@dataclass(frozen=True)
class Changes:
    """What changed after a moment: the subreddits whose aggregates changed under one
    model version (their names, and the newest change), and the newest change of the
    model registry (a state, a backfill's progress)."""

    subreddits: list[str]
    aggregates_at: float | None
    models_at: float | None


@dataclass(frozen=True)
class UnscoredPost:
    """A stored post a version has no score for: what scoring and counting it takes."""

    id: str
    subreddit: str
    created_utc: float
    content_hash: str
    title: str
    selftext: str


class Store(ABC):
    """A database. Use as ``async with store:``; ``start`` applies pending migrations."""

    committed_changes: int = 0
    """Write transactions of this object that changed a row, counted once committed: a
    reader in the same process (the API beside the pipeline in ``earnest up``) sees its
    own writes at once, with no query; writes of other processes show in
    :meth:`data_version`."""

    @abstractmethod
    async def start(self) -> None:
        """Connect and migrate; raises ``BackendUnavailable`` if the database is unreachable."""

    @abstractmethod
    async def close(self) -> None: ...

    # --- pipeline writes -------------------------------------------------------------

    @abstractmethod
    async def add_posts(self, posts: Sequence[Post]) -> AddedPosts:
        """Insert posts not stored yet, and apply revisions of stored ones, in one
        transaction (:mod:`earnest.store.post_writes`).

        A revision (the same id, subreddit, creation time and title) that outranks the
        stored copy updates its counts and removal status; a removal or a comeback
        takes the post's scores out of the aggregates or back in, in the same
        transaction. A post whose id is stored for another post is not written and
        its index is returned in ``conflicts``: the first stored copy wins.
        """

    @abstractmethod
    async def add_scores(self, scores: Sequence[Score]) -> AddedScores:
        """Insert new scores and fold exactly those into the aggregates, atomically
        (see :mod:`earnest.store.score_writes`, the one algorithm both stores run).

        A score with ``sign`` -1 retracts the score stored for its post and model
        version: it stops counting, and no later copy of it counts again.
        A score counts for the post stored under its ``post_id`` only if it was
        computed from that post's content (``post_hash``), and is bucketed by that
        post's subreddit and time. A score whose post is not stored yet waits in the
        store; every call (an empty one too) first counts the waiting scores whose
        post has arrived since. On failure nothing is written.
        """

    @abstractmethod
    async def expire_waiting_scores(self, older_than: float, stage: str) -> int:
        """Dead-letter scores that have waited over ``older_than`` seconds for a post
        that is still not stored, in one transaction; returns how many."""

    @abstractmethod
    async def add_dead_letters(self, letters: Sequence[DeadLetter]) -> None: ...

    @abstractmethod
    async def add_gaps(self, gaps: Sequence[Gap]) -> None:
        """Record ranges of posts a source could not read; a gap recorded before is kept
        as it was. Called by ingest before the checkpoint that moves past them."""

    @abstractmethod
    async def gaps(self, limit: int) -> list[Gap]:
        """The gaps not filled yet, the most recently found first."""

    @abstractmethod
    async def fill_gaps(self, subreddits: Collection[str], start: float, end: float) -> int:
        """Mark filled the open gaps within ``start``..``end`` (creation times, both
        included) of ``subreddits`` (names in any case; empty: every subreddit), once an
        import has read a dump over that range; returns how many."""

    @abstractmethod
    async def get_checkpoint(self, name: str) -> dict[str, Any] | None:
        """A source's saved position, or ``None`` if it never saved one."""

    @abstractmethod
    async def put_checkpoint(self, name: str, state: dict[str, Any]) -> None: ...

    # --- models ----------------------------------------------------------------------

    @abstractmethod
    async def add_model(self, info: ModelInfo, artifact: bytes | None) -> bool:
        """Record a model version in ``info.state`` with its artifact, in one transaction.

        Idempotent by version: ``False`` if it was recorded already, and then only a
        card or artifact it lacked is filled in (its state is left as it is).
        """

    @abstractmethod
    async def set_live(self, version: str) -> None:
        """Make ``version`` the live one at once, and the version live before it
        ``shadow`` (kept current, to roll back to), in one transaction. Raises
        ``NotFound`` if ``version`` is not recorded."""

    @abstractmethod
    async def set_model_state(self, version: str, state: str, expect: Collection[str]) -> None:
        """Move ``version`` to ``state`` (not ``live``: see :meth:`set_live`) if it is in
        one of the states ``expect``. Raises ``NotFound`` if it is not recorded, and
        ``StateConflict`` naming its state if that is not one of ``expect``."""

    @abstractmethod
    async def switch_live(self, version: str) -> bool:
        """Make the ``promoting`` ``version`` live, as :meth:`set_live` does, only if its
        aggregates count at least the posts the live version's count; checked and
        switched in one transaction. ``False`` (nothing changed) otherwise."""

    # --- backfills -------------------------------------------------------------------

    @abstractmethod
    async def start_backfill(self, backfill: Backfill) -> None:
        """Record a new backfill, replacing one of the same version (a promotion again)."""

    @abstractmethod
    async def backfills(self) -> list[Backfill]:
        """Every backfill recorded, the most recently started first."""

    @abstractmethod
    async def claim_backfill(self, version: str, holder: str, until: float) -> Backfill | None:
        """Take or renew the lease of ``version``'s backfill for ``holder`` until
        ``until``, if it is unfinished and its lease is free, expired or ``holder``'s;
        the backfill, or ``None``."""

    @abstractmethod
    async def save_backfill(self, backfill: Backfill) -> bool:
        """Save the progress of a backfill whose lease ``backfill.holder`` still holds;
        ``False`` (nothing saved) if another holder took it over."""

    @abstractmethod
    async def unscored_posts(self, version: str, after: str, limit: int) -> list[UnscoredPost]:
        """Up to ``limit`` stored posts with ids after ``after``, by id, that have no
        score under ``version``."""

    @abstractmethod
    async def model_artifact(self, version: str) -> bytes | None:
        """The skops file of ``version``; ``None`` if unknown or recorded without one."""

    async def register_model(self, info: ModelInfo, activate: bool) -> None:
        """Record a model version (idempotent); ``activate`` makes it the live one."""
        await self.add_model(info, None)
        if activate:
            await self.set_live(info.version)

    @abstractmethod
    async def active_model(self) -> ModelInfo | None:
        """The live version, if there is one (read on every API request: one row)."""

    @abstractmethod
    async def models(self) -> list[ModelInfo]:
        """Every recorded version with its state and card (not its artifact), newest
        first."""

    # --- reads -----------------------------------------------------------------------

    @abstractmethod
    async def data_version(self) -> int:
        """A number that grows with every committed write that changed a row, by any
        process (:mod:`earnest.store.changes`): one tiny query, polled by the API a few
        times a second. Read it before the data it labels."""

    @abstractmethod
    async def subreddits(self, model_version: str) -> list[SubredditStats]:
        """Every subreddit with scores under ``model_version``, by name."""

    @abstractmethod
    async def subreddit(self, model_version: str, name: str) -> SubredditStats | None:
        """One subreddit's all-time figures (``name`` in any case)."""

    @abstractmethod
    async def series(
        self, model_version: str, since: int, step: int, name: str | None = None
    ) -> list[SeriesPoint]:
        """Aggregates from ``since`` on, summed into ``step``-second buckets.

        ``step`` is a multiple of 300 (read from the 5-minute aggregates) or of 3600
        (read from the hourly ones); ``name`` limits it to one subreddit.
        """

    @abstractmethod
    async def posts_page(
        self, model_version: str, name: str, limit: int, before: tuple[float, str] | None
    ) -> list[PostView]:
        """A subreddit's posts, newest first, older than ``before`` (created_utc, id)."""

    @abstractmethod
    async def subreddit_view(
        self, model_version: str, name: str, limit: int, before: tuple[float, str] | None,
        since: int,
    ) -> SubredditView | None:
        """``subreddit``, ``posts_page`` and the hourly ``series`` from ``since``, read
        from one snapshot so that they agree while the pipeline writes."""

    @abstractmethod
    async def version_figures(self, versions: Collection[str]) -> dict[str, VersionFigures]:
        """The figures of each of ``versions`` (every one, a version with no aggregates
        too), read from the all-time aggregates: a few rows per subreddit, never a scan
        of the scores."""

    @abstractmethod
    async def changes(self, model_version: str | None, since: float) -> Changes:
        """The subreddits whose aggregates under ``model_version`` changed after
        ``since`` (a time as ``updated_at`` holds it), and the registry's newest change;
        cheap enough to ask several times a second."""

    @abstractmethod
    async def posts(self, ids: Collection[str]) -> list[StoredPost]:
        """The stored posts of ``ids`` (those not stored are left out), each with its
        scores that count (retracted ones left out), from one snapshot."""

    @abstractmethod
    async def counts(self) -> Counts: ...

    @abstractmethod
    async def dead_letters(self, limit: int) -> list[StoredDeadLetter]:
        """The newest dead letters first."""

    @abstractmethod
    async def post_rows(
        self, model_version: str | None, subreddits: Collection[str] | None = None,
        since: float | None = None, until: float | None = None, limit: int | None = None,
    ) -> list[PostRow]:
        """Stored posts, newest first, with their seriousness under ``model_version``.

        ``subreddits`` (names in any case; ``None``: every one) and creation times
        ``since`` (included) to ``until`` (excluded) filter them; ``limit`` keeps the
        newest. Removed posts are included: ``removed`` says why they are gone.
        """

    @abstractmethod
    async def training_posts(self, subreddits: Sequence[str]) -> list[tuple[str, str, str]]:
        """(subreddit, title, selftext) of every stored post of ``subreddits``."""

    @abstractmethod
    async def verify(self) -> list[str]:
        """Recompute every aggregate from the posts and scores tables.

        Returns a line per difference; empty when the aggregates are exact.
        """

    async def __aenter__(self) -> Store:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
