"""Services mode as deployed: the API and each worker as its own process, over HTTP."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from earnest.testing import EarnestProcess, free_port, run_cli, write_recent_dataset

SUBREDDITS = {"askscience": 150, "Jokes": 150, "NeutralPolitics": 100, "funny": 100}
TOTAL = sum(SUBREDDITS.values())
STAGES = ["store-posts", "score", "score", "store-scores"]


def test_workers_and_api_as_processes(services, dataset: Path, tmp_path: Path) -> None:
    rows = write_recent_dataset(dataset, tmp_path / "data", SUBREDDITS, time.time(), spacing=300)
    env = services.env
    port = free_port()
    procs = [EarnestProcess(["serve", "--port", str(port)], env, port, tmp_path / "api.log")]
    procs += [EarnestProcess(["worker", stage], env, log=tmp_path / f"{stage}-{i}.log")
              for i, stage in enumerate(STAGES)]
    try:
        api = procs[0]
        api.wait_for_api(60)
        replay = run_cli(["replay", str(tmp_path / "data")], env)
        assert replay.returncode == 0, replay.stderr
        status = api.wait_until(
            lambda p: (s := p.get("/status").json())["scores"] == TOTAL
            and all(lag == 0 for lag in s["lag"].values()) and s, timeout=120)
        assert status["posts"] == TOTAL and status["dead_letters"] == 0
        listing = api.get("/subreddits").json()
        assert listing["model_version"]
        served = {s["name"].lower(): s["posts"] for s in listing["subreddits"]}
        assert served == dict(Counter(r["subreddit"].lower() for r in rows))
        for proc in procs[1:]:
            assert proc.stop() == 0  # SIGTERM: finish the batch in hand, exit cleanly
    finally:
        for proc in procs:
            proc.stop()
    verify = run_cli(["verify"], env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
