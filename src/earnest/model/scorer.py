"""What the score stage needs of a model, and a scikit-learn estimator behind it.

Every kind of model scores through :class:`Scorer`: a ``version`` and
``score(titles, selftexts)``, the seriousness in [0, 1] of each post. Earnest's
own :class:`~earnest.model.artifact.SeriousnessModel` is one as it is; any
scikit-learn classifier with ``predict_proba`` becomes one in
:class:`EstimatorModel`, fed as its card says (:data:`~earnest.model.card.TEXT`
or :data:`~earnest.model.card.COLUMNS`). :func:`load_scorer` turns a registered
artifact back into a scorer, trusting only the types its card lists.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import skops.io as sio

from earnest.errors import ModelError
from earnest.model.artifact import score_in_slices
from earnest.model.card import COLUMNS, EARNEST_LINEAR, TEXT, ModelCard

if TYPE_CHECKING:
    from earnest.model.artifact import SeriousnessModel
    from earnest.store.base import ModelInfo


class Scorer(Protocol):
    """A model as the pipeline uses it, whatever its kind."""

    version: str

    def score(self, titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
        """Seriousness in [0, 1] of each post (float64); the two lists are parallel."""
        ...


def model_input(card: ModelCard, titles: Sequence[str], selftexts: Sequence[str]) -> Any:
    """The posts as the card says its estimator takes them."""
    columns = {"title": titles, "selftext": selftexts}
    chosen = [columns[f] for f in card.fields]
    if card.input == TEXT:
        return ["\n\n".join(values) for values in zip(*chosen, strict=True)]
    if card.input == COLUMNS:
        table = np.empty((len(titles), len(chosen)), dtype=object)
        for i, values in enumerate(chosen):
            table[:, i] = list(values)
        return table
    raise ModelError(f"a scikit-learn model cannot take input {card.input!r}; "
                     f"register it with input {TEXT!r} or {COLUMNS!r}")


class EstimatorModel:
    """A scikit-learn classifier of two classes; the second of ``classes_`` (1, True,
    or whatever sorts last) is *serious*, as in scikit-learn's binary metrics."""

    def __init__(self, estimator: Any, card: ModelCard) -> None:
        classes = getattr(estimator, "classes_", None)
        if not callable(getattr(estimator, "predict_proba", None)) or classes is None:
            raise ModelError(f"the model is a {type(estimator).__name__}, not a fitted "
                             "classifier with predict_proba; fit a scikit-learn classifier "
                             "or pipeline and save that")
        if len(classes) != 2:
            raise ModelError(f"the classifier has classes {list(classes)}; earnest needs two "
                             "(banter, then serious)")
        self.estimator = estimator
        self.card = card
        self.version = card.version

    def score(self, titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
        return score_in_slices(self._score, titles, selftexts)

    def _score(self, titles: Sequence[str], selftexts: Sequence[str]) -> np.ndarray:
        proba = np.asarray(self.estimator.predict_proba(model_input(self.card, titles, selftexts)),
                           dtype=np.float64)
        if proba.shape != (len(titles), 2):
            raise ModelError(f"predict_proba returned an array of shape {proba.shape} for "
                             f"{len(titles)} posts; it should be ({len(titles)}, 2)")
        return proba[:, 1]


def load_earnest(artifact: bytes) -> SeriousnessModel:
    """Earnest's own model from a file's bytes, checked as :meth:`SeriousnessModel.load`
    checks a file (format, features, trusted types)."""
    from earnest.model.artifact import SeriousnessModel

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.skops"
        path.write_bytes(artifact)
        return SeriousnessModel.load(path)


def load_scorer(card: ModelCard, artifact: bytes) -> Scorer:
    """The model of a registered ``artifact``, trusting only ``card.trusted_types``.

    Raises ``ModelError`` if the file holds anything else, or is not what its card
    says.
    """
    if card.kind == EARNEST_LINEAR:
        model = load_earnest(artifact)
        if model.version != card.version:
            raise ModelError(f"the artifact of {card.version} holds model {model.version}; "
                             "register the model again")
        return model
    try:
        estimator = sio.loads(artifact, trusted=list(card.trusted_types))
    except Exception as exc:  # skops raises many kinds for a damaged or foreign file
        raise ModelError(f"the artifact of {card.version} cannot be loaded ({exc}); "
                         "register the model again") from exc
    return EstimatorModel(estimator, card)


def load_registered(info: ModelInfo, artifact: bytes | None) -> Scorer:
    """The model of a registry entry: from its artifact, or, for a version recorded
    before the registry kept artifacts, from the file it was registered from."""
    if artifact is not None and info.card is not None:
        return load_scorer(ModelCard.from_dict(info.card), artifact)
    from earnest.model.artifact import SeriousnessModel

    model = SeriousnessModel.load(Path(info.path))
    if model.version != info.version:
        raise ModelError(f"the file registered for model {info.version} ({info.path}) now "
                         f"holds model {model.version}")
    return model
