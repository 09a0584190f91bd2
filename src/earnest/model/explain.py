"""Why a linear model gave a post its score: each feature's weight times its value.

A linear model's logit is its intercept plus the sum, over the post's features, of
weight × value; so every feature's share is exact and cheap, and the shares of all
features plus the intercept add up to the logit. Features are computed by
:func:`earnest.model.features.describe` with the spec saved in the model, so an
explanation follows whatever features the model was trained on; hashed n-gram
columns are named by the n-grams of the post's own text that fell into them.

Contributions of the same n-gram (a word met twice, in any case) are added up. A
positive contribution pulls towards serious, a negative one towards banter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from earnest.model import style
from earnest.model.artifact import SeriousnessModel
from earnest.model.features import Described, describe


@dataclass(frozen=True)
class Contribution:
    kind: str
    """``word``, ``title word``, ``bigram``, ``marker``, ``shouting`` or ``style``."""
    feature: str
    """The n-gram as the post writes it, a marker's name, or a style bucket."""
    weight: float
    """Its share of the logit: > 0 towards serious, < 0 towards banter."""


@dataclass(frozen=True)
class Explanation:
    """A post's logit split into ``intercept`` plus ``contributions`` (largest first,
    by size) plus ``rest``, the sum of the contributions left out."""

    intercept: float
    contributions: list[Contribution]
    rest: float

    @property
    def logit(self) -> float:
        return self.intercept + sum(c.weight for c in self.contributions) + self.rest


def explain(model: object, titles: Sequence[str], selftexts: Sequence[str], top: int
            ) -> list[Explanation] | None:
    """The ``top`` contributions to each post's score, or ``None`` for a model that is
    not of a kind this module can explain."""
    if not isinstance(model, SeriousnessModel):
        return None
    coef = np.asarray(model.classifier.coef_[0], dtype=np.float64)
    split = 1 << model.spec.hash_bits
    ngram_coef, style_coef = coef[:split], coef[split:]
    intercept = float(model.classifier.intercept_[0])
    described = describe(titles, selftexts, model.spec)
    ngrams = described.features.ngrams
    shares = ngrams.data * ngram_coef[ngrams.indices]
    keys = described.entry_keys()
    return [
        _explain_one(described, shares, keys, ngrams.indptr[i], ngrams.indptr[i + 1],
                     described.features.styles[i], style_coef, intercept, top)
        for i in range(len(titles))
    ]


def _explain_one(described: Described, shares: np.ndarray, keys: np.ndarray, first: int,
                 end: int, styles: np.ndarray, style_coef: np.ndarray, intercept: float,
                 top: int) -> Explanation:
    post_shares = shares[first:end]
    unique, where, inverse = np.unique(keys[first:end], return_index=True, return_inverse=True)
    summed = np.bincount(inverse, weights=post_shares, minlength=len(unique))
    candidates = [
        (float(summed[k]), int(first + where[k])) for k in range(len(unique)) if summed[k]
    ]
    candidates += [(float(style_coef[column]), -1 - int(column))
                   for column in styles if style_coef[column]]
    candidates.sort(key=lambda c: abs(c[0]), reverse=True)
    chosen = candidates[:top]
    contributions = [Contribution(*_label(described, where), weight)
                     for weight, where in chosen]
    # The rest from the exact total, so that the parts add up to the logit.
    total = float(post_shares.sum()) + float(style_coef[styles].sum())
    return Explanation(intercept, contributions, total - sum(w for w, _ in chosen))


def _label(described: Described, where: int) -> tuple[str, str]:
    """(kind, feature) of an n-gram entry (``where`` >= 0) or style column (-1 - column)."""
    if where >= 0:
        return described.entry_label(where)
    column = -1 - where
    for name, size in style.BUCKETS:
        if column < size:
            return "style", f"{name} bucket {column} of {size}"
        column -= size
    raise ValueError(f"style column {-1 - where} is out of range")
