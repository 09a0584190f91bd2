"""The trained model as an object and as a file.

A ``SeriousnessModel`` is a fitted scikit-learn linear classifier, the
``FeatureSpec`` it was trained with, and the metrics of its training run. It is
saved with skops, never pickle: loading refuses, before building anything, a
file that holds a type neither in ``TRUSTED_TYPES`` nor in skops' own list of
safe ones (builtins, NumPy arrays, scikit-learn estimators and losses), so a
model file cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
from scipy.special import expit
from sklearn.linear_model import SGDClassifier

from earnest.errors import ModelError
from earnest.model.features import FEATURES_VERSION, FeatureSpec, extract

FORMAT = "earnest-seriousness/1"
"""Written into every file; a file with another format is refused."""

TRUSTED_TYPES: tuple[str, ...] = (
    "numpy.ndarray",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
)
"""The types a model file holds besides builtins, passed to skops as trusted."""


_SLICE = 10_000


def score_in_slices(score: Callable[[Sequence[str], Sequence[str]], np.ndarray],
                    titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
    """``score`` over parallel ``titles`` and ``selftexts``, a slice of at most ``_SLICE``
    posts at a time, to bound the memory one call uses."""
    if len(titles) != len(selftexts):
        raise ValueError(f"{len(titles)} titles but {len(selftexts)} selftexts")
    if len(titles) <= _SLICE:
        return score(titles, selftexts)
    return np.concatenate([score(titles[i : i + _SLICE], selftexts[i : i + _SLICE])
                           for i in range(0, len(titles), _SLICE)])


def default_model_path() -> Path:
    """The model shipped inside the package."""
    return Path(__file__).parent / "artifacts" / "default.skops"


class SeriousnessModel:
    """Scores posts: the probability that each is serious rather than banter.

    ``version`` is ``seriousness-<YYYYMMDD of training>-<8 hex>``, where the
    hex digits hash the weights and the feature spec: the same trained model
    always has the same version, and different weights a different one.
    """

    def __init__(
        self, classifier: SGDClassifier, spec: FeatureSpec, metrics: dict[str, Any]
    ) -> None:
        if list(classifier.classes_) != [0, 1]:
            raise ModelError(f"the classifier's classes are {list(classifier.classes_)}, not "
                             "[0, 1] (banter, serious); retrain with `earnest train`")
        if classifier.coef_.shape != (1, spec.n_features):
            raise ModelError(f"the classifier has {classifier.coef_.shape[1]} weights but the "
                             f"features have {spec.n_features}; retrain with `earnest train`")
        self.classifier = classifier
        self.spec = spec
        self.metrics = metrics
        self._coef = np.ascontiguousarray(classifier.coef_[0], dtype=np.float64)
        self._ngram_coef = self._coef[: 1 << spec.hash_bits]
        self._style_coef = self._coef[1 << spec.hash_bits :]
        self._intercept = float(classifier.intercept_[0])
        self.version = self._make_version()

    def score(self, titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
        """Seriousness in [0, 1] of each post (float64), computed for the whole batch at once.

        ``titles`` and ``selftexts`` are parallel; a link post's selftext is "".
        Very large batches are scored in slices, to bound the memory used.
        """
        return score_in_slices(self._score, titles, selftexts)

    def _score(self, titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
        features = extract(titles, selftexts, self.spec)
        # Equal to featurize(...) @ coef, without building the one-hot style block.
        linear = features.ngrams @ self._ngram_coef
        linear += self._style_coef[features.styles].sum(axis=1)
        return expit(linear + self._intercept)

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` with skops, atomically (readers never see half a file)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        content = {
            "format": FORMAT,
            "classifier": self.classifier,
            "features": self.spec.to_dict(),
            "metrics": self.metrics,
        }
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(handle)
        try:
            sio.dump(content, temporary, compression=zipfile.ZIP_DEFLATED)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; a model is not a secret
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)

    @classmethod
    def load(cls, path: str | Path) -> SeriousnessModel:
        """Load a model written by :meth:`save`.

        Raises ``ModelError``, saying what to do, if the file is missing,
        unreadable, holds types a model should not, or was written by an
        incompatible version of earnest.
        """
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"no model file at {path}: train one with `earnest train`, or "
                             "leave the model path unset to use the packaged model")
        try:
            content = sio.load(path, trusted=list(TRUSTED_TYPES))
        except Exception as exc:  # skops raises many kinds for a damaged or foreign file
            raise ModelError(f"{path} is not a readable earnest model ({exc}); retrain with "
                             "`earnest train`, or use a model file that earnest saved") from exc
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            raise ModelError(f"{path} is not an earnest seriousness model of format {FORMAT}; "
                             "retrain with `earnest train`")
        features = content.get("features")
        if not isinstance(features, dict):
            features = {}
        if features.get("version") != FEATURES_VERSION:
            raise ModelError(f"{path} uses features version {features.get('version')}, this "
                             f"earnest computes version {FEATURES_VERSION}; retrain with "
                             "`earnest train`")
        try:
            return cls(content["classifier"], FeatureSpec.from_dict(features), content["metrics"])
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ModelError(f"{path} is an incomplete earnest model ({exc!r}); retrain with "
                             "`earnest train`") from exc

    def _make_version(self) -> str:
        digest = hashlib.sha256(self._coef.tobytes())
        digest.update(np.float64(self._intercept).tobytes())
        digest.update(json.dumps(self.spec.to_dict(), sort_keys=True).encode())
        trained_at = self.metrics.get("trained_at")
        if not isinstance(trained_at, str):
            raise ModelError("the model's metrics have no trained_at time; retrain with "
                             "`earnest train`")
        day = datetime.fromisoformat(trained_at).strftime("%Y%m%d")
        return f"seriousness-{day}-{digest.hexdigest()[:8]}"
