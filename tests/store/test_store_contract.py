"""The store contract, on every backend: idempotent writes, exact aggregates, reads."""

from __future__ import annotations

import asyncio
import math

import msgspec
import pytest

from earnest.records import DeadLetter, Post, Score
from earnest.runtime import make_store
from earnest.store.base import ModelInfo

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def post(i: int, subreddit: str = "AskScience", at: float | None = None) -> Post:
    return Post(id=f"p{i}", subreddit=subreddit, title=f"title {i}",
                created_utc=T0 + i * 97 if at is None else at, url=f"https://x/{i}",
                permalink=f"https://reddit/{i}")


def score(p: Post, value: float, version: str = "v1") -> Score:
    return Score(post_id=p.id, model_version=version, seriousness=value,
                 subreddit=p.subreddit, created_utc=p.created_utc)


def run(settings, scenario):
    async def go():
        async with make_store(settings.resolved_database_url()) as store:
            return await scenario(store)

    return asyncio.run(go())


def test_posts_are_stored_once(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(10)]
        assert await store.add_posts(posts) == 10
        assert await store.add_posts(posts[5:] + [post(10)]) == 1
        assert (await store.counts()).posts == 11

    run(settings, scenario)


def test_redelivered_scores_are_counted_once(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(50)]
        await store.add_posts(posts)
        scores = [score(p, (i % 10) / 10) for i, p in enumerate(posts)]
        assert await store.add_scores(scores[:30]) == 30
        assert await store.add_scores(scores[20:] + scores[:5]) == 20
        assert await store.add_scores(scores + scores) == 0
        stats = await store.subreddit("v1", "askscience")
        assert stats.posts == 50
        assert math.isclose(stats.seriousness, sum(s.seriousness for s in scores) / 50)
        assert await store.verify() == []

    run(settings, scenario)


def test_nul_characters_neither_fail_nor_miscount(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(1), msgspec.structs.replace(post(2), title="a\x00b", selftext="\x00")]
        assert await store.add_posts(posts) == 2
        scores = [score(p, 0.5) for p in posts]
        assert await store.add_scores(scores) == 2
        assert await store.add_scores(scores) == 0
        assert (await store.subreddit("v1", "askscience")).posts == 2
        page = await store.posts_page("v1", "askscience", 10, None)
        assert {p.title.replace("\x00", "") for p in page} == {"title 1", "ab"}
        assert await store.verify() == []

    run(settings, scenario)


def test_subreddit_view_agrees_with_the_separate_reads(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i, at=T0 + i * 1800) for i in range(30)] + [post(99, "Jokes")]
        await store.add_posts(posts)
        await store.add_scores([score(p, (i % 4) / 4) for i, p in enumerate(posts)])
        since = int(T0) + 3600 * 5
        view = await store.subreddit_view("v1", "ASKSCIENCE", 10, None, since)
        assert view.stats == await store.subreddit("v1", "askscience")
        assert view.posts == await store.posts_page("v1", "askscience", 10, None)
        assert view.hours == await store.series("v1", since, 3600, "askscience")
        assert len(view.posts) == 10 and view.hours and view.stats.posts == 30
        assert await store.subreddit_view("v1", "nosuch", 10, None, since) is None
        assert await store.subreddit_view("v2", "askscience", 10, None, since) is None

    run(settings, scenario)


def test_buckets_follow_post_creation_time(settings) -> None:
    async def scenario(store) -> None:
        late = post(1, at=T0 + 5 * 3600 + 1)  # arrives first but belongs 5 h later
        early = post(2, at=T0 + 1)
        await store.add_posts([late, early])
        await store.add_scores([score(late, 1.0), score(early, 0.0)])
        hours = {p.start: (p.count, p.total) for p in await store.series("v1", 0, 3600)}
        start = int(T0 // 3600 * 3600)
        assert hours == {start: (1, 0.0), start + 5 * 3600: (1, 1.0)}
        days = await store.series("v1", 0, 86400, "ASKSCIENCE")
        assert sum(p.count for p in days) == 2
        assert await store.verify() == []

    run(settings, scenario)


def test_versions_are_aggregated_apart(settings) -> None:
    async def scenario(store) -> None:
        p = post(1)
        await store.add_posts([p])
        await store.add_scores([score(p, 0.2, "v1"), score(p, 0.8, "v2")])
        assert (await store.subreddit("v1", "AskScience")).seriousness == pytest.approx(0.2)
        assert (await store.subreddit("v2", "askscience")).seriousness == pytest.approx(0.8)
        assert await store.subreddit("v3", "askscience") is None

    run(settings, scenario)


def test_verify_reports_tampered_aggregates(settings) -> None:
    async def scenario(store) -> None:
        p = post(1)
        await store.add_posts([p])
        await store.add_scores([score(p, 0.5)])
        # A score row that bypassed the aggregates is exactly what verify must catch.
        q = post(2)
        await store.add_posts([q])
        await store.add_scores([score(q, 0.5, "v1")])
        await _delete_aggregate_row(store)
        assert await store.verify() != []

    run(settings, scenario)


async def _delete_aggregate_row(store) -> None:
    if hasattr(store, "_db"):
        await store._db.write(lambda conn: conn.execute("DELETE FROM agg_1h"))
    else:
        await store._execute("DELETE FROM agg_1h")


def test_posts_page_newest_first_with_cursor(settings) -> None:
    async def scenario(store) -> None:
        posts = [post(i) for i in range(7)] + [post(99, "Jokes")]
        await store.add_posts(posts)
        await store.add_scores([score(p, 0.1 * i) for i, p in enumerate(posts[:3])])
        first = await store.posts_page("v1", "askscience", 4, None)
        assert [p.id for p in first] == ["p6", "p5", "p4", "p3"]
        assert first[0].seriousness is None
        rest = await store.posts_page("v1", "askscience", 4, (first[-1].created_utc, first[-1].id))
        assert [p.id for p in rest] == ["p2", "p1", "p0"]
        assert rest[0].seriousness == pytest.approx(0.2)

    run(settings, scenario)


def test_dead_letters_checkpoints_and_models(settings) -> None:
    async def scenario(store) -> None:
        letter = DeadLetter(stage="replay", reason="title is missing", raw="x,y", at=T0)
        await store.add_dead_letters([letter, letter])
        await store.add_dead_letters([letter])
        letters = await store.dead_letters(10)
        assert [(d.stage, d.reason, d.raw) for d in letters] == [("replay", "title is missing",
                                                                   "x,y")]
        assert await store.get_checkpoint("replay:a") is None
        await store.put_checkpoint("replay:a", {"position": 3})
        await store.put_checkpoint("replay:a", {"position": 5, "anchor": 1.5})
        assert await store.get_checkpoint("replay:a") == {"position": 5, "anchor": 1.5}
        await store.register_model(ModelInfo("v1", "a.skops", {"auc": 0.9}, T0), activate=True)
        await store.register_model(ModelInfo("v2", "b.skops", {}, T0 + 1), activate=False)
        assert (await store.active_model()).version == "v1"
        await store.register_model(ModelInfo("v2", "b.skops", {}, T0 + 1), activate=True)
        assert (await store.active_model()).version == "v2"
        assert [m.version for m in await store.models()] == ["v2", "v1"]

    run(settings, scenario)


def test_training_posts_by_subreddit(settings) -> None:
    async def scenario(store) -> None:
        await store.add_posts([post(1, "askscience"), post(2, "Jokes"), post(3, "pics")])
        rows = await store.training_posts(["AskScience", "jokes"])
        assert sorted(r[0] for r in rows) == ["Jokes", "askscience"]

    run(settings, scenario)
