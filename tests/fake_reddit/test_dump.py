"""The posts a fake Reddit made, written as a monthly dump, read back by ``earnest import``."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import zstandard
from tests.fake_reddit.conftest import RECORDINGS

from earnest.fake_reddit import FakeReddit, FakeRedditConfig
from earnest.records import Post
from earnest.sources.dump import DumpSource
from earnest.sources.reddit_data import post_from_reddit
from earnest.sources.sample import submissions

# When a record was retrieved differs between a listing and a dump of the same post.
RETRIEVAL = ("observed_at", "published_at")


def comparable(post: Post) -> dict:
    fields = msgspec.structs.asdict(post)
    return {key: value for key, value in fields.items() if key not in RETRIEVAL}


def test_a_dump_reads_back_as_the_posts_the_api_served(start, client, tmp_path: Path) -> None:
    reddit = start(subreddits={"science": 1, "funny": 1}, removal_fraction=0.2,
                   removal_delay=0.0, seed=3)
    made = reddit.burst(40)
    served = client(reddit).get("/api/info", id=",".join("t3_" + i for i in made)).json()
    from_api = [post_from_reddit(child["data"]) for child in served["data"]["children"]]
    dump = tmp_path / "RS_2026-12.zst"
    assert reddit.write_dump(dump) == 40
    from_dump = list(DumpSource([str(dump)]).records(0))
    assert all(isinstance(post, Post) for post in from_dump)
    assert [comparable(post) for post in from_dump] == [comparable(post) for post in from_api]
    assert [post.id for post in from_dump] == made
    # Removed posts are in the dump, marked as Reddit marks them.
    lines = [json.loads(line) for line in zstandard.ZstdDecompressor().stream_reader(
        dump.read_bytes()).read().splitlines()]
    removed = {line["id"] for line in lines if line["removed_by_category"]}
    assert 0 < len(removed) < 40
    assert {post.id for post in from_dump if post.removed == "moderator"} == removed
    # A dump line says when it was retrieved: the post's observed_at.
    assert [post.observed_at for post in from_dump] == [line["retrieved_on"] for line in lines]
    assert all(isinstance(line["retrieved_on"], int) and line["retrieved_on"] > 0
               for line in lines)


def test_a_dump_of_a_time_range_fills_a_gap(tmp_path: Path) -> None:
    now = [1_790_000_000.0]
    reddit = FakeReddit(FakeRedditConfig(rate=1.0, subreddits={"science": 1}),
                        clock=lambda: now[0])
    now[0] += 100  # a hundred posts, one a second
    posts = reddit.ledger.posts
    assert len(posts) == 100
    gap = posts[30:60]
    dump = tmp_path / "RS_2026-09.zst"
    count = reddit.write_dump(dump, since=gap[0].created_utc, until=gap[-1].created_utc + 1)
    assert count == 30
    read = list(DumpSource([str(dump)]).records(0))
    assert [(p.id, p.subreddit, p.created_utc) for p in read] == [
        (p.id, p.subreddit, p.created_utc) for p in gap]


def test_texts_come_from_a_given_corpus(start, client) -> None:
    recorded = [json.loads(i["response"]["body"]["string"])
                for i in json.loads((RECORDINGS / "praw" / "TestSubredditListings.test_new.json"
                                     ).read_text(encoding="utf-8"))["interactions"]
                if i["request"]["uri"].startswith("https://oauth.reddit.com/r/")]
    corpus = [child["data"] for listing in recorded for child in listing["data"]["children"]]
    reddit = start(subreddits={"science": 1}, corpus=iter(corpus))
    reddit.burst(20)
    listed = client(reddit).get("/r/science/new", limit=20).json()["data"]["children"]
    titles = {data["title"] for data in corpus}
    assert {child["data"]["title"] for child in listed} <= titles
    assert all(child["data"]["subreddit"] == "science" for child in listed)


def test_a_subreddit_takes_the_texts_of_its_own_posts(start, client) -> None:
    corpus = [{"subreddit": "science", "title": f"finding {n}", "selftext": "", "url": "",
               "is_self": True} for n in range(5)]
    corpus += [{"subreddit": "Jokes", "title": f"joke {n}", "url": "https://example.com/j",
                "over_18": False} for n in range(5)]
    reddit = start(subreddits={"science": 1, "jokes": 1, "elsewhere": 1}, corpus=corpus)
    reddit.burst(60)
    listed = client(reddit).get("/r/science+jokes+elsewhere/new", limit=60).json()
    titles: dict[str, set[str]] = {}
    for child in listed["data"]["children"]:
        titles.setdefault(child["data"]["subreddit"], set()).add(child["data"]["title"])
    assert titles["science"] <= {f"finding {n}" for n in range(5)}
    assert titles["jokes"] <= {f"joke {n}" for n in range(5)}
    assert titles["elsewhere"] & {f"finding {n}" for n in range(5)}  # any text will do
    assert titles["elsewhere"] & {f"joke {n}" for n in range(5)}


def test_without_a_corpus_the_bundled_sample_is_the_corpus(start, client) -> None:
    reddit = start(subreddits={"science": 1})
    reddit.burst(10)
    listed = client(reddit).get("/r/science/new").json()["data"]["children"]
    sample = {data["title"] for data in submissions() if data["subreddit"].lower() == "science"}
    assert len(sample) > 50
    assert {child["data"]["title"] for child in listed} <= sample
