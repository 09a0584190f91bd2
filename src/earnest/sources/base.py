"""What a source produces: posts, or rejected records with the reason."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from earnest.records import Post


@dataclass(frozen=True)
class Rejected:
    """A record the source could not turn into a post; it goes to the dead letters."""

    reason: str
    raw: str


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
