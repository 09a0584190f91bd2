"""The HTTP API over a real store: shapes, case-insensitivity, 404/422, hourly gaps."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx
import pytest

from earnest.api.app import create_app
from earnest.records import Post, Score
from earnest.runtime import connect
from earnest.store.base import ModelInfo

NOW = time.time()
HOUR = 3600


def _posts() -> list[Post]:
    posts = []
    for i in range(30):
        posts.append(Post(id=f"a{i}", subreddit="AskScience", title=f"Why {i}?",
                          created_utc=NOW - i * 3 * HOUR, permalink=f"https://r/{i}"))
    posts.append(Post(id="j1", subreddit="Jokes", title="A joke", created_utc=NOW - 100))
    return posts


def api(settings, scenario):
    async def go():
        async with connect(settings) as (bus, store):
            await store.register_model(ModelInfo("v1", "m.skops", {}, NOW), activate=True)
            posts = _posts()
            await store.add_posts(posts)
            await store.add_scores([
                Score(post_id=p.id, model_version="v1", seriousness=0.9 if p.id != "j1" else 0.1,
                      subreddit=p.subreddit, created_utc=p.created_utc)
                for p in posts[:25] + posts[-1:]
            ])
            transport = httpx.ASGITransport(app=create_app(store, bus))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await scenario(client)

    return asyncio.run(go())


def test_subreddits_lists_every_tracked_subreddit(settings) -> None:
    async def scenario(client):
        body = (await client.get("/subreddits")).json()
        assert body["model_version"] == "v1"
        by_name = {s["name"]: s for s in body["subreddits"]}
        assert set(by_name) == {"AskScience", "Jokes"}
        assert by_name["AskScience"]["posts"] == 25
        assert by_name["AskScience"]["seriousness"] == pytest.approx(0.9)
        assert by_name["Jokes"]["seriousness"] == pytest.approx(0.1)
        assert len(by_name["AskScience"]["last_7d"]) == 7
        assert by_name["Jokes"]["last_7d"][-1] == pytest.approx(0.1)

    api(settings, scenario)


def test_subreddit_detail_is_case_insensitive_with_every_hour(settings) -> None:
    async def scenario(client):
        body = (await client.get("/subreddit/askSCIENCE", params={"limit": 10})).json()
        assert body["name"] == "AskScience"
        assert body["posts_count"] == 25
        hours = body["hourly"]
        assert len(hours) == 168
        starts = [datetime.fromisoformat(h["hour"].replace("Z", "+00:00")) for h in hours]
        steps = {(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)}
        assert steps == {HOUR}
        assert sum(h["count"] for h in hours) == 25
        empty = [h for h in hours if h["count"] == 0]
        assert empty and all(h["seriousness"] is None for h in empty)
        assert [p["id"] for p in body["posts"]] == [f"a{i}" for i in range(10)]
        cursor = body["next_cursor"]
        ids = [p["id"] for p in body["posts"]]
        while cursor:
            page = (await client.get("/subreddit/askscience",
                                     params={"limit": 10, "cursor": cursor})).json()
            ids += [p["id"] for p in page["posts"]]
            cursor = page["next_cursor"]
        assert ids == [f"a{i}" for i in range(30)]
        unscored = (await client.get("/subreddit/askscience", params={"limit": 30})).json()
        assert [p["seriousness"] for p in unscored["posts"][-5:]] == [None] * 5

    api(settings, scenario)


@pytest.mark.parametrize(("path", "code"), [
    ("/subreddit/nosuchsub", 404),
    ("/subreddit/a", 422),
    ("/subreddit/bad-name!", 422),
    ("/subreddit/askscience?limit=0", 422),
    ("/subreddit/askscience?cursor=garbage", 422),
])
def test_errors_are_json(settings, path: str, code: int) -> None:
    async def scenario(client):
        response = await client.get(path)
        assert response.status_code == code
        assert "detail" in response.json()

    api(settings, scenario)


def test_status_and_docs(settings) -> None:
    async def scenario(client):
        status = (await client.get("/status")).json()
        assert status["posts"] == 31 and status["scores"] == 26
        assert set(status["lag"]) == {"store-posts", "score", "store-scores"}
        assert (await client.get("/docs")).status_code == 200
        spec = (await client.get("/openapi.json")).json()
        assert {"/subreddits", "/subreddit/{name}", "/status"} <= set(spec["paths"])

    api(settings, scenario)


def test_dashboard_is_served_at_root_and_deep_links(settings) -> None:
    async def scenario(client):
        for path in ("/", "/r/askscience"):
            response = await client.get(path)
            assert response.status_code == 200
            assert "<div id=\"root\">" in response.text or "id=\"root\"" in response.text

    api(settings, scenario)
