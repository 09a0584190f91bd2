"""End-to-end backfill benchmark of the embedded default (`earnest up`).

Starts ``earnest up`` on a fresh EARNEST_HOME, replaying N real posts as fast as
possible, and polls the API's ``/status`` until every post is aggregated.

- throughput: posts / (time the last post became visible - time the first was published)
- freshness: for the k-th post published, the first poll at which the API's
  aggregated count reached k, minus its ``published_at``. Stages are FIFO with one
  consumer each, so the k-th published post is among the first k aggregated.

Usage: python bench/bench_embedded.py --posts 100000 [--runs 3]
"""

from __future__ import annotations

import argparse
import bisect
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from earnest.testing import EarnestProcess, free_port

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"


def one_run(posts: int, dataset: Path, poll: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        port = free_port()
        args = ["up", "--port", str(port), "--dataset", str(dataset), "--speed", "0",
                "--timeline", "original", "--limit", str(posts)]
        launched = time.time()
        with EarnestProcess(args, {"EARNEST_HOME": home}, port, Path(home) / "up.log") as proc:
            proc.wait_for_api(60)
            samples: list[tuple[float, int]] = []
            while True:
                status = proc.get("/status").json()
                samples.append((time.time(), status["scores"]))
                if status["scores"] >= posts:
                    break
                time.sleep(poll)
            proc.stop()
        db = sqlite3.connect(Path(home) / "earnest.db")
        published = sorted(row[0] for row in db.execute("SELECT published_at FROM posts"))
        db.close()
    counts = [c for _, c in samples]
    lags = []
    for k, at in enumerate(published, 1):
        seen = samples[bisect.bisect_left(counts, k)][0]
        lags.append(seen - at)
    done = samples[-1][0]
    quantiles = statistics.quantiles(lags, n=100)
    return {
        "posts": len(published),
        "posts_per_s": len(published) / (done - published[0]),
        "posts_per_s_from_launch": len(published) / (done - launched),
        "freshness_p50": quantiles[49],
        "freshness_p99": quantiles[98],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dataset", type=Path, default=DATASET.resolve())
    parser.add_argument("--poll", type=float, default=0.02, help="API poll interval, s")
    args = parser.parse_args()
    results = []
    for run in range(args.runs):
        result = one_run(args.posts, args.dataset, args.poll)
        results.append(result)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v:,.3f}" for k, v in result.items()),
              flush=True)
    print("median: " + ", ".join(
        f"{k} {statistics.median(r[k] for r in results):,.3f}" for k in results[0]))


if __name__ == "__main__":
    main()
