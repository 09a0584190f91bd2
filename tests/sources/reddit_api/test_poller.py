"""The adaptive polling rule, and marks: what is new, where a subreddit was read to."""

from __future__ import annotations

from earnest.sources.reddit_api.poller import (
    MAX_NAMES,
    SHORTEST,
    TARGET,
    Followed,
    Group,
    Mark,
    Poll,
    advance,
    plan,
)

NOW = 1_800_000_000.0


def names(groups: list[Group]) -> list[list[str]]:
    return [[f.name for f in g.members] for g in groups]


def test_busy_subreddits_alone_quiet_ones_together() -> None:
    followed = [Followed("busy", rate=2.0, polled_at=NOW), Followed("a", rate=0.01, polled_at=NOW),
                Followed("b", rate=0.02, polled_at=NOW), Followed("c", rate=0.0, polled_at=NOW)]
    groups = plan(followed, budget_rate=100 / 60, window=600, now=NOW)
    assert sorted(names(groups)) == [["b", "a", "c"], ["busy"]]
    by_name = {g.members[0].name: g for g in groups}
    assert by_name["busy"].interval == TARGET / 2.0  # a poll returns about half a page
    assert by_name["b"].interval == 60  # the longest: a tenth of the window
    assert by_name["busy"].due == NOW + 25


def test_a_group_holds_at_most_max_names() -> None:
    followed = [Followed(f"s{i}", rate=0.0) for i in range(2 * MAX_NAMES + 1)]
    groups = plan(followed, budget_rate=100 / 60, window=600, now=NOW)
    assert [len(g.members) for g in groups] == [MAX_NAMES, MAX_NAMES, 1]
    assert all(g.due == NOW for g in groups)  # never polled: due now


def test_over_the_budget_every_interval_stretches_alike() -> None:
    followed = [Followed(f"busy{i}", rate=100.0, polled_at=NOW) for i in range(4)]
    groups = plan(followed, budget_rate=1.0, window=600, now=NOW)
    # Each would be polled every SHORTEST second: 4 requests a second against 0.8 allowed.
    assert all(g.interval == SHORTEST * 4 / 0.8 for g in groups)


def submission(post_id: str, subreddit: str, created: float) -> dict:
    return {"id": post_id, "subreddit": subreddit, "created_utc": created, "title": "t"}


def test_marks_move_past_what_a_poll_read() -> None:
    a, b = Followed("a", mark=Mark(100.0, frozenset({"x"})), polled_at=NOW - 10), Followed("b")
    group = Group((a, b), 10.0, NOW)
    poll = Poll(group, NOW, posts=[submission("y", "A", 100.0), submission("z", "A", 100.0),
                                   submission("q", "b", 90.0)], oldest=80.0)
    advance(poll, NOW)
    assert a.mark == Mark(100.0, frozenset({"x", "y", "z"}))  # same second: ids join
    assert b.mark == Mark(90.0, frozenset({"q"}))
    assert a.rate == 2 / 10
    assert b.rate == 1 / (NOW - 80.0)  # first poll: over the span the listing reached
    assert a.mark.covers(100.0, "y") and not a.mark.covers(100.0, "w")
    assert a.mark.covers(99.0, "w") and not a.mark.covers(101.0, "x")


def test_the_source_maps_each_post_once_with_the_poll_time_and_reports_gaps() -> None:
    from pydantic import SecretStr

    from earnest.records import Post
    from earnest.sources.base import Gap, Rejected
    from earnest.sources.reddit_api.auth import Credentials
    from earnest.sources.reddit_api.client import Endpoints
    from earnest.sources.reddit_api.source import LiveSource, fill_command

    source = LiveSource(["science"], Credentials("id", SecretStr("s"), "ua"), Endpoints())
    group = Group(tuple(source.followed.values()), 60.0, NOW)
    good = {**submission("a1", "science", NOW - 5), "permalink": "/r/science/comments/a1/t/"}
    poll = Poll(group, NOW, posts=[good, {"id": "a2", "subreddit": "science"}],
                gaps=[("science", NOW - 100, NOW - 50)])
    post, rejected, gap = source._records(poll)
    assert isinstance(post, Post) and post.observed_at == NOW
    assert post.permalink == "https://www.reddit.com/r/science/comments/a1/t/"
    assert isinstance(rejected, Rejected) and rejected.reason == "title is missing"
    assert gap == Gap("science", NOW - 100, NOW - 50, NOW)
    assert fill_command(gap) == ("earnest import RS_2027-01.zst --subreddit science "
                                 "--since 2027-01-15T07:58:20 --until 2027-01-15T07:59:11")


def test_paging_back_to_the_marks_and_a_gap_past_the_listing_s_reach() -> None:
    import asyncio
    import time

    from pydantic import SecretStr

    from earnest.fake_reddit import FakeReddit, FakeRedditConfig
    from earnest.sources.reddit_api.auth import Credentials
    from earnest.sources.reddit_api.client import Endpoints, RedditClient
    from earnest.sources.reddit_api.poller import read_new

    config = FakeRedditConfig(subreddits={"science": 1, "funny": 2}, rate=0.0, listing_cap=300)
    with FakeReddit(config) as reddit:
        (client_id, secret), = config.clients.items()
        followed = (Followed("science"), Followed("funny"))
        group = Group(followed, 1.0, NOW)

        async def poll() -> Poll:
            credentials = Credentials(client_id, SecretStr(secret), "python:earnest-tests:1")
            endpoints = Endpoints(reddit.url, reddit.url + "/api/v1/access_token")
            async with RedditClient(credentials, endpoints, asyncio.Event()) as client:
                done = await read_new(client, group, time.time())
            assert done is not None
            advance(done, time.time())
            return done

        reddit.burst(120)
        first = asyncio.run(poll())  # no marks yet: the newest page only
        assert (len(first.posts), first.requests, first.gaps) == (100, 1, [])
        made = set(reddit.burst(150))
        second = asyncio.run(poll())  # two pages to reach back to the marks
        assert {p["id"] for p in second.posts} == made and second.gaps == []
        assert second.requests == 2
        made = reddit.burst(500)
        third = asyncio.run(poll())  # the listing shows the newest 300 only
        assert [p["id"] for p in third.posts] == made[-300:]
        assert sorted(name for name, _, _ in third.gaps) == ["funny", "science"]
        fourth = asyncio.run(poll())  # the marks moved on: nothing new, no gap again
        assert (fourth.posts, fourth.gaps) == ([], [])
