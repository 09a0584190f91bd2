"""The mapping from a Reddit ``data`` object to a post, on every recorded listing and on
dump lines of several eras."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from earnest.records import Post
from earnest.sources.base import Rejected
from earnest.sources.reddit_data import post_from_reddit

RECORDINGS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "reddit-api"


def recorded_submissions() -> list[dict]:
    """Every ``t3`` data object in the recorded API responses."""
    found = []
    for path in sorted(RECORDINGS.rglob("*.json")):
        for interaction in json.loads(path.read_text(encoding="utf-8")).get("interactions", []):
            body = interaction["response"].get("body", {}).get("string", "")
            try:
                stack = [json.loads(body)]
            except ValueError:
                continue
            while stack:
                item = stack.pop()
                if isinstance(item, dict):
                    if item.get("kind") == "t3" and isinstance(item.get("data"), dict):
                        found.append(item["data"])
                    stack.extend(item.values())
                elif isinstance(item, list):
                    stack.extend(item)
    return found


def test_every_recorded_submission_becomes_a_post() -> None:
    submissions = recorded_submissions()
    assert len(submissions) > 2000
    rejected = []
    for data in submissions:
        result = post_from_reddit(data)
        if isinstance(result, Rejected):
            rejected.append((data.get("subreddit"), result.reason))
            continue
        assert result.id == data["id"] and result.title == data["title"]
        assert result.created_utc == float(data["created_utc"])
        assert result.permalink.startswith("https://www.reddit.com/r/")
    # The recordings anonymised one test subreddit's name; nothing else is refused.
    assert {name for name, _ in rejected} <= {"<TEST_SUBREDDIT>"}
    assert all("subreddit name" in reason for _, reason in rejected)


ERAS = {
    # Pushshift, 2008: created_utc as a string, no num_comments, edited false.
    "pushshift-2008": {"id": "6h2j1", "subreddit": "politics", "title": "A title",
                       "created_utc": "1212000000", "score": 12, "selftext": "",
                       "url": "http://example.com", "permalink": "/r/politics/comments/6h2j1/",
                       "edited": False, "over_18": False},
    # Pushshift, 2019: numbers, edited as a timestamp.
    "pushshift-2019": {"id": "bq1x2y", "subreddit": "AskScience", "title": "Why?",
                       "created_utc": 1558000000, "score": 3, "num_comments": 4,
                       "selftext": "Because.", "url": "https://www.reddit.com/r/x",
                       "permalink": "/r/AskScience/comments/bq1x2y/why/",
                       "edited": 1558000500.0, "over_18": False},
    # Arctic Shift, 2024: _meta and removal fields.
    "arctic-2024": {"id": "1b2c3d", "subreddit": "u_someone-else", "title": "Profile post",
                    "created_utc": 1709000000, "score": 1, "num_comments": 0,
                    "selftext": "[removed]", "removed_by_category": "moderator",
                    "permalink": "/r/u_someone-else/comments/1b2c3d/profile_post/",
                    "url": "", "over_18": True,
                    "_meta": {"was_deleted_later": True, "removal_type": "moderator"}},
}


@pytest.mark.parametrize("era", sorted(ERAS))
def test_dump_lines_of_several_eras(era: str) -> None:
    data = ERAS[era]
    post = post_from_reddit(data)
    assert isinstance(post, Post)
    assert post.created_utc == float(data["created_utc"])
    assert post.num_comments == data.get("num_comments", 0)
    assert post.permalink == "https://www.reddit.com" + data["permalink"]


@pytest.mark.parametrize(("change", "reason"), [
    ({"created_utc": "yesterday"}, "created_utc 'yesterday' is not a number"),
    ({"created_utc": None}, "created_utc is missing"),
    ({"title": None}, "title is missing"),
    ({"title": 5}, "title 5 is not text"),
    ({"score": "1e30"}, "does not fit in 64 bits"),
    ({"num_comments": 2.5}, "is not a whole number"),
    ({"subreddit": "a"}, "subreddit name 'a' is invalid"),
    ({"id": "t3_x\x00"}, "post id"),
])
def test_what_is_not_a_post_says_why(change: dict, reason: str) -> None:
    result = post_from_reddit({**ERAS["pushshift-2019"], **change})
    assert isinstance(result, Rejected)
    assert reason in result.reason
    assert json.loads(result.raw)["id"] == {**ERAS["pushshift-2019"], **change}["id"]


@pytest.mark.parametrize(("change", "removed", "observed_at"), [
    ({}, "", 0.0),
    ({"retrieved_on": 1558003600}, "", 1558003600.0),
    ({"retrieved_utc": "1558003600.5", "retrieved_on": 1}, "", 1558003600.5),
    ({"removed_by_category": "moderator", "selftext": "[removed]"}, "moderator", 0.0),
    ({"selftext": "[deleted]"}, "deleted", 0.0),
    ({"selftext": "[removed]"}, "removed", 0.0),
    ({"_meta": {"was_deleted_later": True, "removal_type": "reddit",
                "retrieved_2nd_on": 1558090000}, "retrieved_on": 1558000100},
     "reddit", 1558090000.0),
    ({"_meta": {"was_deleted_later": True}}, "deleted", 0.0),
    ({"_meta": {"was_deleted_later": False, "is_edited": True}}, "", 0.0),
])
def test_a_record_says_whether_the_post_is_gone_and_when_it_was_retrieved(
        change: dict, removed: str, observed_at: float) -> None:
    post = post_from_reddit({**ERAS["pushshift-2019"], **change})
    assert isinstance(post, Post)
    assert (post.removed, post.observed_at) == (removed, observed_at)


def test_a_retrieval_time_that_is_not_a_time_is_refused() -> None:
    result = post_from_reddit({**ERAS["pushshift-2019"], "retrieved_on": "soon"})
    assert isinstance(result, Rejected) and "retrieved_on 'soon' is not a number" in result.reason
    result = post_from_reddit({**ERAS["pushshift-2019"], "retrieved_on": 12})
    assert isinstance(result, Rejected)
    assert "observed_at 12.0 is not a plausible time" in result.reason
