"""Training and honest evaluation: whole subreddits are held out of training.

The model is first fitted without the held-out subreddits and scored on them
(ROC AUC on subreddits it never saw: the figure that predicts how it does on new
ones). The artifact is then refitted on every labelled subreddit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from earnest.model.artifact import SeriousnessModel
from earnest.model.features import prepare, vectorizer
from earnest.model.labels import label_for

# Pairs that share a topic and differ in tone, plus a few on their own.
DEFAULT_HELD_OUT = (
    "NeutralPolitics", "PoliticalHumor",
    "medicine", "askashittydoctor",
    "LifeProTips", "ShittyLifeProTips",
    "AskSocialScience", "3amjokes",
)


def _pipeline(seed: int) -> Pipeline:
    classifier = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000,
                                    solver="liblinear", random_state=seed)
    return Pipeline([("features", vectorizer()), ("classifier", classifier)])


def _fit(rows: Sequence[tuple[str, str, str, int]], seed: int) -> Pipeline:
    pipeline = _pipeline(seed)
    pipeline.fit(prepare([r[1] for r in rows], [r[2] for r in rows]), [r[3] for r in rows])
    return pipeline


def train(
    rows: Iterable[tuple[str, str, str]],
    *,
    held_out: Sequence[str] | None = None,
    seed: int = 0,
) -> SeriousnessModel:
    """Fit on (subreddit, title, selftext) rows of labelled subreddits; unlabelled are ignored."""
    held = {s.lower() for s in (DEFAULT_HELD_OUT if held_out is None else held_out)}
    labelled = [(s, t, b, lab) for s, t, b in rows if (lab := label_for(s)) is not None]
    train_rows = [r for r in labelled if r[0].lower() not in held]
    test_rows = [r for r in labelled if r[0].lower() in held]
    metrics: dict = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "train_posts": len(labelled),
        "train_subreddits": sorted({r[0] for r in labelled}),
        "held_out_subreddits": sorted({r[0] for r in test_rows}),
        "held_out_posts": len(test_rows),
        "note": "held-out metrics come from a fit without the held-out subreddits; "
        "the saved model is refitted on all labelled subreddits",
    }
    if len({r[3] for r in test_rows}) == 2 and len({r[3] for r in train_rows}) == 2:
        evaluation = _fit(train_rows, seed)
        scores = evaluation.predict_proba(prepare([r[1] for r in test_rows],
                                                  [r[2] for r in test_rows]))[:, 1]
        labels = np.array([r[3] for r in test_rows])
        metrics["held_out_roc_auc"] = float(roc_auc_score(labels, scores))
        metrics["held_out_mean_score"] = {
            name: float(scores[[r[0] == name for r in test_rows]].mean())
            for name in metrics["held_out_subreddits"]
        }
    final = _fit(labelled, seed)
    coef = final.named_steps["classifier"].coef_
    digest = hashlib.sha256(np.ascontiguousarray(coef).tobytes()).hexdigest()[:8]
    version = f"seriousness-{datetime.now(UTC):%Y%m%d}-{digest}"
    return SeriousnessModel(final, version, metrics)


def format_report(model: SeriousnessModel) -> str:
    m = model.metrics
    lines = [f"model {model.version}: {m['train_posts']:,} labelled posts from "
             f"{len(m['train_subreddits'])} subreddits"]
    if "held_out_roc_auc" in m:
        lines.append(f"ROC AUC on held-out subreddits: {m['held_out_roc_auc']:.3f} "
                     f"({m['held_out_posts']:,} posts)")
        lines += [f"  {name}: mean seriousness {value:.2f}"
                  for name, value in m["held_out_mean_score"].items()]
    return "\n".join(lines)
