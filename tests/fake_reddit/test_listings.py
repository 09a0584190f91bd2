"""``/r/{subs}/new`` and ``/api/info``: newest first, paged as Reddit pages, capped."""

from __future__ import annotations

import time

from tests.fake_reddit.conftest import ids


def test_new_lists_the_posts_of_its_subreddits_newest_first(start, client) -> None:
    reddit = start(subreddits={"science": 1, "funny": 1, "worldnews": 1})
    made = reddit.burst(60)
    by_id = {post.id: post for post in reddit.ledger.posts}
    response = client(reddit).get("/r/science+FUNNY/new", limit=100)
    assert response.status_code == 200
    listed = ids(response)
    expected = [i for i in reversed(made) if by_id[i].subreddit in ("science", "funny")]
    assert listed == expected and 0 < len(listed) < 60
    data = response.json()["data"]
    assert data["dist"] == len(listed) and data["after"] is None and data["before"] is None


def test_limit_defaults_to_25_and_stops_at_100(start, client) -> None:
    reddit = start(subreddits={"science": 1})
    reddit.burst(150)
    script = client(reddit)
    assert len(ids(script.get("/r/science/new"))) == 25
    assert len(ids(script.get("/r/science/new", limit=500))) == 100


def test_after_pages_back_and_before_pages_forward(start, client) -> None:
    reddit = start(subreddits={"science": 1})
    newest_first = list(reversed(reddit.burst(30)))
    script = client(reddit)
    first = script.get("/r/science/new", limit=10).json()["data"]
    assert [c["data"]["id"] for c in first["children"]] == newest_first[:10]
    assert first["after"] == "t3_" + newest_first[9]
    second = script.get("/r/science/new", limit=10, after=first["after"], count=10).json()["data"]
    assert [c["data"]["id"] for c in second["children"]] == newest_first[10:20]
    assert second["before"] == "t3_" + newest_first[10]  # set since the client gave a count
    third = script.get("/r/science/new", limit=10, after=second["after"]).json()["data"]
    assert [c["data"]["id"] for c in third["children"]] == newest_first[20:30]
    assert third["after"] is None and third["before"] is None
    # A poller asks for what is newer than the newest it has.
    later = list(reversed(reddit.burst(3)))
    newer = script.get("/r/science/new", limit=100, before="t3_" + newest_first[0])
    assert ids(newer) == later
    assert newer.json()["data"]["before"] is None  # nothing newer still
    # Reddit gives the items just above the anchor when more are newer than a page holds.
    page = script.get("/r/science/new", limit=2, before="t3_" + newest_first[0]).json()["data"]
    assert [c["data"]["id"] for c in page["children"]] == later[1:]
    assert page["before"] == "t3_" + later[1]


def test_only_the_newest_items_are_reachable(start, client) -> None:
    reddit = start(subreddits={"science": 1}, listing_cap=50)
    made = reddit.burst(80)
    script = client(reddit)
    seen, after = [], None
    while True:
        data = script.get("/r/science/new", limit=20, after=after).json()["data"]
        seen += [c["data"]["id"] for c in data["children"]]
        after = data["after"]
        if after is None:
            break
    assert seen == list(reversed(made))[:50]
    # A client that kept a cursor older than the cap gets nothing: it fell behind.
    lost = script.get("/r/science/new", before="t3_" + made[0])
    assert lost.status_code == 200 and ids(lost) == []
    assert script.get("/r/science/new", after="t3_" + made[0]).json()["data"]["children"] == []


def test_posts_come_at_the_configured_rate_with_fresh_ids(start, client) -> None:
    reddit = start(rate=40.0, subreddits={"science": 3, "funny": 1})
    began = time.time()
    time.sleep(0.5)
    listed = client(reddit).get("/r/science+funny/new", limit=100).json()["data"]["children"]
    elapsed = time.time() - began
    assert 0.5 * 40 * 0.8 <= len(listed) <= elapsed * 40 + 1
    numbers = [int(c["data"]["id"], 36) for c in listed]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    for child in listed:
        assert began - 1 <= child["data"]["created_utc"] <= time.time()
    subs = [c["data"]["subreddit"] for c in listed]
    assert subs.count("science") > subs.count("funny")  # weights 3 : 1


def test_an_unknown_subreddit_is_404(start, client) -> None:
    reddit = start(subreddits={"science": 1})
    response = client(reddit).get("/r/nosuchplace/new")
    assert response.status_code == 404 and response.json()["error"] == 404


def test_info_shows_posts_by_fullname_removed_ones_included(start, client) -> None:
    reddit = start(subreddits={"science": 1})
    first, second, third = reddit.burst(3)
    reddit.remove(second, "moderator")
    script = client(reddit)
    assert ids(script.get("/r/science/new")) == [third, first]
    response = script.get("/api/info", id=f"t3_{first},t3_{second},t3_nosuch")
    children = [c["data"] for c in response.json()["data"]["children"]]
    assert [c["id"] for c in children] == [first, second]
    assert children[0]["removed_by_category"] is None
    assert children[1]["removed_by_category"] == "moderator"


def test_some_posts_are_removed_later_when_configured(start, client) -> None:
    reddit = start(subreddits={"science": 1}, removal_fraction=0.5, removal_delay=0.3, seed=7)
    made = reddit.burst(40)
    script = client(reddit)
    assert len(ids(script.get("/r/science/new", limit=100))) == 40
    time.sleep(0.4)
    remaining = ids(script.get("/r/science/new", limit=100))
    assert 5 < len(remaining) < 35
    gone = [i for i in made if i not in remaining]
    info = script.get("/api/info", id=",".join("t3_" + i for i in gone)).json()["data"]
    assert {c["data"]["removed_by_category"] for c in info["children"]} == {"moderator"}
