"""Later records of stored posts: revisions, and the removals they carry.

A post id met again, later in a batch or stored before, is either

- a *revision* of the stored post: the same subreddit, creation time and title (a
  re-poll, a dump's second retrieval). The revision that ranks highest gives the
  post's counts and removal status. Ranks compare when the copy was retrieved
  (``observed_at``), then the fields a revision changes, so that the outcome does not
  depend on the order copies arrive in (replicas, redeliveries): at one retrieval
  time, a removal outranks a visible copy. The text stays as first stored: it is
  what the post's scores were computed from.
- a *conflict*: another post under a used id. The stored copy stays; the caller
  dead-letters the other.

When a revision changes whether the post is removed, each counted score of the post
goes out of the aggregates (or back in) in the same transaction, as signed
contributions folded by :func:`earnest.store.score_writes.fold`. On PostgreSQL the
transaction first locks the post rows it may revise, in id order, then takes the
removals lock (see :mod:`earnest.store.score_writes`) before it flips anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from earnest.records import Post
from earnest.store.base import AddedPosts, subreddit_key
from earnest.store.score_writes import Dialect, Step, fold

STORED_COLUMNS = ("id", "subreddit_key", "created_utc", "title", "observed_at", "removed",
                  "score", "num_comments", "over_18")
"""What :func:`plan` needs of each stored post, in this order."""

# Rank of a copy: when it was retrieved, then the fields a revision changes.
Rank = tuple[float, str, int, int, int]


@dataclass(frozen=True)
class Stored:
    """A stored post as :func:`plan` weighs revisions against it."""

    identity: tuple[str, float, str]
    rank: Rank

    @classmethod
    def of(cls, row: Sequence) -> Stored:
        _, key, created_utc, title, observed_at, removed, score, comments, over_18 = row
        return cls((key, float(created_utc), title),
                   (float(observed_at), removed, int(score), int(comments), int(over_18)))


def _identity(post: Post) -> tuple[str, float, str]:
    return subreddit_key(post.subreddit), post.created_utc, post.title


def _rank(post: Post) -> Rank:
    return post.observed_at, post.removed, post.score, post.num_comments, int(post.over_18)


@dataclass(frozen=True)
class Revisions:
    """What a batch does to the posts stored before it (and to its own first copies).

    ``conflicts``: indexes, in the batch, of posts that are not revisions of the stored
    post of their id. ``updates``: (id, observed_at, removed, score, num_comments,
    over_18) of each post whose shown revision changes. ``flips``: (id, sign) of each
    post whose removal changes: -1 when it is removed, 1 when it comes back.
    """

    conflicts: list[int]
    updates: list[tuple]
    flips: list[tuple[str, int]]

    def added(self, new: int) -> AddedPosts:
        """What the batch did, with ``new`` posts inserted."""
        removed = sum(1 for _, sign in self.flips if sign < 0)
        return AddedPosts(new, self.conflicts, len(self.updates), removed,
                          len(self.flips) - removed)


def plan(posts: Sequence[Post], stored: dict[str, Stored]) -> Revisions:
    """Weigh each post of the batch against the stored post of its id (``stored``:
    read after the batch's new posts were inserted, so every id is there)."""
    conflicts: list[int] = []
    best: dict[str, Rank] = {}
    for index, post in enumerate(posts):
        current = stored.get(post.id)
        if current is None:
            continue  # not stored: the insert refused it, and said why
        if _identity(post) != current.identity:
            conflicts.append(index)
            continue
        rank = _rank(post)
        if rank > best.get(post.id, current.rank):
            best[post.id] = rank
    updates, flips = [], []
    for post_id, rank in sorted(best.items()):
        updates.append((post_id, *rank))
        was_removed, is_removed = bool(stored[post_id].rank[1]), bool(rank[1])
        if was_removed != is_removed:
            flips.append((post_id, -1 if is_removed else 1))
    return Revisions(conflicts, updates, flips)


def flip_steps(dialect: Dialect) -> list[Step]:
    """The statements that apply :attr:`Revisions.flips`, loaded in the temporary table
    ``post_flips (post_id, sign)``: each live score of a flipped post becomes a
    contribution of the flip's sign, then the aggregates fold them."""
    contribute = Step(
        "INSERT INTO contributions (model_version, subreddit, name, created_utc, seriousness,"
        " sign) SELECT s.model_version, p.subreddit_key, p.subreddit, p.created_utc,"
        " s.seriousness, f.sign FROM post_flips AS f JOIN posts AS p ON p.id = f.post_id"
        " JOIN scores AS s ON s.post_id = f.post_id AND s.retracted_at IS NULL"
        " ORDER BY s.model_version, p.subreddit_key", counts="contributions")
    return [contribute, *fold(dialect, only_if=("contributions",), prune_if=("contributions",))]


def flips_table(dialect: Dialect) -> str:
    text, integer = ("TEXT", "INTEGER") if dialect.name == "sqlite" else ("text", "bigint")
    return (f"CREATE TEMP TABLE IF NOT EXISTS post_flips (post_id {text} NOT NULL,"
            f" sign {integer} NOT NULL){dialect.temp}")
