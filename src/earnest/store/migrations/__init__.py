"""Schema migrations: named, ordered SQL files per dialect, applied once each.

``NNNN_name.sql`` files in ``sqlite/`` and ``postgres/`` are applied in name
order; the names of applied ones are recorded in ``schema_migrations``. A new
migration is a new file; applied files are never edited.
"""

from __future__ import annotations

from importlib import resources


def migrations(dialect: str) -> list[tuple[str, str]]:
    """(name, sql) of every migration for ``dialect``, in the order to apply them."""
    folder = resources.files(__package__) / dialect
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name
    )
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]
