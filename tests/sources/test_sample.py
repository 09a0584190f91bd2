"""The sample shipped in the package: real posts that map cleanly, from every subreddit,
spread so that a replay over a week fills every hour, and rebuilt byte for byte."""

from __future__ import annotations

import asyncio
import csv
import json
import subprocess
import sys
from collections import Counter, defaultdict
from itertools import islice
from pathlib import Path

import pytest
import zstandard
from tests.conftest import REPO

from earnest.config import Settings
from earnest.pipeline.ingest import IngestProgress
from earnest.records import Post
from earnest.run import ReplayOptions, start_replay
from earnest.runtime import connect
from earnest.sources import sample
from earnest.sources.dump import DumpSource
from earnest.sources.reddit_data import post_from_reddit
from earnest.sources.replay import ReplaySource
from earnest.sources.timeline import Timeline
from earnest.testing import run_until_idle

NOW = 1_800_000_000.0
PER_SUBREDDIT = 100
SERIOUS = ("askscience", "AskHistorians", "science", "worldnews")
BANTER = ("Jokes", "circlejerk", "funny", "shittyaskscience")


@pytest.fixture(scope="module")
def posts() -> list[Post]:
    records = list(sample.records())
    rejected = [r for r in records if not isinstance(r, Post)]
    assert not rejected, rejected[:3]
    return [r for r in records if isinstance(r, Post)]


def _dataset_rows(dataset: Path) -> dict[str, int]:
    """Rows of each file of the dataset, counted with the standard library alone."""
    csv.field_size_limit(sys.maxsize)
    counts = {}
    for path in dataset.glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as fh:
            counts[path.stem] = sum(1 for _ in csv.DictReader(fh))
    return counts


def test_every_subreddit_of_the_dataset_with_its_share(posts: list[Post], dataset: Path) -> None:
    rows = _dataset_rows(dataset)
    per_subreddit = Counter(p.subreddit for p in posts)
    assert set(per_subreddit) == set(rows)
    assert len(per_subreddit) == 252
    for name, count in per_subreddit.items():
        assert count == min(PER_SUBREDDIT, rows[name]), name
    assert len(posts) == sum(min(PER_SUBREDDIT, n) for n in rows.values()) > 25_000
    assert len({p.id for p in posts}) == len(posts)
    assert set(SERIOUS + BANTER) <= set(per_subreddit)


def test_it_is_small_and_its_texts_are_real(posts: list[Post]) -> None:
    assert sample.SAMPLE_PATH.stat().st_size < 5_000_000
    assert all(len(p.selftext) <= 601 for p in posts)
    assert sum(1 for p in posts if p.selftext) > 3_000
    assert sum(1 for p in posts if p.selftext.endswith("…")) > 500
    assert all(p.permalink.startswith("https://www.reddit.com/r/") for p in posts)
    assert sum(p.over_18 for p in posts) > 0
    assert all(p.title.strip() for p in posts)


def test_posts_of_six_years_oldest_first(posts: list[Post]) -> None:
    times = [p.created_utc for p in posts]
    assert times == sorted(times)
    assert times[0] < 1_200_000_000 and times[-1] > 1_370_000_000  # 2008 and mid-2013


def test_a_replay_over_a_week_fills_every_hour_and_each_subreddit_most_days() -> None:
    replayed = list(ReplaySource(sample.sample_archive(), timeline=Timeline.spread,
                                 anchor=NOW).records(0))
    hours = {int((NOW - p.created_utc) // 3600) for p in replayed if isinstance(p, Post)}
    assert hours == set(range(168))
    days: dict[str, set[int]] = defaultdict(set)
    for post in replayed:
        assert isinstance(post, Post)
        days[post.subreddit].add(int((NOW - post.created_utc) // 86400))
    spread = Counter(len(d) for d in days.values())
    assert sum(n for width, n in spread.items() if width >= 5) >= 240, spread


def test_the_submissions_are_what_the_dump_holds(posts: list[Post]) -> None:
    assert [post_from_reddit(data) for data in sample.submissions()] == posts
    assert list(DumpSource([str(sample.SAMPLE_PATH)]).records(0)) == posts


def test_a_new_sample_is_a_new_replay(tmp_path: Path) -> None:
    """A position saved in a replay of one sample means nothing in another."""
    before = ReplaySource(sample.sample_archive(), anchor=NOW).checkpoint_name
    assert ReplaySource(sample.sample_archive(), anchor=NOW).checkpoint_name == before
    copy = tmp_path / "copy.ndjson.zst"
    copy.write_bytes(sample.SAMPLE_PATH.read_bytes())
    assert ReplaySource(sample.sample_archive(copy), anchor=NOW).checkpoint_name == before
    other = tmp_path / "other.ndjson.zst"
    with zstandard.open(other, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(data) + "\n" for data in islice(sample.submissions(), 10))
    replay = ReplaySource(sample.sample_archive(other), anchor=NOW)
    assert replay.checkpoint_name != before
    assert len(list(replay.records(0))) == 10


def test_the_build_script_rebuilds_it_byte_for_byte(dataset: Path, tmp_path: Path) -> None:
    output = tmp_path / "sample.ndjson.zst"
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build-sample"), "--dataset", str(dataset),
         "--output", str(output)], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert "252 subreddits" in result.stdout
    assert output.read_bytes() == sample.SAMPLE_PATH.read_bytes()


def test_a_resumed_replay_of_the_sample_gives_the_same_records() -> None:
    source = ReplaySource(sample.sample_archive(), timeline=Timeline.spread, anchor=NOW)
    everything = list(source.records(0))
    again = ReplaySource(sample.sample_archive(), timeline=Timeline.spread, anchor=NOW + 999)
    again.restore(source.checkpoint_state())
    assert list(again.records(12_345)) == everything[12_345:]


def test_the_whole_sample_flows_through_the_pipeline(settings: Settings) -> None:
    lines = sum(1 for _ in sample.submissions())

    async def replay() -> IngestProgress:
        async with connect(settings) as (bus, store):
            options = ReplayOptions(sample.sample_archive(), timeline=Timeline.spread)
            return await (await start_replay(options, bus, store, settings, asyncio.Event()))

    progress = asyncio.run(replay())
    assert (progress.published, progress.rejected, progress.finished) == (lines, 0, True)
    asyncio.run(run_until_idle(settings, timeout=240))

    async def check() -> None:
        async with connect(settings) as (_, store):
            counts = await store.counts()
            assert (counts.posts, counts.scores) == (lines, lines)
            assert await store.verify() == []

    asyncio.run(check())
