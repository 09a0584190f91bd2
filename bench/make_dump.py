"""Write a generated dump (``RS_YYYY-MM.zst`` format) of N posts of mixed eras.

The generator is ``tests/dumps.py``, shared with the tests that check an import of its
dumps against what it knows it wrote: real texts from the shared dataset, Pushshift 2013
and 2019 and Arctic Shift 2024 record shapes, about 1% malformed lines, later removals.

Usage: python bench/make_dump.py OUT.zst --posts 1000000 [--seed 0] [--no-removals]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/ is not a package on the path of a script in bench/

from tests.dumps import write_dump  # noqa: E402

DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-removals", action="store_true")
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args()
    started = time.monotonic()
    dump = write_dump(args.out, args.dataset.resolve(), args.posts, seed=args.seed,
                      removals=not args.no_removals)
    removed = sum(post.removed for post in dump.posts.values())
    print(f"{args.out}: {dump.lines:,} lines, {len(dump.posts):,} posts ({removed:,} removed "
          f"at the end), {dump.revisions:,} later retrievals, {len(dump.malformed):,} malformed; "
          f"{args.out.stat().st_size / 1e6:,.1f} MB in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
