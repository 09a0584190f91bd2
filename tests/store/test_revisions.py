"""Revisions on every backend: later records of a stored post update it, and a removal
takes the post out of the aggregates exactly once (and a comeback puts it back)."""

from __future__ import annotations

import asyncio
import itertools
import random

import msgspec
import pytest

from earnest.records import Post, Score, fingerprint
from earnest.runtime import make_store

T0 = 1_700_000_000.0


def post(i: int, subreddit: str = "AskScience", **changes) -> Post:
    base = Post(id=f"p{i}", subreddit=subreddit, title=f"title {i}", created_utc=T0 + i * 97,
                selftext=f"text {i}", score=1, num_comments=0)
    return msgspec.structs.replace(base, **changes)


def later(p: Post, at: float, **changes) -> Post:
    """A later retrieval of ``p``: more votes, maybe gone."""
    return msgspec.structs.replace(p, observed_at=at, score=p.score + int(at) % 7 + 1,
                                   num_comments=p.num_comments + 2, **changes)


def score(p: Post, value: float, version: str = "v1", sign: int = 1) -> Score:
    return Score(post_id=p.id, model_version=version, seriousness=value, sign=sign,
                 subreddit=p.subreddit, created_utc=p.created_utc, post_hash=fingerprint(p))


def run(settings, scenario):
    async def go():
        async with make_store(settings.resolved_database_url()) as store:
            return await scenario(store)

    return asyncio.run(go())


async def figures(store, name: str = "askscience", version: str = "v1"):
    stats = await store.subreddit(version, name)
    return (stats.posts, round(stats.seriousness, 9)) if stats else (0, None)


async def shown(store, post_id: str, name: str = "askscience") -> str:
    page = await store.posts_page("v1", name, 100, None)
    return next(p.removed for p in page if p.id == post_id)


def test_a_removal_takes_the_post_out_and_a_comeback_puts_it_back(settings) -> None:
    async def scenario(store) -> None:
        a, b = post(1), post(2)
        await store.add_posts([a, b])
        await store.add_scores([score(a, 0.2), score(b, 0.6), score(a, 0.7, "v2")])
        assert await figures(store) == (2, 0.4)

        gone = later(a, T0 + 5000, removed="moderator")
        added = await store.add_posts([gone])
        assert (added.new, added.conflicts, added.revised, added.removed) == (0, [], 1, 1)
        assert await figures(store) == (1, 0.6)
        assert await figures(store, version="v2") == (0, None)
        assert await shown(store, "p1") == "moderator"
        assert await store.verify() == []

        # Redelivered, or an older copy arriving late: nothing changes.
        for copy in (gone, a, later(a, T0 + 100)):
            added = await store.add_posts([copy])
            assert (added.revised, added.removed, added.restored) == (0, 0, 0)
        assert await figures(store) == (1, 0.6)

        back = later(a, T0 + 9000)
        assert (await store.add_posts([back])).restored == 1
        assert await figures(store) == (2, 0.4)
        assert await figures(store, version="v2") == (1, 0.7)
        assert await shown(store, "p1") == ""
        assert await store.verify() == []

    run(settings, scenario)


def test_scores_of_a_removed_post_are_kept_but_not_counted(settings) -> None:
    async def scenario(store) -> None:
        a, b = post(1), post(2)
        gone = later(a, T0 + 10, removed="deleted")
        await store.add_posts([a, gone, b])  # removed within the batch it arrives in
        # Both are stored; only the visible post's is counted.
        assert (await store.add_scores([score(a, 0.9), score(b, 0.3)])).new == 1
        assert await figures(store) == (1, 0.3)
        # A retraction of the removed post's score takes nothing out of the aggregates,
        # and its comeback does not bring the retracted score back.
        assert (await store.add_scores([score(a, 0.9, sign=-1)])).retracted == 0
        assert await figures(store) == (1, 0.3)
        await store.add_posts([later(a, T0 + 20)])
        assert await figures(store) == (1, 0.3)
        assert await store.verify() == []

    run(settings, scenario)


