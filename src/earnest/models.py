"""Bring your own model: register it with earnest, list what is registered.

From a notebook or a script::

    import skops.io
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    import earnest.models

    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    card = earnest.models.register(model, name="tfidf-logreg", author="ada",
                                   metrics={"held_out_roc_auc": 0.95})

What a model is given: with ``input="text"`` (the default), a list of strings,
one per post, its ``fields`` (title, then selftext) joined by a blank line
(``"title\\n\\nselftext"``; a link post's selftext is empty); with
``input="columns"``, a 2-D NumPy object array of shape (posts, fields), columns
in ``fields`` order, for a ``ColumnTransformer`` that picks columns by position.
It must have ``predict_proba`` and two classes, the second being *serious*
(label 1). Train it on text built the same way. Nothing here needs pandas.

Registering checks the model before storing anything (:mod:`earnest.model.registry`);
a refused model raises ``ModelError`` saying why, and the registry is unchanged.
The calls are synchronous and use the configured settings (``EARNEST_*``), unless
``settings`` are given; they work inside a running event loop (Jupyter) too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import skops.io as sio

from earnest.blocking import run_to_end
from earnest.config import Settings
from earnest.model.card import FIELDS, TEXT, ModelCard, TrainingData
from earnest.model.registry import Candidate, examine
from earnest.model.registry import register as add_to_registry
from earnest.runtime import make_store
from earnest.store.base import ModelInfo

__all__ = ["ModelCard", "TrainingData", "check", "register", "versions"]

T = TypeVar("T")



def _database(settings: Settings | None) -> str:
    return (settings or Settings()).resolved_database_url()  # type: ignore[call-arg]


def check(
    model: str | Path | Any, *, name: str | None = None, author: str | None = None,
    metrics: dict[str, Any] | None = None, training: TrainingData | dict[str, Any] | None = None,
    fields: tuple[str, ...] = FIELDS, input: str = TEXT,
) -> Candidate:
    """Every check :func:`register` makes, without registering: a path to a skops file
    or a fitted estimator (saved with skops first)."""
    if isinstance(model, str | Path):
        where, data = str(model), Path(model).read_bytes()
    else:
        where, data = f"the {type(model).__name__}", sio.dumps(model)
    if isinstance(training, dict):
        training = TrainingData(**training)
    return examine(data, where=where, name=name, author=author, metrics=metrics,
                   training=training, fields=tuple(fields), input=input)


def register(
    model: str | Path | Any, *, name: str | None = None, author: str | None = None,
    metrics: dict[str, Any] | None = None, training: TrainingData | dict[str, Any] | None = None,
    fields: tuple[str, ...] = FIELDS, input: str = TEXT, settings: Settings | None = None,
) -> ModelCard:
    """Check a model and add it to the registry (state ``registered``); its card.

    ``model``: a path to a skops file, or a fitted scikit-learn classifier or
    pipeline. ``metrics``: its held-out metrics (``held_out_roc_auc`` is shown by
    ``earnest models list``). ``training``: the posts it was trained on
    (``posts``, ``first_post_utc``, ``last_post_utc``). Registering the same model
    again changes nothing and returns the card registered first.
    """
    candidate = check(model, name=name, author=author, metrics=metrics, training=training,
                      fields=fields, input=input)
    path = str(model) if isinstance(model, str | Path) else ""

    async def store_it() -> ModelCard:
        async with make_store(_database(settings)) as store:
            if await add_to_registry(store, candidate, path):
                return candidate.card
            stored = next(m for m in await store.models() if m.version == candidate.card.version)
            return ModelCard.from_dict(stored.card) if stored.card else candidate.card

    return run_to_end(store_it())


def versions(settings: Settings | None = None) -> list[ModelInfo]:
    """Every registered version with its state and card, newest first."""

    async def read() -> list[ModelInfo]:
        async with make_store(_database(settings)) as store:
            return await store.models()

    return run_to_end(read())
