"""Training, with an honest evaluation: whole subreddits are held out.

The model is scored on posts of subreddits it has never seen, so it is
evaluated the same way. ``train`` does three things, in this order:

1. keeps the posts of labelled subreddits (``labels.py``) and drops the rest;
2. fits a model without the held-out subreddits and measures it on them: ROC
   AUC over their posts and each one's mean score. That is the figure that
   predicts how the model does on new subreddits;
3. refits on every labelled subreddit, held-out ones included, and returns
   that model: more subreddits teach more ways of being serious or joking,
   which matters more for new subreddits than keeping the evaluated weights.
   The metrics say so (``final_fit``).

Twelve subreddits are a small sample, so step 2 also runs a grouped
cross-validation: the labelled subreddits are dealt into ``FOLDS`` folds, each
with serious and banter ones, and every fold is scored by a model fitted on
the other folds. Each labelled subreddit is thus held out exactly once, and the
ROC AUC over all their out-of-fold scores (``cross_validated_roc_auc``) is the
steadier figure; the per-fold ones show how much it varies.

The default held-out set pairs subreddits that share a topic and differ in
tone (askscience / shittyaskscience, medicine / askashittydoctor, programming /
shittyprogramming, NeutralPolitics / PoliticalHumor), so a model that learnt
topics instead of tone scores badly on it; AskHistorians, personalfinance,
Jokes and circlejerk add variety.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import roc_auc_score

from earnest.errors import ModelError
from earnest.model.artifact import SeriousnessModel
from earnest.model.features import FeatureSpec, featurize
from earnest.model.labels import BANTER, SERIOUS, label_for, labelled_name

DEFAULT_HELD_OUT: tuple[str, ...] = (
    "askscience",
    "shittyaskscience",
    "medicine",
    "askashittydoctor",
    "programming",
    "shittyprogramming",
    "NeutralPolitics",
    "PoliticalHumor",
    "AskHistorians",
    "personalfinance",
    "Jokes",
    "circlejerk",
)

ALPHA = 1e-5
"""L2 penalty of the logistic regression, chosen by grouped cross-validation over subreddits."""

FOLDS = 5
"""Folds of whole subreddits in the cross-validation."""

_CHUNK = 5_000


@dataclass
class _Posts:
    subreddits: np.ndarray
    labels: np.ndarray
    features: sparse.csr_matrix

    def select(self, mask: np.ndarray) -> _Posts:
        return _Posts(self.subreddits[mask], self.labels[mask], self.features[mask])


def train(
    rows: Iterable[tuple[str, str, str]],
    *,
    held_out: Sequence[str] | None = None,
    seed: int = 0,
    spec: FeatureSpec | None = None,
    alpha: float = ALPHA,
) -> SeriousnessModel:
    """Train on (subreddit, title, selftext) rows; rows of unlabelled subreddits are ignored.

    ``held_out`` names the subreddits to evaluate on (default ``DEFAULT_HELD_OUT``;
    an empty list skips the evaluation). The evaluation is skipped, and says
    why in the metrics, when the held-out or the remaining subreddits lack
    posts of either label. Raises ``ModelError`` if the labelled posts are
    not both serious and banter. ``spec`` (default: ``FeatureSpec`` with every
    labelled subreddit's name masked) and ``alpha`` are there to compare
    variants (bench/model_variants.py); the defaults are the packaged model's.
    """
    if spec is None:
        spec = FeatureSpec(masked_names=tuple(sorted(SERIOUS | BANTER)))
    posts = _labelled_posts(rows, spec)
    _require_both_labels(posts.labels, "the labelled posts")
    held = {labelled_name(n) for n in (DEFAULT_HELD_OUT if held_out is None else held_out)}
    is_held = np.array([name in held for name in posts.subreddits], dtype=bool)
    metrics: dict[str, Any] = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **_evaluate(posts, is_held, seed, alpha),
        **_cross_validate(posts, seed, alpha),
        "training_posts": len(posts.labels),
        "training_subreddits": sorted(set(posts.subreddits.tolist())),
        "posts_per_label": {"serious": int(posts.labels.sum()),
                            "banter": int(len(posts.labels) - posts.labels.sum())},
        "final_fit": "all labelled subreddits, held-out ones included",
        "classifier": f"SGDClassifier(loss='log_loss', alpha={alpha}), "
        "equal weight per subreddit and per label",
        "features": spec.to_dict(),
        "seed": seed,
    }
    return SeriousnessModel(_fit(posts, seed, alpha), spec, metrics)


def _labelled_posts(rows: Iterable[tuple[str, str, str]], spec: FeatureSpec) -> _Posts:
    subreddits: list[str] = []
    titles: list[str] = []
    bodies: list[str] = []
    labels: list[int] = []
    for subreddit, title, body in rows:
        name = labelled_name(subreddit)
        if name is not None:
            subreddits.append(name)
            titles.append(title or "")
            bodies.append(body or "")
            labels.append(1 if name in SERIOUS else 0)
    chunks = [
        featurize(titles[i : i + _CHUNK], bodies[i : i + _CHUNK], spec)
        for i in range(0, len(titles), _CHUNK)
    ]
    features = sparse.vstack(chunks, format="csr") if chunks else sparse.csr_matrix((0, 0))
    features.sum_duplicates()
    features.eliminate_zeros()
    return _Posts(np.array(subreddits, dtype=object), np.array(labels, dtype=np.int64), features)


def _require_both_labels(labels: np.ndarray, what: str) -> None:
    if len(set(labels.tolist())) < 2:
        raise ModelError(f"{what} must come from both serious and banter subreddits, got "
                         f"{len(labels)} posts with labels {sorted(set(labels.tolist()))}; "
                         "store posts of the subreddits in earnest.model.labels first")


def _evaluate(posts: _Posts, is_held: np.ndarray, seed: int, alpha: float) -> dict[str, Any]:
    """Fit without the held-out subreddits and measure the fit on them."""
    test, rest = posts.select(is_held), posts.select(~is_held)
    found = sorted(set(test.subreddits.tolist()))
    metrics: dict[str, Any] = {"held_out_subreddits": found, "held_out_posts": len(test.labels)}
    skipped = None
    if not is_held.any():
        skipped = "no posts of the held-out subreddits"
    elif len(set(test.labels.tolist())) < 2 or len(set(rest.labels.tolist())) < 2:
        skipped = "the held-out and the remaining subreddits both need serious and banter posts"
    if skipped:
        metrics["held_out_roc_auc"] = None
        metrics["held_out_skipped"] = skipped
        return metrics
    scores = _fit(rest, seed, alpha).predict_proba(test.features)[:, 1]
    metrics["held_out_roc_auc"] = float(roc_auc_score(test.labels, scores))
    metrics["held_out_mean_score"] = {
        name: float(scores[test.subreddits == name].mean()) for name in found
    }
    metrics["evaluation_training_posts"] = len(rest.labels)
    return metrics


def subreddit_folds(subreddits: Iterable[str], folds: int, seed: int) -> list[list[str]]:
    """Deal labelled subreddits into at most ``folds`` folds, each with both labels.

    Serious and banter subreddits are shuffled (with ``seed``) and dealt
    separately, so every fold holds some of each; there are as many folds as
    the scarcer label has subreddits, up to ``folds``. Every subreddit is in
    exactly one fold.
    """
    rng = np.random.default_rng(seed)
    by_label = [sorted({s for s in subreddits if label_for(s) == label}) for label in (1, 0)]
    count = min(folds, *(len(names) for names in by_label))
    dealt: list[list[str]] = [[] for _ in range(count)]
    for names in by_label:
        for i, name in enumerate(rng.permutation(names).tolist()):
            dealt[i % count].append(name)
    return [sorted(fold) for fold in dealt]


def _cross_validate(posts: _Posts, seed: int, alpha: float) -> dict[str, Any]:
    """Score every labelled subreddit with a model that never saw it, fold by fold."""
    folds = subreddit_folds(set(posts.subreddits.tolist()), FOLDS, seed)
    if len(folds) < 2:
        return {"cross_validated_roc_auc": None,
                "cross_validation_skipped": "fewer than two serious and two banter subreddits"}
    scores = np.zeros(len(posts.labels))
    per_fold = []
    for fold in folds:
        is_held = np.isin(posts.subreddits, fold)
        test = posts.select(is_held)
        scores[is_held] = _fit(posts.select(~is_held), seed, alpha).decision_function(test.features)
        per_fold.append(float(roc_auc_score(test.labels, scores[is_held])))
    return {
        "cross_validated_roc_auc": float(roc_auc_score(posts.labels, scores)),
        "cross_validation_fold_roc_auc": per_fold,
        "cross_validation_folds": folds,
    }


def _fit(posts: _Posts, seed: int, alpha: float) -> SGDClassifier:
    classifier = SGDClassifier(
        loss="log_loss", alpha=alpha, max_iter=1000, tol=1e-4, random_state=seed
    )
    return classifier.fit(posts.features, posts.labels, sample_weight=_weights(posts))


def _weights(posts: _Posts) -> np.ndarray:
    """Every subreddit weighs the same within its label, and both labels weigh the same."""
    per_subreddit = Counter(posts.subreddits.tolist())
    weights = np.array([1.0 / per_subreddit[name] for name in posts.subreddits])
    for label in (0, 1):
        mine = posts.labels == label
        weights[mine] *= 0.5 / weights[mine].sum()
    return weights * len(weights)


def format_report(model: SeriousnessModel) -> str:
    """A few lines for people: sizes, held-out ROC AUC and mean score per held-out subreddit."""
    m = model.metrics
    lines = [
        f"model {model.version}: {m['training_posts']:,} labelled posts from "
        f"{len(m['training_subreddits'])} subreddits (trained {m['trained_at']})"
    ]
    if m.get("cross_validated_roc_auc") is not None:
        folds = m["cross_validation_fold_roc_auc"]
        lines.append(
            f"ROC AUC with each labelled subreddit held out once ({len(folds)} folds of whole "
            f"subreddits): {m['cross_validated_roc_auc']:.3f} (folds "
            f"{', '.join(f'{auc:.3f}' for auc in folds)})"
        )
    if m.get("held_out_roc_auc") is None:
        lines.append(f"no held-out evaluation: {m.get('held_out_skipped', 'none requested')}")
        return "\n".join(lines)
    lines.append(
        f"ROC AUC on {len(m['held_out_subreddits'])} held-out subreddits: "
        f"{m['held_out_roc_auc']:.3f} ({m['held_out_posts']:,} posts, model fitted on the "
        f"other {m['evaluation_training_posts']:,})"
    )
    means = sorted(m["held_out_mean_score"].items(), key=lambda item: -item[1])
    width = max(len(name) for name, _ in means)
    for name, value in means:
        kind = "serious" if label_for(name) == 1 else "banter"
        lines.append(f"  {name:<{width}}  {kind:<7}  mean seriousness {value:.2f}")
    return "\n".join(lines)
