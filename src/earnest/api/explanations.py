"""Explanations as the API serves them: a model's explanation of each post, or why there
is none (the model's file cannot be loaded here, or the model is of a kind that does not
explain its scores)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from earnest.api.model_cache import ModelCache
from earnest.errors import ModelError
from earnest.records import Post
from earnest.store.base import ModelInfo

Explained = tuple[list[dict[str, Any]], None] | tuple[None, str]
"""A body per post, or ``None`` and the reason."""


async def explain_posts(models: ModelCache, info: ModelInfo, posts: Sequence[Post],
                        top: int) -> Explained:
    """The ``top`` contributions to the score of each of ``posts`` under ``info``."""
    from earnest.model.explain import explain

    try:
        model = await models.get(info)
    except ModelError as exc:
        return None, f"model {info.version} cannot be loaded to explain its scores: {exc}"
    titles = [post.title for post in posts]
    selftexts = [post.selftext for post in posts]
    found = await asyncio.to_thread(explain, model, titles, selftexts, top)
    if found is None:
        return None, f"model {info.version} is not a linear model: it explains no score"
    return [
        {"model_version": info.version, "intercept": e.intercept, "rest": e.rest,
         "logit": e.logit,
         "contributions": [
             {"kind": c.kind, "feature": c.feature, "weight": c.weight,
              "towards": "serious" if c.weight > 0 else "banter"}
             for c in e.contributions
         ]}
        for e in found
    ], None
