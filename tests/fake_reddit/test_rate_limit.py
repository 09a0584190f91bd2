"""Reddit's rate limit per OAuth client: announced on each answer, enforced with 429."""

from __future__ import annotations

import time

from tests.fake_reddit.conftest import CLIENT


def budget(response) -> tuple[int, float, int]:
    headers = response.headers
    return (int(headers["x-ratelimit-used"]), float(headers["x-ratelimit-remaining"]),
            int(headers["x-ratelimit-reset"]))


def test_headers_count_down_in_the_recorded_formats(start, client) -> None:
    reddit = start(requests_per_window=10, window=60)
    script = client(reddit)
    grant = script.grant()  # the token request counts too, as Reddit's did in 2021
    assert budget(grant) == (1, 9.0, 60) and grant.headers["x-ratelimit-remaining"] == "9"
    for used in range(2, 6):
        response = script.get("/r/science/new")
        assert response.status_code == 200
        assert response.headers["x-ratelimit-used"] == str(used)
        assert response.headers["x-ratelimit-remaining"] == f"{10 - used}.0"
        assert 59 <= budget(response)[2] <= 60


def test_over_the_budget_is_429_with_retry_after(start, client) -> None:
    reddit = start(requests_per_window=3, window=30)
    script = client(reddit)
    script.grant()
    assert [script.get("/r/science/new").status_code for _ in range(2)] == [200, 200]
    response = script.get("/r/science/new")
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/html")
    assert "whoa there, pardner!" in response.text
    assert 29 <= int(response.headers["retry-after"]) <= 30
    assert budget(response)[:2] == (4, 0.0)
    book = reddit.ledger
    assert len(book.over_budget()) == 1 and book.over_budget()[0].status == 429
    script.get("/r/science/new")
    assert len(book.during_retry_after()) == 1


def test_over_the_budget_without_retry_after_when_so_configured(start, client) -> None:
    reddit = start(requests_per_window=1, window=30, retry_after=False)
    script = client(reddit)
    script.grant()
    response = script.get("/r/science/new")
    assert response.status_code == 429 and "retry-after" not in response.headers
    assert response.json() == {"message": "Too Many Requests", "error": 429}


def test_the_budget_comes_back_when_the_window_ends(start, client) -> None:
    reddit = start(requests_per_window=2, window=1.0)
    script = client(reddit)
    script.grant()
    assert script.get("/r/science/new").status_code == 200
    assert script.get("/r/science/new").status_code == 429
    time.sleep(1.05)
    response = script.get("/r/science/new")
    assert response.status_code == 200 and budget(response)[:2] == (1, 1.0)


def test_each_client_has_its_own_budget(start, client) -> None:
    reddit = start(requests_per_window=2, window=30,
                   clients={"one": "secret-one", "two": "secret-two"})
    first, second = client(reddit), client(reddit)
    first.grant(auth=("one", "secret-one"))
    second.grant(auth=("two", "secret-two"))
    assert first.get("/r/science/new").status_code == 200
    assert first.get("/r/science/new").status_code == 429
    assert second.get("/r/science/new").status_code == 200
    assert {r.client_id for r in reddit.ledger.requests} == {"one", "two"}
    assert CLIENT[0] not in reddit.config.clients


def test_a_polite_client_is_never_over_budget(start, client) -> None:
    """What the ledger is for: a client that heeds the headers leaves no violation."""
    reddit = start(requests_per_window=4, window=1.0)
    script = client(reddit)
    remaining, reset = 0.0, 0
    response = script.grant()
    for _ in range(10):
        remaining, reset = float(response.headers["x-ratelimit-remaining"]), int(
            response.headers["x-ratelimit-reset"])
        if remaining < 1:
            time.sleep(reset + 0.05)
        response = script.get("/r/science/new")
        assert response.status_code == 200
    assert reddit.ledger.over_budget() == [] and reddit.ledger.during_retry_after() == []
    assert reddit.ledger.token_grants == 1
