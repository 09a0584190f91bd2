"""SQL of the model registry's states and of promotions' backfills, written once for
both stores (``?`` marks; :func:`postgres` turns them into psycopg's)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import astuple, fields
from typing import Any

from earnest.store.base import Backfill, UnscoredPost

MODEL_COLUMNS = "version, path, metrics, created_at, state, card, changed_at, live_since"

STATE_OF = "SELECT state FROM models WHERE version = ?"
LIVE_VERSION = "SELECT version FROM models WHERE state = 'live'"
# Demoted first: the unique index allows one live version at any moment.
DEMOTE_LIVE = ("UPDATE models SET state = 'shadow', changed_at = ?"
               " WHERE state = 'live' AND version <> ?")
MAKE_LIVE = ("UPDATE models SET state = 'live', changed_at = ?, live_since = ?"
             " WHERE version = ? AND state <> 'live'")
MARK_SWITCHED = "UPDATE backfills SET switched_at = ? WHERE version = ?"
COUNTED = ("SELECT model_version, sum(count) FROM agg_all WHERE model_version IN (?, ?)"
           " GROUP BY model_version")

BACKFILL_COLUMNS = ", ".join(f.name for f in fields(Backfill))
START_BACKFILL = (
    f"INSERT INTO backfills ({BACKFILL_COLUMNS})"
    f" VALUES ({', '.join('?' * len(fields(Backfill)))}) ON CONFLICT (version) DO UPDATE SET "
    + ", ".join(f"{f.name} = excluded.{f.name}" for f in fields(Backfill) if f.name != "version")
)
BACKFILLS = f"SELECT {BACKFILL_COLUMNS} FROM backfills ORDER BY started_at DESC"
CLAIM_BACKFILL = (
    "UPDATE backfills SET holder = ?, lease_until = ? WHERE version = ?"
    " AND finished_at IS NULL AND (holder IS NULL OR holder = ? OR lease_until < ?)"
    f" RETURNING {BACKFILL_COLUMNS}"
)
SAVE_BACKFILL = (
    "UPDATE backfills SET scored = ?, cursor = ?, passes = ?, updated_at = ?,"
    " finished_at = ?, lease_until = ? WHERE version = ? AND holder = ?"
)
UNSCORED_POSTS = (
    "SELECT p.id, p.subreddit, p.created_utc, p.content_hash, p.title, p.selftext"
    " FROM posts p WHERE p.id > ? AND NOT EXISTS (SELECT 1 FROM scores s"
    " WHERE s.post_id = p.id AND s.model_version = ?) ORDER BY p.id LIMIT ?"
)


def set_state(state: str, expect: Collection[str]) -> str:
    """The update moving a version to ``state`` from one of ``expect``; parameters
    ``(state, changed_at, version, *expect)``."""
    return (f"UPDATE models SET state = ?, changed_at = ? WHERE version = ?"
            f" AND state IN ({', '.join('?' * len(expect))})")


def postgres(sql: str) -> str:
    return sql.replace("?", "%s")


def start_params(backfill: Backfill) -> tuple[Any, ...]:
    return astuple(backfill)


def claim_params(version: str, holder: str, until: float, now: float) -> tuple[Any, ...]:
    return (holder, until, version, holder, now)


def save_params(b: Backfill) -> tuple[Any, ...]:
    return (b.scored, b.cursor, b.passes, b.updated_at, b.finished_at, b.lease_until,
            b.version, b.holder)


def backfill(row: tuple[Any, ...]) -> Backfill:
    return Backfill(*row)


def unscored(row: tuple[Any, ...]) -> UnscoredPost:
    return UnscoredPost(*row)


def caught_up(version: str, live: str | None, counted: list[tuple[Any, ...]]) -> bool:
    """Whether ``version`` counts at least the posts ``live`` counts."""
    figures = {v: int(n or 0) for v, n in counted}
    return live is None or figures.get(version, 0) >= figures.get(live, 0)


def refusal(version: str, state: str | None, wanted: str, expect: Collection[str]) -> str:
    return (f"model {version} is {state}, so it cannot become {wanted} (only a model that is "
            f"{' or '.join(expect)} can)")
