"""The short commands: status, verify, dead letters and train."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Column, Table

from earnest.config import Settings
from earnest.errors import ConfigError
from earnest.model.card import ModelCard
from earnest.model.lifecycle import UNDER_WAY, Progress, progresses
from earnest.pipeline.status import pipeline_status
from earnest.runtime import connect, make_store
from earnest.sources.reddit_api.source import fill_command
from earnest.store.base import SCORING, ModelInfo

GAPS_SHOWN = 20


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))
    return f"{when} ({time.time() - seconds:,.1f} s ago)"


async def show_status(settings: Settings, out: Console) -> None:
    async with connect(settings) as (bus, store):
        snapshot = await pipeline_status(store, bus)
        models = await store.models()
        backfills = await progresses(store)
        gaps = await store.gaps(GAPS_SHOWN + 1)
    counts = snapshot.counts
    table = Table(show_header=False, box=None)
    scoring = [m for m in models if m.state in SCORING]
    table.add_row("model", ", ".join(f"{m.version} ({m.state})" for m in scoring) or "none yet")
    for b in backfills.values():
        if b.phase in UNDER_WAY:
            table.add_row(f"backfill {b.version}", _backfill_line(b))
    table.add_row("posts stored", f"{counts.posts:,}")
    table.add_row("scores stored", f"{counts.scores:,}")
    table.add_row("scores waiting for their post", f"{counts.waiting_scores:,}")
    table.add_row("dead letters", f"{counts.dead_letters:,}")
    for group, lag in snapshot.lag.items():
        table.add_row(f"lag {group}", "unknown" if lag is None else f"{lag:,}")
    table.add_row("newest post", _ago(counts.newest_post_utc))
    table.add_row("last aggregate update", _ago(counts.last_update_at))
    out.print(table)
    if gaps:
        out.print(f"[yellow]gaps[/yellow]: posts that arrived faster than Reddit lists them "
                  f"may be missing{' (the newest shown)' if len(gaps) > GAPS_SHOWN else ''}; "
                  "import the month's dump over each range:")
        for gap in gaps[:GAPS_SHOWN]:
            out.print(f"  r/{gap.subreddit} {_utc(gap.start)} to {_utc(gap.end)}: "
                      f"{fill_command(gap)}", soft_wrap=True)


def _backfill_line(b: Progress) -> str:
    rate = f", {b.posts_per_second:,.0f} posts/s" if b.posts_per_second else ""
    return f"{b.phase}: {b.scored:,} of {b.total:,} stored posts ({b.fraction:.0%}){rate}"


async def verify_aggregates(settings: Settings, out: Console) -> bool:
    async with connect(settings) as (_, store):
        lines = await store.verify()
        counts = await store.counts()
    if not lines:
        out.print(f"aggregates match a recomputation from {counts.posts:,} posts and "
                  f"{counts.scores:,} scores")
        return True
    for line in lines[:50]:
        out.print(line)
    out.print(f"[red]{len(lines)} differences[/red]")
    return False


async def show_dead_letters(settings: Settings, out: Console, limit: int) -> None:
    async with connect(settings) as (_, store):
        letters = await store.dead_letters(limit)
    table = Table("id", "when (UTC)", "stage", "reason", "raw")
    for d in letters:
        raw = d.raw if len(d.raw) <= 80 else d.raw[:77] + "..."
        table.add_row(str(d.id), time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(d.at)),
                      d.stage, d.reason, raw)
    out.print(table)


async def show_models(settings: Settings, out: Console) -> None:
    async with make_store(settings.resolved_database_url()) as store:
        models = await store.models()
        backfills = await progresses(store)
    table = Table("name", "state", "kind", "AUC", "created (UTC)", "author")
    table.columns.insert(0, Column("version", no_wrap=True))  # to be copied whole
    for m in models:
        card = ModelCard.from_dict(m.card) if m.card else None
        auc = card.auc if card else m.metrics.get("held_out_roc_auc")
        state = m.state
        if m.version in backfills and backfills[m.version].phase == "backfilling":
            state += f" ({backfills[m.version].fraction:.0%} backfilled)"
        table.add_row(m.version, card.name if card else "", state, card.kind if card else "",
                      "" if auc is None else f"{auc:.3f}",
                      _utc(card.created_at if card else m.created_at).removesuffix(" UTC"),
                      card.author if card else "")
    out.print(table)


async def change_model(settings: Settings, out: Console, action: str, version: str | None
                       ) -> None:
    """``earnest models shadow|promote|rollback|retire``: change a version's state, say
    what follows."""
    from earnest.model import lifecycle

    async with make_store(settings.resolved_database_url()) as store:
        if action == "rollback":
            done = await lifecycle.rollback(store)
            out.print(f"{done.live} is live again; {done.replaced} stays in shadow (retire it "
                      f"with: earnest models retire {done.replaced})")
        elif version is None:
            raise ConfigError(f"earnest models {action} needs a VERSION; see earnest models list")
        elif action == "shadow":
            await lifecycle.shadow(store, version)
            out.print(f"{version} is in shadow: it scores every new post beside the live "
                      f"model (read it with ?model={version})")
        elif action == "promote":
            backfill = await lifecycle.promote(store, version)
            out.print(f"{version} is promoting: score workers backfill {backfill.total:,} "
                      "stored posts, then it becomes live in one step; follow it with "
                      "earnest status")
        elif action == "retire":
            await lifecycle.retire(store, version)
            out.print(f"{version} is retired: it scores nothing more; its scores stay "
                      f"readable with ?model={version}")


async def train_from_store(
    settings: Settings, output: Path | None, report: Callable[[str], None],
    held_out: list[str] | None = None,
) -> None:
    """Train on the labelled subreddits' stored posts; save and register the model."""
    from earnest.model.labels import BANTER, SERIOUS

    async with connect(settings) as (_, store):
        rows = await store.training_posts(sorted(SERIOUS | BANTER))
        if not rows:
            raise ConfigError("no posts of labelled subreddits are stored; replay the dataset "
                              "and store it first (earnest up, or earnest replay followed by "
                              "earnest worker store-posts --until-idle)")
        # Imported once connected: it takes seconds, a wrong URL should not wait for it.
        from earnest.model.registry import checked_types, earnest_card
        from earnest.model.train import format_report, train

        report(f"training on {len(rows):,} stored posts")
        model = train(rows, held_out=held_out)
        path = output or settings.home / "models" / f"{model.version}.skops"
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        artifact = path.read_bytes()
        card = earnest_card(model, checked_types(artifact, str(path)))
        await store.add_model(ModelInfo(model.version, str(path), model.metrics, time.time(),
                                        card=card.to_dict()), artifact)
    report(format_report(model))
    report(f"saved and registered {path}; make it live with: earnest models promote "
           f"{model.version}")


async def register_model_file(settings: Settings, path: Path, out: Console, **card: Any) -> None:
    """Check the model file at ``path`` and add it to the registry; say what happened."""
    from earnest.model.registry import examine, register

    candidate = await asyncio.to_thread(examine, path.read_bytes(), where=str(path), **card)
    async with make_store(settings.resolved_database_url()) as store:
        new = await register(store, candidate, str(path))
    c = candidate.card
    if new:
        out.print(f"registered {c.version} ({c.name}, {c.kind}, by {c.author}): it passed the "
                  "probe batch; it scores nothing until it is shadowed or promoted "
                  f"(earnest models shadow|promote {c.version})")
    else:
        out.print(f"{c.version} is registered already; nothing changed")
