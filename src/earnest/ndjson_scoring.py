"""``earnest score``: NDJSON posts in, the same records with a seriousness out."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

import orjson

from earnest.model.artifact import SeriousnessModel


def score_stream(
    model: SeriousnessModel,
    source: BinaryIO,
    sink: BinaryIO,
    batch_size: int,
    on_error: Callable[[str], None],
) -> int:
    """Score every line of ``source`` in batches; returns how many lines were skipped.

    A line that is not a JSON object with a non-empty string ``title`` is reported
    through ``on_error`` with its line number and left out of the output.
    """
    errors = 0
    batch: list[dict] = []

    def flush() -> None:
        values = model.score([r["title"] for r in batch],
                             [r.get("selftext") or "" for r in batch])
        for record, value in zip(batch, values, strict=True):
            record["seriousness"] = float(value)
            record["model_version"] = model.version
            sink.write(orjson.dumps(record) + b"\n")
        sink.flush()
        batch.clear()

    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            errors += 1
            on_error(f"line {number}: not JSON ({exc})")
            continue
        problem = _problem(record)
        if problem:
            errors += 1
            on_error(f"line {number}: {problem}")
            continue
        batch.append(record)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return errors


def _problem(record: object) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if not isinstance(record.get("title"), str) or not record["title"].strip():
        return 'needs a non-empty string "title"'
    if not isinstance(record.get("selftext") or "", str):
        return '"selftext" must be a string'
    return None
