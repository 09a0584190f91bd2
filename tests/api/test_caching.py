"""Answers kept ready: ETags and 304s, gzip, Cache-Control, and a change showing up."""

from __future__ import annotations

import asyncio
import gzip
import json
import time

from earnest.records import Post, Score
from earnest.runtime import make_store

DATA_PATHS = ["/subreddits", "/subreddits?sort=posts&limit=2", "/subreddit/askscience",
              "/subreddit/AskScience/series?width=1h", "/models", "/status"]


def test_an_unchanged_answer_is_a_304_without_a_body(api) -> None:
    async def scenario(client, now):
        for path in DATA_PATHS:
            first = await client.get(path)
            etag = first.headers["etag"]
            assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
            assert etag.startswith('"') and etag.endswith('"'), path
            again = await client.get(path, headers={"If-None-Match": etag})
            assert again.status_code == 304, path
            assert again.content == b"" and again.headers["etag"] == etag
            other = await client.get(path, headers={"If-None-Match": '"something-else"'})
            assert other.status_code == 200 and other.content == first.content, path

    api(scenario)


def test_gzip_only_when_accepted_and_both_decode_to_the_same_json(api) -> None:
    async def scenario(client, now):
        for path in ("/subreddits", "/subreddit/askscience"):
            plain = await client.get(path, headers={"Accept-Encoding": "identity"})
            assert "content-encoding" not in plain.headers
            request = client.build_request("GET", path, headers={"Accept-Encoding": "gzip"})
            zipped = await client.send(request, stream=True)
            raw = b"".join([chunk async for chunk in zipped.aiter_raw()])
            assert zipped.headers["content-encoding"] == "gzip"
            assert zipped.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
            assert json.loads(gzip.decompress(raw)) == plain.json()
            assert len(raw) < len(plain.content)
            # Either representation's tag revalidates.
            for tag in (plain.headers["etag"], zipped.headers["etag"]):
                again = await client.get(path, headers={"If-None-Match": tag})
                assert again.status_code == 304
            refused = await client.get(path, headers={"Accept-Encoding": "gzip;q=0"})
            assert "content-encoding" not in refused.headers

    api(scenario)


def test_a_change_by_another_process_shows_within_a_second(api, settings) -> None:
    """The store the app reads did not write it: only the polled data version tells."""
    async def scenario(client, now):
        before = await client.get("/subreddit/askscience", params={"limit": 1})
        listing = await client.get("/subreddits")
        post = Post(id="new1", subreddit="AskScience", title="Brand new?", created_utc=now + 1)
        async with make_store(settings.resolved_database_url()) as other:
            await other.add_posts([post])
            await other.add_scores([Score(post_id="new1", model_version="v1", seriousness=0.2,
                                          subreddit="AskScience", created_utc=now + 1)])
        written = time.monotonic()
        while True:
            after = await client.get("/subreddit/askscience", params={"limit": 1},
                                     headers={"If-None-Match": before.headers["etag"]})
            if after.status_code == 200:
                break
            assert time.monotonic() - written < 1.0, "the change did not show within 1 s"
            await asyncio.sleep(0.02)
        assert after.json()["posts"][0]["id"] == "new1"
        assert after.json()["posts_count"] == before.json()["posts_count"] + 1
        assert after.headers["etag"] != before.headers["etag"]
        fresh = await client.get("/subreddits", headers={"If-None-Match": listing.headers["etag"]})
        assert fresh.status_code == 200
        by_name = {s["name"]: s for s in fresh.json()["subreddits"]}
        assert by_name["AskScience"]["posts"] == before.json()["posts_count"] + 1

    api(scenario)


def test_a_write_of_the_apps_own_store_shows_at_once(api) -> None:
    async def scenario(client, now, store):
        before = (await client.get("/subreddits")).json()
        await store.add_posts([Post(id="z1", subreddit="Zebras", title="Stripes",
                                    created_utc=now)])
        await store.add_scores([Score(post_id="z1", model_version="v1", seriousness=0.5,
                                      subreddit="Zebras", created_utc=now)])
        after = (await client.get("/subreddits")).json()
        names = [s["name"] for s in after["subreddits"]]
        assert names == [s["name"] for s in before["subreddits"]] + ["Zebras"]

    api(scenario, with_store=True)


def test_assets_are_cached_by_their_names_and_compressed(api) -> None:
    async def scenario(client, now):
        page = await client.get("/")
        assert page.headers["cache-control"] == "no-cache"
        scripts = [part.split('"')[0] for part in page.text.split('src="')[1:]]
        assert scripts, "index.html names no script"
        for path in scripts:
            asset = await client.get(path, headers={"Accept-Encoding": "gzip"})
            assert asset.status_code == 200, path
            assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert asset.headers["content-encoding"] == "gzip"
        swagger = await client.get("/assets/swagger-ui/swagger-ui.css")
        assert swagger.headers["cache-control"] == "no-cache"

    api(scenario)
