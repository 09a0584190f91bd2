"""What each knob of the seriousness model is worth on subreddits it never saw.

Trains the model once per variant (``earnest.model.train.train``, the code
``earnest train`` runs) on the labelled subreddits read straight from the
dataset, and prints both of its held-out figures: the ROC AUC on the default
held-out split (twelve subreddits, paired by topic) and the grouped
cross-validation over every labelled subreddit. Each variant changes one thing
from the packaged recipe. Scoring speed is bench/bench_model.py's job.

Usage: python bench/model_variants.py [--variants NAME ...]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import replace
from pathlib import Path

from earnest.model.features import FeatureSpec
from earnest.model.labels import BANTER, SERIOUS
from earnest.model.train import ALPHA, train

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO / ".." / "shared" / "data" / "reddit-top-2013" / "posts"

PACKAGED = FeatureSpec(masked_names=tuple(sorted(SERIOUS | BANTER)))
VARIANTS: dict[str, tuple[FeatureSpec, float]] = {
    "packaged": (PACKAGED, ALPHA),
    "body 500 chars": (replace(PACKAGED, max_body_chars=500), ALPHA),
    "body 1000 chars": (replace(PACKAGED, max_body_chars=1000), ALPHA),
    "body 3000 chars": (replace(PACKAGED, max_body_chars=3000), ALPHA),
    "2**20 hashed columns": (replace(PACKAGED, hash_bits=20), ALPHA),
    "alpha 3e-6": (PACKAGED, 3e-6),
    "alpha 3e-5": (PACKAGED, 3e-5),
}


def labelled_rows(dataset: Path) -> list[tuple[str, str, str]]:
    """(subreddit, title, selftext) of every post of a labelled subreddit."""
    csv.field_size_limit(sys.maxsize)
    rows: list[tuple[str, str, str]] = []
    for name in sorted(SERIOUS | BANTER):
        with open(dataset / f"{name}.csv", newline="", encoding="utf-8") as f:
            rows.extend((name, row["title"], row["selftext"]) for row in csv.DictReader(f))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args()

    rows = labelled_rows(args.dataset)
    print(f"{len(rows):,} posts of {len(SERIOUS | BANTER)} labelled subreddits")
    print(f"{'variant':<22} {'held-out split':>14} {'cross-validated':>15} {'seconds':>8}")
    for name in args.variants:
        spec, alpha = VARIANTS[name]
        started = time.monotonic()
        metrics = train(rows, spec=spec, alpha=alpha).metrics
        print(f"{name:<22} {metrics['held_out_roc_auc']:>14.4f} "
              f"{metrics['cross_validated_roc_auc']:>15.4f} {time.monotonic() - started:>8.1f}")


if __name__ == "__main__":
    main()
