"""Faults on demand: 429 storms, 5xx bursts, bursts of posts; in Python and over HTTP."""

from __future__ import annotations

import time

import httpx
from tests.fake_reddit.conftest import ids


def test_a_storm_of_n_requests_with_retry_after(start, client) -> None:
    reddit = start()
    script = client(reddit)
    script.grant()
    reddit.storm(requests=3, retry_after=2)
    answers = [script.get("/r/science/new") for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 429, 200]
    assert all(a.headers["retry-after"] == "2" for a in answers[:3])
    assert "please wait 2 second(s)" in answers[0].text
    # As recorded: a throttled answer carries no budget headers.
    assert "x-ratelimit-used" not in answers[0].headers
    requests = [r for r in reddit.ledger.requests if r.path == "/r/science/new"]
    assert [r.fault for r in requests] == ["429", "429", "429", ""]
    # The client came straight back three times within the 2 s it was told to wait.
    assert [r.retry_after_active for r in requests] == [False, True, True, True]
    assert len(reddit.ledger.during_retry_after()) == 3


def test_a_client_that_waits_out_retry_after_is_not_flagged(start, client) -> None:
    reddit = start()
    script = client(reddit)
    script.grant()
    reddit.storm(requests=1, retry_after=1)
    told = script.get("/r/science/new")
    time.sleep(int(told.headers["retry-after"]) + 0.05)
    assert script.get("/r/science/new").status_code == 200
    assert reddit.ledger.during_retry_after() == []


def test_a_storm_for_some_seconds_without_retry_after(start, client) -> None:
    reddit = start()
    script = client(reddit)
    script.grant()
    reddit.storm(seconds=0.3, retry_after=None)
    response = script.get("/r/science/new")
    assert response.status_code == 429 and "retry-after" not in response.headers
    assert response.json() == {"message": "Too Many Requests", "error": 429}
    time.sleep(0.35)
    assert script.get("/r/science/new").status_code == 200
    assert reddit.ledger.during_retry_after() == []


def test_a_burst_of_server_errors_then_recovery(start, client) -> None:
    reddit = start()
    script = client(reddit)
    script.grant()
    reddit.server_errors(requests=1, status=500)
    reddit.server_errors(requests=1, status=502)
    reddit.server_errors(requests=1, status=503)
    answers = [script.get("/r/science/new") for _ in range(4)]
    assert [a.status_code for a in answers] == [500, 502, 503, 200]
    assert answers[0].json() == {"message": "Internal Server Error", "error": 500}
    assert answers[1].content == answers[2].content == b""


def test_cloudflare_errors_are_its_html_page(start, client) -> None:
    reddit = start()
    script = client(reddit)
    script.grant()
    reddit.server_errors(requests=2, status=522, cloudflare=True)
    response = script.get("/r/science/new")
    assert response.status_code == 522
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["server"] == "cloudflare"
    assert "522: Connection timed out" in response.text and "cf-error-details" in response.text
    # The token endpoint sits apart and keeps answering during the outage.
    assert script.grant().status_code == 200
    assert script.get("/r/science/new").status_code == 522
    assert script.get("/r/science/new").status_code == 200


def test_a_burst_bigger_than_a_listing_loses_posts_to_a_late_poller(start, client) -> None:
    reddit = start(subreddits={"science": 1}, listing_cap=100)
    script = client(reddit)
    newest = reddit.burst(1)[0]
    reddit.burst(150)
    missed = script.get("/r/science/new", limit=100, before="t3_" + newest)
    assert ids(missed) == []  # the anchor fell off: the client must notice and fill the gap
    assert len(reddit.ledger.posts) == 151


def test_admin_routes_only_when_enabled(start, client) -> None:
    closed = start()
    assert httpx.post(closed.url + "/_admin/burst", json={"count": 1}).status_code == 404
    reddit = start(admin=True, subreddits={"science": 1})
    script = client(reddit)
    made = httpx.post(reddit.url + "/_admin/burst", json={"count": 5}).json()["ids"]
    assert ids(script.get("/r/science/new")) == list(reversed(made))
    httpx.post(reddit.url + "/_admin/remove", json={"id": made[0]})
    assert made[0] not in ids(script.get("/r/science/new"))
    httpx.post(reddit.url + "/_admin/storm", json={"requests": 1, "retry_after": None})
    assert script.get("/r/science/new").status_code == 429
    httpx.post(reddit.url + "/_admin/server_errors", json={"requests": 1, "status": 502})
    assert script.get("/r/science/new").status_code == 502
    assert httpx.post(reddit.url + "/_admin/revoke_tokens").json() == {"revoked": 1}
    assert script.get("/r/science/new").status_code == 401
    summary = httpx.get(reddit.url + "/_admin/ledger").json()
    assert summary["posts"] == 5 and summary["token_grants"] == 1
    assert summary["requests"] == len(reddit.ledger.requests)


def test_state_survives_a_client_restart(start, client) -> None:
    reddit = start(subreddits={"science": 1}, requests_per_window=5, window=60)
    made = reddit.burst(3)
    first = client(reddit)
    assert ids(first.get("/r/science/new")) == list(reversed(made))
    first.close()
    again = client(reddit)
    again.access_token = first.access_token  # a restarted client that kept its token
    response = again.get("/r/science/new")
    assert ids(response) == list(reversed(made))
    assert response.headers["x-ratelimit-used"] == "3"
