"""The HTTP API over a real store: shapes, case-insensitivity, paging, errors, HEAD, headers."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from earnest.errors import BackendUnavailable
from earnest.records import SUBREDDIT_PATTERN

HOUR = 3600
# conftest.fill: AskScience's 30 posts a0 to a29 3 hours apart, the newest at `now`, the first
# 25 scored; one scored post in Jokes and one in reddit.com.
ASKSCIENCE_POSTS, SCORED = 30, 25

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def test_subreddits_lists_every_tracked_subreddit(api) -> None:
    async def scenario(client, now):
        body = (await client.get("/subreddits")).json()
        assert body["model_version"] == "v1"
        by_name = {s["name"]: s for s in body["subreddits"]}
        assert set(by_name) == {"AskScience", "Jokes", "reddit.com"}
        assert by_name["AskScience"]["posts"] == SCORED
        assert by_name["AskScience"]["seriousness"] == pytest.approx(0.9)
        assert by_name["Jokes"]["seriousness"] == pytest.approx(0.1)
        assert len(by_name["AskScience"]["last_7d"]) == 7
        assert by_name["Jokes"]["last_7d"][-1] == pytest.approx(0.1)

    api(scenario)


def test_subreddit_detail_is_case_insensitive_with_every_hour(api) -> None:
    async def scenario(client, now):
        body = (await client.get("/subreddit/askSCIENCE", params={"limit": 10})).json()
        assert body["name"] == "AskScience"
        assert body["posts_count"] == SCORED
        hours = body["hourly"]
        assert len(hours) == 168
        starts = [datetime.fromisoformat(h["hour"].replace("Z", "+00:00")) for h in hours]
        steps = {(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)}
        assert steps == {HOUR}
        assert sum(h["count"] for h in hours) == SCORED
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
        assert ids == [f"a{i}" for i in range(ASKSCIENCE_POSTS)]
        unscored = (await client.get("/subreddit/askscience", params={"limit": 30})).json()
        assert [p["seriousness"] for p in unscored["posts"][-5:]] == [None] * 5

    api(scenario)


def test_names_follow_the_record_contract(api) -> None:
    async def scenario(client, now):
        assert (await client.get("/subreddit/reddit.com")).json()["posts_count"] == 1
        assert (await client.get("/subreddit/u_someone")).status_code == 404
        spec = (await client.get("/openapi.json")).json()
        (name,) = spec["paths"]["/subreddit/{name}"]["get"]["parameters"][:1]
        assert name["schema"]["pattern"] == SUBREDDIT_PATTERN

    api(scenario)


def test_next_cursor_is_the_last_posts_time_and_id(api) -> None:
    async def scenario(client, now):
        body = (await client.get("/subreddit/askscience", params={"limit": 10})).json()
        assert body["next_cursor"] == f"{now - 9 * 3 * HOUR}.0:a9"

    api(scenario)


@pytest.mark.parametrize(("cursor", "first", "count"), [
    ("9999999999:a", "a0", 5),  # later than every post: the first page
    ("{t4}:a5", "a4", 5),  # a4 is as old as the cursor and its id sorts before a5
    ("{t4}:a4", "a5", 5),  # strictly older: a4 itself is not repeated
    ("{t4}.5:a4", "a4", 5),
    ("{t28}:a28", "a29", 1),
    ("0:a", None, 0),  # older than every post: an empty last page
    ("0000.000:_", None, 0),
])
def test_every_cursor_matching_the_pattern_pages_to_older_posts(
    api, cursor: str, first: str | None, count: int,
) -> None:
    async def scenario(client, now):
        times = {f"t{i}": now - i * 3 * HOUR for i in range(ASKSCIENCE_POSTS)}
        response = await client.get("/subreddit/askscience",
                                    params={"limit": 5, "cursor": cursor.format(**times)})
        assert response.status_code == 200, response.text
        posts = response.json()["posts"]
        assert len(posts) == count
        assert (posts[0]["id"] if posts else None) == first

    api(scenario)


@pytest.mark.parametrize(("path", "code"), [
    ("/subreddit/nosuchsub", 404),
    ("/subreddit/u_nosuchuser", 404),
])
def test_not_found_is_an_error_message(api, path: str, code: int) -> None:
    async def scenario(client, now):
        response = await client.get(path)
        assert response.status_code == code
        assert isinstance(response.json()["detail"], str)

    api(scenario)


@pytest.mark.parametrize(("path", "where"), [
    ("/subreddit/a", ["path", "name"]),
    ("/subreddit/bad-name!", ["path", "name"]),
    ("/subreddit/_underscore", ["path", "name"]),
    ("/subreddit/" + "a" * 22, ["path", "name"]),
    ("/subreddit/askscience?limit=0", ["query", "limit"]),
    ("/subreddit/askscience?cursor=garbage", ["query", "cursor"]),
    ("/subreddit/askscience?cursor=", ["query", "cursor"]),
    ("/subreddit/askscience?cursor=1e9:a1", ["query", "cursor"]),
    ("/subreddit/askscience?cursor=-5:a1", ["query", "cursor"]),
    ("/subreddit/askscience?cursor=5:a-1", ["query", "cursor"]),
    ("/subreddit/askscience?limt=10", ["query", "limt"]),
    ("/status?verbose=1", ["query", "verbose"]),
])
def test_invalid_requests_answer_fastapis_validation_error(api, path: str, where: list) -> None:
    async def scenario(client, now):
        response = await client.get(path)
        assert response.status_code == 422
        (error,) = response.json()["detail"]
        assert error["loc"] == where
        assert isinstance(error["msg"], str) and isinstance(error["type"], str)

    api(scenario)


def test_a_validation_error_does_not_echo_large_input(api) -> None:
    async def scenario(client, now):
        response = await client.get("/subreddit/askscience", params={"cursor": "x" * 10_000})
        assert response.status_code == 422
        assert len(response.content) < 1000
        (error,) = response.json()["detail"]
        assert error["input"].startswith("xxx") and len(error["input"]) <= 201

    api(scenario)


def test_an_unreachable_backend_answers_503_with_retry_after(api) -> None:
    async def unreachable():
        raise BackendUnavailable("the database is unreachable", retry_after=2.5)

    async def scenario(client, now):
        for path in ("/subreddits", "/subreddit/askscience", "/status"):
            response = await client.get(path)
            assert response.status_code == 503
            assert response.json() == {"detail": "the database is unreachable"}
            assert response.headers["retry-after"] == "3"

    api(scenario, break_store=lambda store: setattr(store, "active_model", unreachable))


def test_a_bug_answers_500_with_a_message_and_the_security_headers(api) -> None:
    async def bug():
        raise RuntimeError("a bug")

    async def scenario(client, now):
        response = await client.get("/subreddits")
        assert response.status_code == 500
        assert response.json() == {"detail": "internal error"}
        assert SECURITY_HEADERS.items() <= response.headers.items()

    api(scenario, break_store=lambda store: setattr(store, "active_model", bug))


GET_PATHS = ["/subreddits", "/subreddit/askscience", "/subreddit/nosuchsub", "/status", "/",
             "/r/askscience", "/docs", "/openapi.json", "/assets/swagger-ui/swagger-ui.css",
             "/subreddit/askscience?cursor=garbage"]


def test_head_answers_as_get_does_without_a_body(api) -> None:
    async def scenario(client, now):
        for path in GET_PATHS:
            get, head = await client.get(path), await client.head(path)
            assert (head.status_code, head.headers) == (get.status_code, get.headers), path
            assert head.content == b"", path

    api(scenario)


def test_a_405_allows_head_wherever_it_allows_get(api) -> None:
    async def scenario(client, now):
        response = await client.post("/status")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"

    api(scenario)


def test_every_response_carries_the_security_headers(api) -> None:
    async def scenario(client, now):
        for path in GET_PATHS:
            headers = (await client.get(path)).headers
            assert SECURITY_HEADERS.items() <= headers.items(), path
            policy = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"]
                          .split(";"))
            assert policy["default-src"] == "'self'"
            assert policy["style-src"] == "'self' 'unsafe-inline'"
            assert policy["frame-ancestors"] == "'none'"
            scripts = policy["script-src"].split()
            assert scripts[0] == "'self'"
            assert all(s.startswith("'sha256-") for s in scripts[1:]), path
            assert (path == "/docs") == (len(scripts) > 1), path

    api(scenario)


def test_docs_are_served_from_the_package(api) -> None:
    async def scenario(client, now):
        page = await client.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert len(urls) == 3 and all(u.startswith("/assets/swagger-ui/") for u in urls), urls
        assert "//" not in page.text.replace("<!--", "").split("<script>", 1)[0]
        for url in urls:
            asset = await client.get(url)
            assert asset.status_code == 200 and len(asset.content) > 500, url
        assert (await client.get("/redoc")).status_code == 404

    api(scenario)


def test_status_and_openapi(api) -> None:
    async def scenario(client, now):
        status = (await client.get("/status")).json()
        assert status["posts"] == ASKSCIENCE_POSTS + 2 and status["scores"] == SCORED + 2
        assert set(status["lag"]) == {"store-posts", "score", "store-scores"}
        spec = (await client.get("/openapi.json")).json()
        assert set(spec["paths"]) == {"/subreddits", "/subreddits/export", "/subreddit/{name}",
                                      "/subreddit/{name}/series", "/status", "/models",
                                      "/post/{post_id}", "/events"}
        detail = spec["paths"]["/subreddit/{name}"]["get"]["responses"]
        assert set(detail) == {"200", "304", "404", "422", "500", "503"}
        assert detail["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorMessage"}

    api(scenario)


def test_dashboard_is_served_at_root_and_deep_links(api) -> None:
    async def scenario(client, now):
        for path in ("/", "/r/askscience", "/?q=ask&sort=posts&dir=desc"):
            response = await client.get(path)
            assert response.status_code == 200
            assert 'id="root"' in response.text

    api(scenario)


def test_series_serves_the_five_minute_and_hourly_buckets(api) -> None:
    async def scenario(client, now):
        body = (await client.get("/subreddit/askscience/series")).json()
        assert (body["name"], body["width"], len(body["points"])) == ("AskScience", "5m", 288)
        starts = [datetime.fromisoformat(p["start"].replace("Z", "+00:00")).timestamp()
                  for p in body["points"]]
        assert {b - a for a, b in zip(starts, starts[1:], strict=False)} == {300}
        assert starts[-1] == now // 300 * 300
        filled = [p for p in body["points"] if p["count"]]
        assert len(filled) == 8 and all(p["seriousness"] == 0.9 for p in filled)  # a0 to a7
        hourly = (await client.get("/subreddit/askscience/series",
                                   params={"width": "1h", "hours": 168})).json()
        assert len(hourly["points"]) == 168
        assert sum(p["count"] for p in hourly["points"]) == SCORED
        assert (await client.get("/subreddit/nosuch/series")).status_code == 404
        assert (await client.get("/subreddit/askscience/series",
                                 params={"width": "10m"})).status_code == 422

    api(scenario)
