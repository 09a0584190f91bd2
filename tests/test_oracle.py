"""The test oracle (tests/oracle.py) agrees with a real run, and catches one altered row.

A small slice of real posts, re-timed into the last days, plus two bad rows, is replayed
and run through every stage in this process; ``earnest serve`` answers over HTTP from
the same database. The oracle must pass, then report exactly the one aggregate row or
score altered by hand, in the tables and in what the API serves.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from tests.oracle import (
    Expected,
    assert_oracle,
    differences_in_api,
    differences_in_tables,
    http_get,
    read_dataset,
    snapshot,
)

from earnest.run import ReplayOptions, start_replay
from earnest.runtime import connect
from earnest.testing import EarnestProcess, free_port, run_until_idle, write_recent_dataset

SUBREDDITS = {"askscience": 40, "Jokes": 40, "AskHistorians": 30, "funny": 30}
BAD = {"bad1": {"created_utc": "not-a-time"}, "bad2": {"title": ""}}


def _append_bad_rows(path: Path) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, restval="")
        for post_id, fields in BAD.items():
            writer.writerow({"created_utc": f"{time.time() - 60:.3f}", "id": post_id,
                             "title": "Fine", "over_18": "False", **fields})


def _replay(settings, folder: Path) -> None:
    async def go() -> None:
        stop = asyncio.Event()
        async with connect(settings) as (bus, store):
            await (await start_replay(ReplayOptions(folder), bus, store, settings, stop))

    asyncio.run(go())
    asyncio.run(run_until_idle(settings))


_BUMP = "UPDATE changes SET n = n + 1 WHERE slot = 0"


def _write(url: str, sql: str, *params: object) -> None:
    """One statement in its own transaction, with ``?`` placeholders on both backends.

    The transaction also bumps the store's change counter, as every write of earnest
    does: the API serves answers built once per data version, and polls that version
    every 50 ms, so the test waits a little before reading.
    """
    if url.startswith("postgresql://"):
        with psycopg.connect(url) as conn:
            conn.execute(sql.replace("?", "%s"), params)
            conn.execute(_BUMP)
    else:
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)) as conn, conn:
            conn.execute(sql, params)
            conn.execute(_BUMP)
    time.sleep(0.3)


def _one(url: str, sql: str) -> tuple:
    with snapshot(url) as rows:
        return rows(sql)[0]


def test_oracle_passes_and_catches_one_altered_row(
    settings, earnest_env, dataset: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    write_recent_dataset(dataset, folder, SUBREDDITS, time.time(), spacing=1800)
    _append_bad_rows(folder / "Jokes.csv")
    _replay(settings, folder)
    expected = Expected.from_rows([r for r in read_dataset(folder) if r["id"] not in BAD],
                                  earnest_env)
    db = settings.resolved_database_url()
    port = free_port()
    with EarnestProcess(["serve", "--port", str(port)], earnest_env, port,
                        tmp_path / "serve.log") as api:
        api.wait_for_api(60)
        get = http_get(api.url)
        assert_oracle(expected, db, get, dead_letters={"replay": len(BAD)})
        version = expected.model_version

        # An hourly row counts one post too many: the table and the hour served differ.
        subreddit, bucket, count = _one(
            db, "SELECT subreddit, bucket, count FROM agg_1h ORDER BY count DESC, bucket DESC")
        _write(db, "UPDATE agg_1h SET count = count + 1 WHERE subreddit = ? AND bucket = ?",
               subreddit, bucket)
        found = differences_in_tables(expected, db)
        assert len(found) == 1 and found[0].startswith(
            f"agg_1h {(version, subreddit, bucket)!r}: row has count={count + 1} "), found
        served = differences_in_api(expected, get)
        assert any("/subreddit/" in line and f"count={count + 1} " in line
                   for line in served), served
        assert all(subreddit in line.lower() for line in served), served
        _write(db, "UPDATE agg_1h SET count = ? WHERE subreddit = ? AND bucket = ?",
               count, subreddit, bucket)

        # A 5-minute row's total is off by a quarter.
        subreddit, bucket, total = _one(db, "SELECT subreddit, bucket, total FROM agg_5m"
                                            " ORDER BY bucket, subreddit")
        _write(db, "UPDATE agg_5m SET total = ? WHERE subreddit = ? AND bucket = ?",
               total + 0.25, subreddit, bucket)
        found = differences_in_tables(expected, db)
        assert len(found) == 1 and found[0].startswith(
            f"agg_5m {(version, subreddit, bucket)!r}: row has count="), found
        _write(db, "UPDATE agg_5m SET total = ? WHERE subreddit = ? AND bucket = ?",
               total, subreddit, bucket)

        # An all-time row counts one post too many: /subreddits and the detail differ.
        subreddit, count = _one(db, "SELECT subreddit, count FROM agg_all ORDER BY subreddit")
        _write(db, "UPDATE agg_all SET count = ? WHERE subreddit = ?", count + 1, subreddit)
        found = differences_in_tables(expected, db)
        assert len(found) == 1 and found[0].startswith(
            f"agg_all {(version, subreddit)!r}: row has count={count + 1} "), found
        served = differences_in_api(expected, get)
        assert any(line.startswith("/subreddits ") and f"posts={count + 1}," in line
                   for line in served), served
        assert any(f"posts_count={count + 1}," in line for line in served), served
        _write(db, "UPDATE agg_all SET count = ? WHERE subreddit = ?", count, subreddit)

        # One post's score is wrong (its aggregates are not): the scores table and the
        # post as served differ.
        post_id, value = _one(db, "SELECT post_id, seriousness FROM scores ORDER BY post_id")
        _write(db, "UPDATE scores SET seriousness = ? WHERE post_id = ?", 1 - value, post_id)
        found = differences_in_tables(expected, db)
        assert len(found) == 1 and found[0].startswith(f"scores: {post_id!r} has seriousness="), \
            found
        served = differences_in_api(expected, get)
        assert len(served) == 1 and f"post {post_id!r} has seriousness=" in served[0], served
        _write(db, "UPDATE scores SET seriousness = ? WHERE post_id = ?", value, post_id)

        # A post is marked removed by hand, its aggregates untouched: the posts table and
        # the post served differ; and an oracle told it is gone finds the post right but
        # each aggregate row of it counting one post too many.
        post_id, key = _one(db, "SELECT id, subreddit_key FROM posts AS p WHERE created_utc <"
                                " (SELECT max(created_utc) FROM posts AS q"
                                " WHERE q.subreddit_key = p.subreddit_key) ORDER BY id")
        _write(db, "UPDATE posts SET removed = 'moderator' WHERE id = ?", post_id)
        found = differences_in_tables(expected, db)
        assert found == [f"posts: {post_id!r} has removed=True, expected False"], found
        served = differences_in_api(expected, get)
        assert len(served) == 1 and f"post {post_id!r} has removed='moderator'" in served[0]
        gone = Expected({**expected.posts,
                         post_id: dataclasses.replace(expected.posts[post_id], removed=True)},
                        version, expected.scores)
        found = differences_in_tables(gone, db)
        assert sorted(line.split(" ")[0] for line in found) == ["agg_1h", "agg_5m", "agg_all"]
        assert all(f"{key!r}" in line for line in found), found
        _write(db, "UPDATE posts SET removed = '' WHERE id = ?", post_id)

        assert_oracle(expected, db, get, dead_letters={"replay": len(BAD)})
        assert api.stop() == 0


def test_oracle_catches_a_missing_and_an_unexpected_post(settings, earnest_env, dataset,
                                                          tmp_path) -> None:
    """Without the API: the oracle compares the exact set of posts, not just counts."""
    folder = tmp_path / "data"
    write_recent_dataset(dataset, folder, {"askscience": 20, "Jokes": 20}, time.time(), 3600)
    _replay(settings, folder)
    rows = read_dataset(folder)
    extra = {**rows[0], "id": "extra1"}
    scored = Expected.from_rows([*rows, extra], earnest_env)  # one `earnest score` call

    def expect(ids: set[str]) -> Expected:
        return Expected({i: p for i, p in scored.posts.items() if i in ids},
                        scored.model_version, scored.scores)

    db = settings.resolved_database_url()
    stored = {r["id"] for r in rows}
    assert differences_in_tables(expect(stored), db) == []

    gone = rows[0]["id"]
    found = differences_in_tables(expect(stored - {gone}), db)
    assert f"posts: {gone!r} is stored but was not expected" in found
    assert f"scores: ({gone!r}, {scored.model_version!r}) was not expected" in found
    assert any(line.startswith("agg_all ") for line in found), found

    with pytest.raises(AssertionError, match=r"posts: 'extra1' is missing"):
        assert_oracle(expect(stored | {"extra1"}), db)
