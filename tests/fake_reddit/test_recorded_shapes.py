"""The fake's answers have the shapes of Reddit's recorded ones: keys, types, formats."""

from __future__ import annotations

import functools
import json
import re

import pytest
from tests.fake_reddit.conftest import RECORDINGS

from earnest.fake_reddit import FakeReddit, FakeRedditConfig
from earnest.records import Post
from earnest.sources.reddit_data import post_from_reddit

# The newest recorded listing (April 2026): today's field set.
CURRENT_LISTING = RECORDINGS / "praw" / "TestSubmission.test_hide_multiple_in_batches.json"


@functools.cache
def interactions() -> list[dict]:
    assert RECORDINGS.is_dir(), f"the recorded Reddit API traffic is missing at {RECORDINGS}"
    found = []
    for path in sorted(RECORDINGS.rglob("*.json")):
        found += json.loads(path.read_text(encoding="utf-8")).get("interactions", [])
    return found


def recorded(status: int, uri_part: str) -> list[dict]:
    """The recorded responses with ``status`` to requests whose URI contains ``uri_part``."""
    return [i["response"] for i in interactions()
            if i["response"]["status"]["code"] == status and uri_part in i["request"]["uri"]]


def body(response: dict) -> object:
    return json.loads(response["body"]["string"])


def form(request: dict) -> str:
    """A recorded request's body: a string, or ``{"string": ...}`` in later cassettes."""
    sent = request.get("body") or ""
    return sent.get("string", "") if isinstance(sent, dict) else sent


def headers(response: dict) -> dict[str, str]:
    return {name.lower(): values[0] for name, values in response["headers"].items()}


def types(value: dict) -> dict[str, type]:
    return {key: type(item) for key, item in value.items() if item is not None}


@pytest.fixture(scope="module")
def reddit():
    with FakeReddit(FakeRedditConfig(rate=0, subreddits={"science": 1})) as running:
        running.burst(5)
        yield running


def test_token_body_is_the_recorded_one(reddit, client) -> None:
    # The flows a script uses; the refresh-token flows add a refresh_token.
    grants = [body(i["response"]) for i in interactions()
              if i["request"]["uri"].endswith("/api/v1/access_token")
              and i["response"]["status"]["code"] == 200
              and re.search(r"grant_type=(client_credentials|password)\b",
                            form(i["request"]))
              and "access_token" in body(i["response"])]
    assert len(grants) > 20
    ours = client(reddit).grant().json()
    for grant in grants:
        assert set(ours) == set(grant) and types(ours) == types(grant)


def test_listing_has_the_current_recorded_shape(reddit, client) -> None:
    response = json.loads(CURRENT_LISTING.read_text(encoding="utf-8"))["interactions"][1]
    theirs = json.loads(response["response"]["body"]["string"])
    ours = client(reddit).get("/r/science/new", limit=2).json()
    assert ours["kind"] == theirs["kind"] == "Listing"
    assert list(ours["data"]) == list(theirs["data"])
    assert {c["kind"] for c in ours["data"]["children"]} == {"t3"}
    their_posts = [child["data"] for child in theirs["data"]["children"]]
    always = set.intersection(*(set(post) for post in their_posts))
    sometimes = set.union(*(set(post) for post in their_posts))
    their_types = {key: kind for post in their_posts for key, kind in types(post).items()}
    for our_post in (child["data"] for child in ours["data"]["children"]):
        assert always <= set(our_post) <= sometimes
        assert {key: kind for key, kind in types(our_post).items() if key in their_types} == {
            key: their_types[key] for key in types(our_post) if key in their_types}
    our_post = ours["data"]["children"][0]["data"]
    assert our_post["permalink"].startswith("/r/science/comments/" + our_post["id"])
    assert our_post["name"] == "t3_" + our_post["id"]
    assert isinstance(our_post["created_utc"], float)


def test_our_listing_maps_to_posts_as_recorded_ones_do(reddit, client) -> None:
    children = client(reddit).get("/r/science/new").json()["data"]["children"]
    posts = [post_from_reddit(child["data"]) for child in children]
    assert len(posts) == 5 and all(isinstance(post, Post) for post in posts)


def test_rate_limit_headers_have_the_recorded_formats(reddit, client) -> None:
    def sent(host: str) -> list[dict[str, str]]:
        return [headers(i["response"]) for i in interactions()
                if host in i["request"]["uri"] and "x-ratelimit-used" in headers(i["response"])]

    script = client(reddit)
    token_answer, api_answer = script.grant(), script.get("/r/science/new")
    # The API writes what remains as a float, the token endpoint as a whole number.
    for answers, remaining in ((sent("oauth.reddit.com") + [dict(api_answer.headers)], r"\d+\.\d"),
                               (sent("www.reddit.com") + [dict(token_answer.headers)], r"\d+")):
        assert len(answers) > 1
        for each in answers:
            assert re.fullmatch(r"\d+", each["x-ratelimit-used"])
            assert re.fullmatch(remaining, each["x-ratelimit-remaining"])
            assert re.fullmatch(r"\d+", each["x-ratelimit-reset"])


def test_error_bodies_are_the_recorded_ones(reddit, client) -> None:
    unauthorized = [body(r) for r in recorded(401, "oauth.reddit.com")]
    script = client(reddit)
    script.access_token = "unknown"
    answer = script.get("/r/science/new")
    assert answer.json() in unauthorized
    assert answer.headers["www-authenticate"] in {
        headers(r)["www-authenticate"] for r in recorded(401, "oauth.reddit.com")}
    throttled = [body(r) for r in recorded(429, "/api/v1/access_token")]
    assert client(reddit, agent="python-requests/2.25.1").grant().json() in throttled
    with_retry = [r for r in recorded(429, "oauth.reddit.com") if "retry-after" in headers(r)]
    reddit.storm(requests=1, retry_after=4)
    page = client(reddit).get("/r/science/new")
    assert page.headers["content-type"] == headers(with_retry[0])["content-type"]
    assert "whoa there, pardner!" in with_retry[0]["body"]["string"]
    assert "whoa there, pardner!" in page.text
    for status in (500, 502, 503, 504):
        recorded_5xx = recorded(status, "oauth.reddit.com")
        reddit.server_errors(requests=1, status=status)
        answer = client(reddit).get("/r/science/new")
        parsed = [json.loads(r["body"]["string"] or "null") for r in recorded_5xx]
        assert json.loads(answer.content or b"null") in parsed
        assert answer.headers["content-type"] == headers(recorded_5xx[0])["content-type"]
