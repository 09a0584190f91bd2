"""``earnest up`` as a user runs it: real posts in, aggregates checked over HTTP.

The oracle is independent of the pipeline: the test reads the CSV rows it wrote,
scores them with the same model artifact, buckets them by hour itself and
compares counts and means with what the API serves.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from earnest.model.artifact import SeriousnessModel, default_model_path
from earnest.testing import EarnestProcess, free_port, write_recent_dataset

SUBREDDITS = {"askscience": 120, "AskHistorians": 120, "NeutralPolitics": 120,
              "shittyaskscience": 120, "Jokes": 120, "circlejerk": 120, "funny": 80, "pics": 80}
TOTAL = sum(SUBREDDITS.values())


def expected(rows: list[dict[str, str]]) -> tuple[dict, dict]:
    """All-time (count, mean) per subreddit and per (subreddit, hour), from the raw rows."""
    model = SeriousnessModel.load(default_model_path())
    values = model.score([r["title"] for r in rows], [r["selftext"] for r in rows])
    totals: dict[str, list[float]] = defaultdict(list)
    hours: dict[tuple[str, int], list[float]] = defaultdict(list)
    for row, value in zip(rows, values, strict=True):
        totals[row["subreddit"].lower()].append(float(value))
        hour = math.floor(float(row["created_utc"]) / 3600) * 3600
        hours[(row["subreddit"].lower(), hour)].append(float(value))
    return totals, hours


def caught_up(total: int):
    def check(proc: EarnestProcess):
        status = proc.get("/status").json()
        lags = status["lag"].values()
        return status if status["scores"] >= total and all(v == 0 for v in lags) else None

    return check


def assert_matches_raw_data(proc: EarnestProcess, rows: list[dict[str, str]]) -> None:
    totals, hours = expected(rows)
    listing = proc.get("/subreddits").json()["subreddits"]
    served = {s["name"].lower(): s for s in listing}
    assert set(served) == set(totals)
    for name, values in totals.items():
        assert served[name]["posts"] == len(values), name
        assert served[name]["seriousness"] == pytest.approx(sum(values) / len(values), abs=1e-9)
    for name in totals:
        detail = proc.get(f"/subreddit/{name.upper()}").json()
        assert len(detail["hourly"]) == 168
        for point in detail["hourly"]:
            hour = int(datetime.fromisoformat(point["hour"].replace("Z", "+00:00")).timestamp())
            want = hours.get((name, hour), [])
            assert point["count"] == len(want), (name, point["hour"])
            if want:
                assert point["seriousness"] == pytest.approx(sum(want) / len(want), abs=1e-9)
            else:
                assert point["seriousness"] is None


def test_replayed_posts_match_a_recomputation_over_http(dataset: Path, tmp_path: Path) -> None:
    now = time.time()
    rows = write_recent_dataset(dataset, tmp_path / "data", SUBREDDITS, now, spacing=601)
    env = {"EARNEST_HOME": str(tmp_path / "home")}
    port = free_port()
    args = ["up", "--port", str(port), "--dataset", str(tmp_path / "data"), "--speed", "0",
            "--timeline", "original"]
    with EarnestProcess(args, env, port, log=tmp_path / "up.log") as proc:
        assert proc.wait_for_api(60) < 60
        proc.wait_until(caught_up(TOTAL), timeout=120)
        assert_matches_raw_data(proc, rows)
        page = proc.get("/subreddit/askscience", limit=50).json()
        assert len(page["posts"]) == 50
        created = [p["created_utc"] for p in page["posts"]]
        assert created == sorted(created, reverse=True)
        rest = proc.get("/subreddit/askscience", limit=100, cursor=page["next_cursor"]).json()
        assert len(rest["posts"]) == 70 and rest["next_cursor"] is None
        ids = {p["id"] for p in page["posts"]} | {p["id"] for p in rest["posts"]}
        assert len(ids) == 120
        assert proc.stop() == 0


def test_sigkill_mid_replay_loses_nothing_and_counts_nothing_twice(
    dataset: Path, tmp_path: Path
) -> None:
    now = time.time()
    subreddits = {name: 400 for name in SUBREDDITS}
    rows = write_recent_dataset(dataset, tmp_path / "data", subreddits, now, spacing=180)
    total = len(rows)
    env = {"EARNEST_HOME": str(tmp_path / "home"), "EARNEST_BATCH_SIZE": "200"}
    span = now - min(float(r["created_utc"]) for r in rows)
    # Paced so that the replay takes about 12 s: the kill lands in the middle of it.
    args = ["up", "--dataset", str(tmp_path / "data"), "--speed", f"{span / 12:.0f}",
            "--timeline", "original"]
    port = free_port()
    with EarnestProcess([*args, "--port", str(port)], env, port, tmp_path / "up1.log") as first:
        first.wait_for_api(60)
        first.wait_until(lambda p: p.get("/status").json()["scores"] > total // 5, timeout=60)
        before = first.get("/status").json()
        first.kill()
    assert 0 < before["scores"] < total, "the kill should land mid-replay"
    port = free_port()
    with EarnestProcess([*args, "--port", str(port)], env, port, tmp_path / "up2.log") as second:
        second.wait_for_api(60)
        status = second.wait_until(caught_up(total), timeout=120)
        assert status["posts"] == total
        assert status["scores"] == total
        assert_matches_raw_data(second, rows)
        assert second.stop() == 0
    from earnest.testing import run_cli

    verify = run_cli(["verify"], env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "aggregates match" in verify.stdout
