"""The trained model as a file: a scikit-learn pipeline plus its version and metrics.

Saved with skops, never pickle: loading checks that the file holds nothing but
scikit-learn, NumPy and SciPy types before anything is built from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
from sklearn.pipeline import Pipeline

from earnest.errors import ModelError
from earnest.model.features import prepare

_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


def default_model_path() -> Path:
    """The model shipped inside the package."""
    return Path(__file__).parent / "artifacts" / "default.skops"


class SeriousnessModel:
    """Scores posts: the probability that each is serious rather than banter."""

    def __init__(self, pipeline: Pipeline, version: str, metrics: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.version = version
        self.metrics = metrics

    def score(self, titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
        """Seriousness in [0, 1] of each post, computed for the whole batch at once."""
        if not titles:
            return np.zeros(0)
        return self.pipeline.predict_proba(prepare(titles, selftexts))[:, 1]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        sio.dump({"pipeline": self.pipeline, "version": self.version,
                  "metrics": self.metrics}, path)

    @classmethod
    def load(cls, path: Path) -> SeriousnessModel:
        """Load a model saved by :meth:`save`; raises ``ModelError`` saying what to do."""
        if not Path(path).is_file():
            raise ModelError(f"no model file at {path}; train one with `earnest train` or "
                             "unset EARNEST_MODEL_PATH to use the packaged model")
        try:
            untrusted = sio.get_untrusted_types(file=path)
            unexpected = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
            if unexpected:
                raise ModelError(f"{path} holds types a model should not: {unexpected}; "
                                 "only load models that earnest saved")
            content = sio.load(path, trusted=untrusted)
            return cls(content["pipeline"], str(content["version"]), dict(content["metrics"]))
        except ModelError:
            raise
        except Exception as exc:  # skops raises many kinds for a damaged or foreign file
            raise ModelError(f"{path} is not a readable earnest model ({exc}); "
                             "retrain with `earnest train`") from exc
