"""Bad input is dead-lettered with its reason while everything else flows on."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from earnest.records import POSTS, SCORES
from earnest.run import ReplayOptions, start_replay
from earnest.runtime import connect
from earnest.sources.csv_rows import COLUMNS
from earnest.testing import run_until_idle, write_slice


def _append_bad_rows(path: Path) -> None:
    good = dict.fromkeys(COLUMNS, "")
    good.update(created_utc="1356613589.0", id="zz1", title="Fine", over_18="False")
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writerow({**good, "id": "bad1", "created_utc": "not-a-time"})
        writer.writerow({**good, "id": "bad2", "title": ""})
    with open(path, "ab") as fh:
        fh.write(b'1356613589.0,1,d,bad3,"\xff\xfe broken",1,0,0,p,,,False,,,False,,,True,n,u,\r\n')


def test_malformed_rows_and_messages_are_dead_lettered(settings, dataset, tmp_path) -> None:
    folder = write_slice(dataset, tmp_path / "data", {"askscience": 100, "Jokes": 100})
    _append_bad_rows(folder / "Jokes.csv")

    async def replay_and_poison() -> None:
        stop = asyncio.Event()
        async with connect(settings) as (bus, store):
            job = await start_replay(ReplayOptions(folder), bus, store, settings, stop)
            progress = await job
            assert (progress.published, progress.rejected) == (200, 3)
            await bus.publish(POSTS, [b"{not json", b'{"id": "x", "subreddit": "a"}'])
            await bus.publish(SCORES, [b'{"post_id": "p", "model_version": "v",'
                                       b' "seriousness": 7, "subreddit": "a", "created_utc": 1}'])

    asyncio.run(replay_and_poison())
    asyncio.run(run_until_idle(settings))

    async def check() -> None:
        async with connect(settings) as (_, store):
            counts = await store.counts()
            assert (counts.posts, counts.scores) == (200, 200)
            letters = await store.dead_letters(100)
            assert await store.verify() == []
        by_stage: dict[str, list[str]] = {}
        for letter in letters:
            by_stage.setdefault(letter.stage, []).append(letter.reason)
        assert len(by_stage["replay"]) == 3
        reasons = " | ".join(by_stage["replay"])
        assert "created_utc 'not-a-time' is not a number" in reasons
        assert "title is missing" in reasons
        assert "not valid UTF-8" in reasons
        # Both groups reading posts reject the same two records: one dead letter each.
        from_posts = by_stage.get("store-posts", []) + by_stage.get("score", [])
        assert len(from_posts) == 2
        assert all(r.startswith("post is not valid") for r in from_posts)
        assert by_stage["store-scores"] == ["seriousness 7.0 is outside [0, 1]"]
        assert counts.dead_letters == 3 + 2 + 1

    asyncio.run(check())
