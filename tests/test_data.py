"""earnest.data.posts_frame: stored posts as a DataFrame, on every store."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import pandas as pd
import pytest

from earnest.data import posts_frame
from earnest.records import Post, Score, fingerprint
from earnest.runtime import make_store
from earnest.store.base import ModelInfo

T0 = 1_356_998_400.0  # 2013-01-01T00:00:00Z


def _post(i: int, subreddit: str) -> Post:
    return Post(id=f"p{i}", subreddit=subreddit, title=f"title {i}", selftext=f"body {i}",
                created_utc=T0 + i * 3600, score=10 * i, num_comments=i, over_18=i == 3)


def _score(p: Post, value: float, version: str) -> Score:
    return Score(post_id=p.id, model_version=version, seriousness=value,
                 subreddit=p.subreddit, created_utc=p.created_utc, post_hash=fingerprint(p))


def _store_posts(settings, live: str | None) -> None:
    """Six posts: p0-p2 in askscience, p3-p5 in Jokes; v1 scores p0-p3, v2 scores p0."""
    async def go() -> None:
        posts = [_post(i, "askscience" if i < 3 else "Jokes") for i in range(6)]
        async with make_store(settings.resolved_database_url()) as store:
            await store.add_posts(posts)
            await store.add_scores([_score(p, i / 4, "v1") for i, p in enumerate(posts[:4])])
            await store.add_scores([_score(posts[0], 0.5, "v2")])
            if live:
                await store.register_model(ModelInfo(live, "x.skops", {}, T0), activate=True)

    asyncio.run(go())


def test_a_frame_of_every_post_with_the_live_models_scores(settings) -> None:
    _store_posts(settings, live="v1")
    frame = posts_frame(settings=settings)
    assert list(frame.columns) == ["id", "subreddit", "title", "selftext", "created_utc",
                                   "score", "num_comments", "over_18", "removed", "seriousness"]
    assert frame["id"].tolist() == ["p5", "p4", "p3", "p2", "p1", "p0"]
    first = frame.iloc[-1]
    assert first["created_utc"] == pd.Timestamp("2013-01-01T00:00:00Z")
    assert str(frame["created_utc"].dtype) == "datetime64[ns, UTC]"
    assert (first["title"], first["selftext"], first["removed"]) == ("title 0", "body 0", "")
    assert frame["score"].tolist() == [50, 40, 30, 20, 10, 0]
    assert frame["over_18"].tolist() == [False, False, True, False, False, False]
    assert frame["seriousness"].tolist()[2:] == [0.75, 0.5, 0.25, 0.0]
    assert frame["seriousness"].iloc[:2].isna().all()


def test_filters_and_another_version(settings) -> None:
    _store_posts(settings, live="v1")
    jokes = posts_frame(["JOKES"], settings=settings)
    assert jokes["id"].tolist() == ["p5", "p4", "p3"]
    window = posts_frame(since=datetime(2013, 1, 1, 1, tzinfo=UTC),
                         until=pd.Timestamp("2013-01-01T04:00Z"), settings=settings)
    assert window["id"].tolist() == ["p3", "p2", "p1"]
    assert posts_frame(since=T0 + 4 * 3600, settings=settings)["id"].tolist() == ["p5", "p4"]
    assert posts_frame(limit=2, settings=settings)["id"].tolist() == ["p5", "p4"]
    v2 = posts_frame(["askscience"], model="v2", settings=settings)
    assert v2["seriousness"].tolist()[2] == 0.5
    assert v2["seriousness"].iloc[:2].isna().all()


def test_without_a_live_model_nothing_is_scored(settings) -> None:
    _store_posts(settings, live=None)
    frame = posts_frame(settings=settings)
    assert len(frame) == 6
    assert frame["seriousness"].isna().all()


def test_an_empty_store_gives_an_empty_frame_with_the_columns(settings) -> None:
    frame = posts_frame(settings=settings)
    assert frame.empty
    assert "seriousness" in frame.columns


def test_it_runs_where_an_event_loop_is_running_as_in_a_jupyter_kernel(settings) -> None:
    _store_posts(settings, live="v1")

    async def inside_a_loop() -> int:
        return len(posts_frame(settings=settings))

    assert asyncio.run(inside_a_loop()) == 6


def test_a_naive_time_is_refused(settings) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        posts_frame(since=datetime(2013, 1, 1), settings=settings)  # noqa: DTZ001


def test_without_pandas_it_says_what_to_install(settings, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # the import fails, as if not installed
    with pytest.raises(ImportError, match=r"pip install earnest\[notebook\]"):
        posts_frame(settings=settings)