def test_a_score_waiting_for_a_post_that_arrives_removed_is_not_counted(settings) -> None:
    async def scenario(store) -> None:
        a = post(1, removed="moderator", observed_at=T0 + 60)
        assert (await store.add_scores([score(a, 0.5)])).waiting == 1
        await store.add_posts([a])
        await store.add_scores([])
        assert await figures(store) == (0, None)
        assert (await store.counts()).waiting_scores == 0
        await store.add_posts([later(a, T0 + 120, removed="")])
        assert await figures(store) == (1, 0.5)
        assert await store.verify() == []

    run(settings, scenario)


def test_the_outcome_does_not_depend_on_the_order_revisions_arrive_in(settings) -> None:
    """Every order of the same records ends in the same stored state (replicas and
    redeliveries reorder them), a removal winning a tie of retrieval times."""
    a = post(1)
    records = [a, later(a, T0 + 50, removed="moderator"), later(a, T0 + 80),
               later(a, T0 + 80, removed="deleted"), later(a, T0 + 30)]
    outcomes = set()

    async def scenario(store) -> None:
        for order in itertools.permutations(range(len(records)), len(records)):
            if random.Random(str(order)).random() > 0.25 and order != (0, 1, 2, 3, 4):
                continue  # a sample of the 120 orders keeps this fast
            ids = {i: f"q{''.join(map(str, order))}" for i in range(len(records))}
            copies = [msgspec.structs.replace(records[i], id=ids[i]) for i in order]
            await store.add_posts(copies[:2])
            await store.add_scores([score(copies[0], 0.5)])
            for copy in copies[2:]:
                await store.add_posts([copy])
            page = await store.posts_page("v1", "askscience", 500, None)
            [row] = [p for p in page if p.id == ids[0]]
            outcomes.add(row.removed)
        assert outcomes == {"deleted"}
        assert await figures(store) == (0, None)
        assert await store.verify() == []

    run(settings, scenario)


def test_another_post_under_a_used_id_still_conflicts(settings) -> None:
    async def scenario(store) -> None:
        a = post(1)
        await store.add_posts([a])
        for change in ({"title": "another"}, {"subreddit": "Jokes"},
                       {"created_utc": T0 + 1}):
            other = msgspec.structs.replace(later(a, T0 + 99), **change)
            added = await store.add_posts([other, post(3)])
            assert (added.conflicts, added.revised) == ([0], 0)

    run(settings, scenario)


@pytest.mark.parametrize("rounds", [6])
def test_concurrent_removals_and_scores_stay_exact(settings, rounds: int) -> None:
    """Posts removed and restored while their scores are written, from concurrent
    transactions (PostgreSQL: connections of a pool), end as a recount has them."""
    async def scenario(store) -> None:
        posts = [post(i, subreddit=("AskScience", "Jokes")[i % 2]) for i in range(400)]
        await store.add_posts(posts)
        rng = random.Random(7)

        async def scores(version: str) -> None:
            for chunk in range(0, len(posts), 50):
                await store.add_scores([score(p, rng.random(), version)
                                        for p in posts[chunk:chunk + 50]])

        async def revisions(at: float) -> None:
            for chunk in range(0, len(posts), 40):
                await store.add_posts([
                    later(p, at + i, removed=rng.choice(["", "moderator", "deleted"]))
                    for i, p in enumerate(posts[chunk:chunk + 40])])

        for r in range(rounds):
            await asyncio.gather(scores(f"v{r}"), revisions(T0 + 1000 * (r + 1)),
                                 scores(f"w{r}"))
        assert await store.verify() == []

    run(settings, scenario)


def test_the_newest_post_counted_follows_removals(settings) -> None:
    async def scenario(store) -> None:
        older, newest = post(1), post(2)
        await store.add_posts([older, newest])
        await store.add_scores([score(older, 0.1), score(newest, 0.2)])
        assert (await store.subreddit("v1", "askscience")).last_post_utc == newest.created_utc
        await store.add_posts([later(newest, T0 + 500, removed="deleted")])
        assert (await store.subreddit("v1", "askscience")).last_post_utc == older.created_utc
        await store.add_posts([later(newest, T0 + 900)])
        assert (await store.subreddit("v1", "askscience")).last_post_utc == newest.created_utc

    run(settings, scenario)
