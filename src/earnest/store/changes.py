"""The data version: a number that grows with every committed write, for readers that
keep what they read (the API's snapshots, :mod:`earnest.api.snapshots`).

Every write transaction of a store ends with :data:`BUMP` of its dialect, inside the
transaction, so the number and the rows it stands for become visible together: a reader
that reads the number *before* reading the data never labels older data with a newer
number. A transaction that changed no row leaves the number alone, so an idle pipeline
(empty polls, heartbeats) does not make readers rebuild. The bump lives in the stores'
one write wrapper each, not in the write paths, so that no write path can forget it.
"""

from __future__ import annotations

SLOTS = 16
"""PostgreSQL rows the counter is spread over (see migration 0009)."""

BUMP_SQLITE = "UPDATE changes SET n = n + 1 WHERE slot = 0"
"""Run by the SQLite store after a write changed a row (it counts them itself)."""

BUMP_POSTGRES = (
    f"UPDATE changes SET n = n + 1 WHERE slot = pg_backend_pid() % {SLOTS}"
    # An xid is assigned at a transaction's first write: none means nothing changed.
    " AND pg_current_xact_id_if_assigned() IS NOT NULL"
)
"""Run last in every PostgreSQL write transaction; changes one row iff the transaction
wrote something."""

READ_SQLITE = "SELECT coalesce(sum(n), 0) FROM changes"
READ_POSTGRES = "SELECT coalesce(sum(n), 0)::bigint FROM changes"
