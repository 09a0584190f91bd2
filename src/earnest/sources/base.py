"""What a source produces: posts, or rejected records with the reason."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from earnest.records import RAW_LIMIT, Post, storable_raw

__all__ = ["RAW_LIMIT", "Rejected", "Source", "storable_raw"]


@dataclass(frozen=True)
class Rejected:
    """A record the source could not turn into a post; it goes to the dead letters.

    ``raw`` is stored as :func:`storable_raw` makes it: bounded, and valid UTF-8.
    """

    reason: str
    raw: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", storable_raw(self.raw))


class Source(ABC):
    """A finite or endless sequence of records in a deterministic order.

    ``checkpoint_name`` identifies the sequence; the ingest stage saves how many
    records it has published under that name and resumes from there.
    """

    checkpoint_name: str
    stage = "ingest"

    @abstractmethod
    def records(self, start: int) -> Iterator[Post | Rejected]:
        """Records from position ``start`` (0-based) on."""

    def restore(self, state: dict) -> None:  # noqa: B027 - optional hook
        """Take back the extra state saved with a checkpoint, before ``records`` is called."""

    def checkpoint_state(self) -> dict:
        """Extra state to save with the position (e.g. a replay's time anchor)."""
        return {}
