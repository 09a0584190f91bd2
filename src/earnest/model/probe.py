"""The probe batch: posts a model must score before it is registered.

Real posts from the bundled sample (text posts and link posts, whose selftext is
empty) and the awkward ones live data holds: no text at all, whitespace, emoji
and scripts other than Latin, combining marks, and a very long text. A model
passes if it returns, within :data:`PROBE_SECONDS`, one finite probability in
[0, 1] per post.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from earnest.sources.sample import submissions

PROBE_SECONDS = 30.0
"""How long a model may take over the probe batch (a few milliseconds is usual)."""

_TEXT_POSTS = 40
_LINK_POSTS = 16

_AWKWARD: list[tuple[str, str]] = [
    ("", ""),
    ("   ", "\n\t "),
    ("Why is the sky blue? 🤔🌌", "Asking for my kid 👶 — she won't stop asking ¿por qué?"),
    ("日本の税制はどのように機能しますか", "詳しく教えてください。ありがとうございます！"),
    ("Почему кошки мурлычут?", "Объясните, пожалуйста."),
    ("لماذا السماء زرقاء؟", "سؤال علمي"),
    ("Zalgo: ẗ̷̢h̴̛i̶s̵ ̴i̸s̷ ̶f̵i̸n̷e̶", "e\u0301\u0302\u0303 combining marks"),
    ("A very long post " * 18, "All work and no play makes Jack a dull boy. " * 1_000),
]


def probe_posts() -> tuple[list[str], list[str]]:
    """(titles, selftexts) of the probe batch: 64 posts."""
    text: list[tuple[str, str]] = []
    link: list[tuple[str, str]] = []
    for data in submissions():
        chosen = text if data.get("selftext") else link
        if len(chosen) < (_TEXT_POSTS if chosen is text else _LINK_POSTS):
            chosen.append((str(data.get("title") or ""), str(data.get("selftext") or "")))
        if len(text) == _TEXT_POSTS and len(link) == _LINK_POSTS:
            break
    posts = text + link + _AWKWARD
    return [t for t, _ in posts], [s for _, s in posts]


def probe_failure(score: Callable[[list[str], list[str]], Any],
                  seconds: float = PROBE_SECONDS) -> str | None:
    """Why ``score`` fails the probe batch, or ``None`` if it passes.

    ``score`` runs on a daemon thread: one that never returns is reported after
    ``seconds`` and left behind, rather than holding up the caller.
    """
    titles, selftexts = probe_posts()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["scores"] = score(titles, selftexts)
        except Exception as exc:  # any failure of the model's code is the model's
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="model-probe", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return f"it did not score {len(titles)} posts within {seconds:g} s"
    if "error" in outcome:
        return f"it raised {outcome['error']!r} on {len(titles)} posts"
    try:
        scores = np.asarray(outcome["scores"], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        return f"it returned something that is not an array of numbers ({exc})"
    if scores.shape != (len(titles),):
        return f"it returned shape {scores.shape} for {len(titles)} posts, not ({len(titles)},)"
    bad = scores[~np.isfinite(scores) | (scores < 0) | (scores > 1)]
    if len(bad):
        return (f"{len(bad)} of its {len(titles)} scores are not finite probabilities in "
                f"[0, 1] (such as {float(bad[0])})")
    return None
