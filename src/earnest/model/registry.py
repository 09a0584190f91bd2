"""Registering a model: the checks a skops file must pass before the registry takes it.

:func:`examine` reads a file's bytes and refuses, with a ``ModelError`` saying
what is wrong and what to do, a file that

1. is not a skops file;
2. holds a type that skops does not trust by default and that is not a class of
   an allowed module (:data:`ALLOWED_MODULES`): a function reference such as
   ``builtins.eval`` or ``posix.system`` never is, whatever its module;
3. is neither earnest's own model nor a fitted two-class classifier with
   ``predict_proba``;
4. fails on the probe batch (:mod:`earnest.model.probe`).

It loads nothing before the type check passes, and writes nothing anywhere:
only :func:`register` writes, once every check has passed, so a refused model
leaves the registry and the running pipeline as they were. The accepted types
become the card's ``trusted_types``, the only ones trusted when a worker loads
the version again (:func:`earnest.model.scorer.load_scorer`).
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
import skops.io as sio

from earnest.errors import ModelError
from earnest.model.artifact import FORMAT, SeriousnessModel
from earnest.model.card import (
    EARNEST_LINEAR,
    FIELDS,
    POSTS,
    SKLEARN,
    TEXT,
    ModelCard,
    TrainingData,
    content_hash,
)
from earnest.model.probe import probe_failure
from earnest.model.scorer import EstimatorModel, Scorer, load_earnest
from earnest.store.base import ModelInfo, Store

ALLOWED_MODULES = ("numpy", "scipy.sparse", "sklearn", "earnest")
"""The modules whose classes a model file may hold beyond what skops trusts."""

REGISTERED = "registered"
"""The state of a version just registered: stored, loadable, scoring nothing yet."""
LIVE = "live"
"""The state of the version the pipeline scores with and the API serves by default."""

_EARNEST_NAME = "earnest-seriousness"


@dataclass(frozen=True)
class Candidate:
    """A model file that passed every check: its card, its bytes, its loaded scorer."""

    card: ModelCard
    artifact: bytes
    scorer: Scorer


def _refusal(type_name: str) -> str | None:
    """Why a type may not be loaded from a model file, or ``None`` if it may."""
    module, _, attribute = type_name.rpartition(".")
    if not any(module == m or module.startswith(m + ".") for m in ALLOWED_MODULES):
        return f"{type_name} (not from {', '.join(ALLOWED_MODULES)})"
    try:
        found: Any = importlib.import_module(module)
        found = getattr(found, attribute)
    except (ImportError, AttributeError):
        return f"{type_name} (no such type here)"
    if isinstance(found, type | np.ufunc):
        return None
    return f"{type_name} (a function, not a class)"


def checked_types(data: bytes, where: str = "the model file") -> list[str]:
    """The types of skops file ``data`` that skops does not trust by default, each
    accepted by the allow-list; raises ``ModelError`` otherwise."""
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:  # zipfile, json and skops errors: not a skops file
        raise ModelError(f"{where} is not a skops file ({type(exc).__name__}: {exc}); save "
                         "the model with skops.io.dump(model, path) and register that") from exc
    refused = [r for r in map(_refusal, untrusted) if r]
    if refused:
        raise ModelError(f"{where} holds types earnest will not load: {'; '.join(refused)}. "
                         "A model may hold only classes of numpy, scipy.sparse, scikit-learn "
                         "and earnest, and no function references (such as a "
                         "FunctionTransformer's func); rebuild it without them")
    return sorted(untrusted)


def earnest_card(model: SeriousnessModel, trusted: list[str], **given: Any) -> ModelCard:
    """The card of earnest's own model: what its metrics say, unless ``given``."""
    metrics = model.metrics
    trained_at = metrics.get("trained_at")
    posts = metrics.get("training_posts")
    card = ModelCard(
        name=_EARNEST_NAME, version=model.version, kind=EARNEST_LINEAR, author="earnest",
        fields=FIELDS, input=POSTS, trusted_types=tuple(trusted),
        created_at=datetime.fromisoformat(trained_at).timestamp() if trained_at else time.time(),
        metrics={k: v for k, v in metrics.items() if k.startswith("held_out")},
        training=TrainingData(posts=posts) if isinstance(posts, int) else None,
    )
    return replace(card, **{k: v for k, v in given.items() if v is not None})


def examine(
    data: bytes, *, where: str, name: str | None = None, author: str | None = None,
    fields: tuple[str, ...] = FIELDS, input: str = TEXT, metrics: dict[str, Any] | None = None,
    training: TrainingData | None = None, created_at: float | None = None,
) -> Candidate:
    """Check the model file ``data`` (``where`` names it in messages) and write its card.

    ``name`` defaults to the kind's (``earnest-seriousness`` or ``sklearn``);
    ``fields`` and ``input`` say how a scikit-learn model is fed (see
    :mod:`earnest.model.card`); earnest's own model reads title and selftext.
    """
    trusted = checked_types(data, where)
    try:
        content = sio.loads(data, trusted=trusted)
    except Exception as exc:  # skops raises many kinds for a damaged file
        raise ModelError(f"{where} is a damaged skops file ({exc}); save the model again "
                         "with skops.io.dump") from exc
    given = {"name": name, "author": author, "metrics": metrics, "training": training,
             "created_at": created_at}
    scorer: Scorer
    if isinstance(content, dict) and content.get("format") == FORMAT:
        model = load_earnest(data)
        card, scorer = earnest_card(model, trusted, **given), model
    else:
        version = "sklearn-" + content_hash(data, input, *fields)[:16]
        card = ModelCard(name=name or SKLEARN, version=version, kind=SKLEARN,
                         author=author or "unknown", fields=tuple(fields), input=input,
                         created_at=time.time() if created_at is None else created_at,
                         trusted_types=tuple(trusted), metrics=metrics or {},
                         training=training)
        scorer = EstimatorModel(content, card)
    failure = probe_failure(scorer.score)
    if failure:
        raise ModelError(f"{where} failed on the probe batch: {failure}; fix the model (it "
                         f"must return one finite probability in [0, 1] per post from "
                         f"{', '.join(card.fields)}) and register it again")
    return Candidate(card, data, scorer)


async def register(store: Store, candidate: Candidate, path: str = "") -> bool:
    """Add a checked model to the registry in state ``registered``; ``False`` if its
    version was there already (then nothing changes)."""
    card = candidate.card
    info = ModelInfo(card.version, path, card.metrics, time.time(), state=REGISTERED,
                     card=card.to_dict())
    return await store.add_model(info, candidate.artifact)
