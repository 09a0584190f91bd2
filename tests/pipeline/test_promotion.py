"""Promoting a model while posts keep arriving, then rolling back, on both runtimes.

The pipeline runs throughout (in services mode with a second score replica beside
it): nothing is restarted when the registry changes. An API client reads all along;
the default view must switch in one step, never showing fewer posts than the live
version counted. At the end the independent oracle checks every table row of both
versions: each version scored every stored post exactly once, with its own model.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from tests.oracle import Expected, differences_in_api, differences_in_tables, read_dataset

from earnest.api.app import create_app
from earnest.model import lifecycle
from earnest.model.registry import examine, register
from earnest.pipeline.wiring import PIPELINE, stage_spec
from earnest.records import POSTS, Post, encode
from earnest.run import run_stages
from earnest.runtime import connect
from earnest.testing import write_slice

SLICE = {"askscience": 300, "Jokes": 300, "NeutralPolitics": 150, "circlejerk": 150}
FIRST = 500  # stored and scored by the live model before the promotion


def _post(row: dict[str, str]) -> Post:
    return Post(id=row["id"], subreddit=row["subreddit"], title=row["title"],
                selftext=row["selftext"], created_utc=float(row["created_utc"]),
                url=row["url"], permalink=row["permalink"], published_at=time.time())


def _second_model(rows: list[dict[str, str]]):
    texts = [f"{r['title']}\n\n{r['selftext']}" for r in rows]
    labels = [int(r["subreddit"] in ("askscience", "NeutralPolitics")) for r in rows]
    return make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression()).fit(texts, labels)


async def _until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def test_promote_while_posts_arrive_then_roll_back(settings, dataset: Path, tmp_path: Path,
                                                   earnest_env, backend: str) -> None:
    rows = read_dataset(write_slice(dataset, tmp_path / "slice", SLICE))
    rows.sort(key=lambda r: r["id"])  # interleave the subreddits
    estimator = _second_model(rows)
    expected_old = Expected.from_rows(rows, earnest_env)
    candidate = examine(sio.dumps(estimator), where="the second model", name="tfidf")
    new = candidate.card.version
    texts = [f"{p.title}\n\n{p.selftext}" for p in expected_old.posts.values()]
    expected_new = Expected(expected_old.posts, new, dict(zip(
        expected_old.posts, estimator.predict_proba(texts)[:, 1].tolist(), strict=True)))
    reads: list[tuple[str, int, int]] = []  # (version shown, posts it counts, posts on /subreddits)

    async def scenario() -> None:
        async with connect(settings) as (bus, store):
            app = create_app(store, bus)
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                       base_url="http://test")
            stop = asyncio.Event()
            workers = [asyncio.create_task(run_stages(settings, PIPELINE, stop))]
            if backend == "services":  # a second score replica, its own process in real life
                workers.append(asyncio.create_task(
                    run_stages(settings, [stage_spec("score")], stop)))
            await bus.publish(POSTS, [encode(_post(r)) for r in rows[:FIRST]])

            async def counted(version: str) -> int:
                return (await store.version_figures([version]))[version].posts

            async def old_caught_up() -> bool:
                live = await store.active_model()
                return live is not None and await counted(live.version) == FIRST

            await _until(old_caught_up, 120, "the live model to count the first posts")
            old = (await store.active_model()).version
            assert old == expected_old.model_version
            await register(store, candidate)

            async def feed() -> None:  # 200 posts/s
                for start in range(FIRST, len(rows), 10):
                    await bus.publish(POSTS, [encode(_post(r)) for r in rows[start:start + 10]])
                    await asyncio.sleep(0.05)

            async def watch() -> None:
                while not stop.is_set():
                    models = (await client.get("/models")).json()["models"]
                    live = next(m for m in models if m["live"])
                    listing = await client.get("/subreddits")
                    served = sum(s["posts"] for s in listing.json()["subreddits"])
                    reads.append((listing.headers["X-Earnest-Model"], live["posts"], served))
                    await asyncio.sleep(0.02)

            feeding = asyncio.create_task(feed())
            watching = asyncio.create_task(watch())
            await asyncio.sleep(0.3)
            await lifecycle.promote(store, new)

            async def switched() -> bool:
                live = await store.active_model()
                return live is not None and live.version == new

            await _until(switched, 120, f"{new} to become live")
            await feeding

            async def both_complete() -> bool:
                return (await counted(old), await counted(new)) == (len(rows), len(rows))

            await _until(both_complete, 120, "both versions to count every post")
            stop.set()
            await asyncio.gather(watching, *workers)
            (backfill,) = await store.backfills()
            assert backfill.version == new and backfill.scored > 0
            assert await store.verify() == []

            for expected in (expected_old, expected_new):
                found = differences_in_tables(expected, settings.resolved_database_url(),
                                              one_of_versions=True)
                assert found == [], found[:10]
            assert await _api_differences(expected_new, client) == []

            states = {m.version: m.state for m in await store.models()}
            assert states == {new: "live", old: "shadow"}
            undone = await lifecycle.rollback(store)
            assert (undone.live, undone.replaced) == (old, new)
            listing = await client.get("/subreddits")
            assert listing.headers["X-Earnest-Model"] == old
            assert sum(s["posts"] for s in listing.json()["subreddits"]) == len(rows)
            assert await _api_differences(expected_old, client) == []
            await client.aclose()

    asyncio.run(scenario())
    # The default view switched once, from the old version to the new, and no read
    # ever showed fewer posts than a read before it.
    shown = [version for version, _, _ in reads]
    switch = shown.index(new)
    assert set(shown[:switch]) == {expected_old.model_version} and set(shown[switch:]) == {new}
    for (_, live_before, served_before), (_, live_after, served_after) in zip(
            reads, reads[1:], strict=False):
        assert live_after >= live_before and served_after >= served_before, reads


async def _api_differences(expected: Expected, client: httpx.AsyncClient) -> list[str]:
    """The oracle's API check over the in-process app: the oracle is synchronous, so it
    runs in a thread and each of its requests is answered on this event loop."""
    loop = asyncio.get_running_loop()

    def get(path: str, **params):
        response = asyncio.run_coroutine_threadsafe(client.get(path, params=params),
                                                    loop).result()
        assert response.status_code == 200, (path, response.text)
        return response.json()

    return await asyncio.to_thread(differences_in_api, expected, get)


def test_a_shadow_model_scores_new_posts_out_of_default_reads_until_retired(
        settings, dataset: Path, tmp_path: Path) -> None:
    rows = read_dataset(write_slice(dataset, tmp_path / "slice", {"askscience": 120,
                                                                  "Jokes": 120}))
    candidate = examine(sio.dumps(_second_model(rows)), where="the second model", name="tfidf")
    shadow = candidate.card.version
    posts = [_post(r) for r in rows]

    async def scenario() -> None:
        async with connect(settings) as (bus, store):
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(store, bus)),
                                       base_url="http://test")
            stop = asyncio.Event()
            workers = asyncio.create_task(run_stages(settings, PIPELINE, stop))

            async def counted(version: str) -> int:
                return (await store.version_figures([version]))[version].posts

            async def live_counts(n: int) -> bool:
                live = await store.active_model()
                return live is not None and await counted(live.version) == n

            await bus.publish(POSTS, [encode(p) for p in posts[:100]])
            await _until(lambda: live_counts(100), 60, "the first posts")
            live = (await store.active_model()).version
            await register(store, candidate)
            await lifecycle.shadow(store, shadow)
            # Posts one at a time until the workers score with the shadow version too.
            sent = 100
            while await counted(shadow) == 0:
                await bus.publish(POSTS, [encode(posts[sent])])
                sent += 1
                await _until(lambda n=sent: live_counts(n), 60, "a post")
            before = await counted(shadow)
            await bus.publish(POSTS, [encode(p) for p in posts[sent:sent + 60]])
            sent += 60

            async def shadow_counts() -> bool:
                return await counted(shadow) == before + 60 and await live_counts(sent)

            await _until(shadow_counts, 60, "the shadow version to score the new posts")
            listing = await client.get("/subreddits")
            assert listing.headers["X-Earnest-Model"] == live
            assert sum(s["posts"] for s in listing.json()["subreddits"]) == sent
            shown = (await client.get("/subreddits", params={"model": shadow})).json()
            assert sum(s["posts"] for s in shown["subreddits"]) == before + 60

            await lifecycle.retire(store, shadow)
            await asyncio.sleep(2.5)  # the workers read the registry every second
            await bus.publish(POSTS, [encode(p) for p in posts[sent:]])
            await _until(lambda: live_counts(len(posts)), 60, "the last posts")
            assert await counted(shadow) == before + 60  # retired: it scored none of them
            stop.set()
            await workers
            assert await store.verify() == []
            await client.aclose()

    asyncio.run(scenario())
