"""``GET /post/{id}``: one post, its score under every model version, and why."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path

from earnest.api.deps import ModelsDep, ShownDep, StoreDep, no_unknown_query_parameters
from earnest.api.errors import data_responses
from earnest.api.explanations import explain_posts
from earnest.api.responses import FastJSON
from earnest.api.schemas import PostDetail
from earnest.api.timeutil import at
from earnest.records import POST_ID_PATTERN

router = APIRouter(tags=["posts"], dependencies=[Depends(no_unknown_query_parameters)])

PostId = Annotated[str, Path(pattern=POST_ID_PATTERN, description="Reddit's id of the post.",
                             examples=["1abcde"])]


@router.get("/post/{post_id}", response_model=PostDetail, responses=data_responses(404, 422))
async def get_post(post_id: PostId, store: StoreDep, shown: ShownDep,
                   models: ModelsDep) -> FastJSON:
    """A post as stored, its score under each model version, and the 10 largest
    contributions to its score under the version shown (``?model=``, or the live one)."""
    found = await store.posts([post_id])
    if not found:
        raise HTTPException(404, f"post {post_id!r} is not stored")
    stored = found[0]
    post = stored.post
    live = (await store.active_model())
    live_version = live.version if live else None
    scores = sorted(stored.scores.items(), key=lambda vs: (vs[0] != live_version, vs[0]))
    explanation: dict[str, Any] | None = None
    reason: str | None = "no model is registered"
    if shown.info is not None:
        bodies, reason = await explain_posts(models, shown.info, [post], top=10)
        explanation = bodies[0] if bodies is not None else None
    return FastJSON({
        "id": post.id, "subreddit": post.subreddit, "title": post.title,
        "selftext": post.selftext, "url": post.url, "permalink": post.permalink,
        "created_utc": at(post.created_utc), "score": post.score,
        "num_comments": post.num_comments, "over_18": post.over_18,
        "removed": post.removed or None,
        "observed_at": at(post.observed_at) if post.observed_at else None,
        "published_at": at(post.published_at) if post.published_at else None,
        "stored_at": at(stored.stored_at),
        "scores": [{"model_version": version, "seriousness": seriousness,
                    "live": version == live_version} for version, seriousness in scores],
        "model_version": shown.version,
        "explanation": explanation,
        "explanation_unavailable": reason,
    }, headers=shown.headers())
