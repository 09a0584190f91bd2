"""``GET /subreddits`` paged, sorted and filtered on the server, and its export, against an
order recomputed here from the posts the test wrote."""

from __future__ import annotations

import csv
import io
import json

import pytest

from earnest.records import Post, Score

HOUR = 3600
SUBS = 40


def extra(now: int) -> list[tuple[Post, float]]:
    """Sub00 to Sub39: 1 to 5 posts each, one seriousness per subreddit (so ties; eighths,
    so that means are exact), at times that differ."""
    out = []
    for i in range(SUBS):
        for j in range(i % 5 + 1):
            post = Post(id=f"s{i}x{j}", subreddit=f"Sub{i:02d}", title=f"t {i} {j}",
                        created_utc=now - (i * 7 % 13) * HOUR - j)
            out.append((post, (i * 7 % 8) / 8))
    return out


async def prepare(store, now) -> None:
    pairs = extra(now)
    await store.add_posts([p for p, _ in pairs])
    await store.add_scores([Score(post_id=p.id, model_version="v1", seriousness=s,
                                  subreddit=p.subreddit, created_utc=p.created_utc)
                            for p, s in pairs])


def expected(now: int) -> dict[str, dict]:
    """Each subreddit's figures, from what conftest.fill and :func:`extra` wrote."""
    rows: dict[str, dict] = {
        "AskScience": {"posts": 25, "total": 25 * 0.9, "last": now},
        "Jokes": {"posts": 1, "total": 0.1, "last": now},
        "reddit.com": {"posts": 1, "total": 0.1, "last": now - HOUR},
    }
    for post, seriousness in extra(now):
        row = rows.setdefault(post.subreddit, {"posts": 0, "total": 0.0, "last": 0})
        row["posts"] += 1
        row["total"] += seriousness
        row["last"] = max(row["last"], post.created_utc)
    for row in rows.values():
        row["seriousness"] = row["total"] / row["posts"]
    return rows


def order(rows: dict[str, dict], sort: str, descending: bool) -> list[str]:
    names = sorted(rows, key=str.lower)
    if sort == "name":
        return names[::-1] if descending else names
    field = {"seriousness": "seriousness", "posts": "posts", "last_post": "last"}[sort]
    sign = -1 if descending else 1
    return sorted(names, key=lambda n: sign * rows[n][field])  # stable: ties stay by name


async def walk(client, **params) -> list[str]:
    names, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/subreddits", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["subreddits"]) <= params.get("limit", 10**9)
        names += [s["name"] for s in body["subreddits"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            return names
        assert pages < 100


@pytest.mark.parametrize(("sort", "order_"), [
    ("name", None), ("name", "desc"), ("seriousness", None), ("seriousness", "asc"),
    ("posts", None), ("posts", "asc"), ("last_post", None), ("last_post", "asc"),
])
def test_pages_follow_the_order_asked(api, sort, order_) -> None:
    async def scenario(client, now):
        rows = expected(now)
        descending = order_ == "desc" or (order_ is None and sort != "name")
        params = {"sort": sort, "limit": 7, **({"order": order_} if order_ else {})}
        assert await walk(client, **params) == order(rows, sort, descending)

    api(scenario, prepare=prepare)


def test_filters_by_prefix_and_minimum_posts(api) -> None:
    async def scenario(client, now):
        rows = expected(now)
        wanted = [n for n in order(rows, "posts", True)
                  if n.lower().startswith("sub1") and rows[n]["posts"] >= 3]
        assert await walk(client, sort="posts", prefix="SUB1", min_posts=3, limit=2) == wanted
        everything = (await client.get("/subreddits", params={"min_posts": 5})).json()
        assert [s["name"] for s in everything["subreddits"]] == \
            [n for n in order(rows, "name", False) if rows[n]["posts"] >= 5]

    api(scenario, prepare=prepare)


def test_the_default_lists_every_subreddit_by_name_with_no_next_page(api) -> None:
    async def scenario(client, now):
        rows = expected(now)
        body = (await client.get("/subreddits")).json()
        assert [s["name"] for s in body["subreddits"]] == order(rows, "name", False)
        assert body["next_cursor"] is None
        for s in body["subreddits"]:
            assert s["posts"] == rows[s["name"]]["posts"]
            assert s["seriousness"] == pytest.approx(rows[s["name"]]["seriousness"])

    api(scenario, prepare=prepare)


def test_the_export_streams_the_whole_list(api) -> None:
    async def scenario(client, now):
        listed = (await client.get("/subreddits")).json()["subreddits"]
        ndjson = await client.get("/subreddits/export")
        assert ndjson.headers["content-type"] == "application/x-ndjson"
        assert [json.loads(line) for line in ndjson.text.splitlines()] == listed
        table = await client.get("/subreddits/export", params={"format": "csv"})
        assert table.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(table.text)))
        assert [r["name"] for r in rows] == [s["name"] for s in listed]
        for row, summary in zip(rows, listed, strict=True):
            assert int(row["posts"]) == summary["posts"]
            assert float(row["seriousness"]) == pytest.approx(summary["seriousness"])
            days = [row[f"last_7d_{i}"] for i in range(1, 8)]
            assert [float(d) if d else None for d in days] == summary["last_7d"]

    api(scenario, prepare=prepare)
