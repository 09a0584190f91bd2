"""A model version's life after registering: shadow, promote, rollback, retire.

::

    registered ──shadow──▶ shadow ──promote──▶ promoting ──(backfill caught up)──▶ live
        │                    ▲                                                     │
        └──────promote───────┼────────────────────────────────────────▶ promoting  │
                             └──────── the live version, when another replaces it ◀┘
    any state but live ──retire──▶ retired (scores nothing; its data stays readable)

A *shadow* version scores every new post beside the live one, and its aggregates
are kept per version, invisible to default reads. *Promoting* starts a backfill
(:mod:`earnest.pipeline.backfill`) that scores every stored post; the default view
switches only once the new version counts at least the posts the live one counts,
checked and switched in one transaction (:meth:`Store.switch_live`). The version
it replaces stays in shadow, kept current, so a *rollback* is one transaction too.
Score workers follow these states without a restart (:mod:`earnest.model.in_use`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from earnest.errors import NotFound, StateConflict
from earnest.store.base import (
    LIVE,
    PROMOTING,
    REGISTERED,
    RETIRED,
    SHADOW,
    Backfill,
    ModelInfo,
    Store,
)


async def _model(store: Store, version: str) -> tuple[ModelInfo, list[ModelInfo]]:
    models = await store.models()
    found = [m for m in models if m.version == version]
    if not found:
        known = ", ".join(m.version for m in models) or "none"
        raise NotFound(f"no model version {version!r} is registered (registered: {known}); "
                       "see earnest models list")
    return found[0], models


async def shadow(store: Store, version: str) -> None:
    """Score every new post with ``version`` too, out of default reads."""
    info, _ = await _model(store, version)
    if info.state == LIVE:
        raise StateConflict(f"model {version} is live already; it scores every post")
    await store.set_model_state(version, SHADOW, (REGISTERED, RETIRED, SHADOW))


async def promote(store: Store, version: str) -> Backfill:
    """Start making ``version`` live: it scores new posts, and a backfill scores every
    stored one; the default view switches once it has caught up."""
    info, models = await _model(store, version)
    if info.state == LIVE:
        raise StateConflict(f"model {version} is live already")
    others = [m.version for m in models if m.state == PROMOTING and m.version != version]
    if others:
        raise StateConflict(f"model {others[0]} is being promoted; wait until it is live, or "
                            f"retire it (earnest models retire {others[0]}), then promote "
                            f"{version}")
    if info.state == PROMOTING:
        found = [b for b in await store.backfills() if b.version == version]
        if found:
            return found[0]
    now = time.time()
    backfill = Backfill(version, total=(await store.counts()).posts, started_at=now,
                        updated_at=now)
    # The backfill first: a version promoting without one would never become live.
    await store.start_backfill(backfill)
    await store.set_model_state(version, PROMOTING, (REGISTERED, SHADOW, RETIRED, PROMOTING))
    return backfill


@dataclass(frozen=True)
class Rollback:
    live: str  # live again
    replaced: str  # now in shadow


async def rollback(store: Store) -> Rollback:
    """Make the version live before the live one live again, at once."""
    models = await store.models()
    live = next((m for m in models if m.state == LIVE), None)
    if live is None:
        raise StateConflict("no model is live; start earnest once to make the default live")
    earlier = [m for m in models if m.state == SHADOW and m.live_since is not None
               and m.version != live.version]
    if not earlier:
        raise StateConflict(f"no version was live before {live.version} and kept in shadow; "
                            "nothing to roll back to (promote one: earnest models promote V)")
    previous = max(earlier, key=lambda m: m.live_since or 0.0)
    await store.set_live(previous.version)
    return Rollback(live=previous.version, replaced=live.version)


async def retire(store: Store, version: str) -> None:
    """Stop scoring with ``version`` (a promotion under way is abandoned)."""
    info, _ = await _model(store, version)
    if info.state == LIVE:
        raise StateConflict(f"model {version} is live; make another version live first "
                            "(earnest models promote V, or earnest models rollback)")
    await store.set_model_state(version, RETIRED, (REGISTERED, SHADOW, PROMOTING, RETIRED))


UNDER_WAY = ("backfilling", "settling")  # the phases status reports show


@dataclass(frozen=True)
class Progress:
    """How far a promotion's backfill is, as ``earnest status``, ``GET /models`` and the
    dashboard show it. ``phase``: ``backfilling`` (scoring stored posts), ``settling``
    (live, scoring posts that were in flight), ``done``, or ``stopped`` (the version
    was retired or rolled back before it finished)."""

    version: str
    phase: str
    scored: int
    total: int
    fraction: float
    posts_per_second: float | None
    started_at: float
    updated_at: float
    switched_at: float | None
    finished_at: float | None

    def to_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def progress(backfill: Backfill, state: str | None) -> Progress:
    b = backfill
    if b.finished_at is not None:
        phase = "done"
    elif state == PROMOTING:
        phase = "backfilling"
    elif state == LIVE:
        phase = "settling"
    else:
        phase = "stopped"
    took = b.updated_at - b.started_at
    fraction = 1.0 if phase in ("done", "settling") or not b.total else min(1.0,
                                                                           b.scored / b.total)
    # Posts stored since it began are scored too: the total shown grows with them.
    return Progress(b.version, phase, b.scored, max(b.total, b.scored), round(fraction, 4),
                    round(b.scored / took, 1) if b.scored and took > 0 else None,
                    b.started_at, b.updated_at, b.switched_at, b.finished_at)


async def progresses(store: Store) -> dict[str, Progress]:
    """The latest backfill's progress of each version that has one."""
    states = {m.version: m.state for m in await store.models()}
    return {b.version: progress(b, states.get(b.version)) for b in await store.backfills()}
