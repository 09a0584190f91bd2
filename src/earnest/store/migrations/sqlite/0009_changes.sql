-- The data version: every write transaction of the store that changes a row adds one to
-- this counter, in the same transaction (earnest.store.changes). A reader that finds the
-- same number as before has nothing new to see: the API polls it instead of re-reading
-- the data. SQLite has one writer, so one row.
CREATE TABLE changes (
    slot INTEGER PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO changes VALUES (0, 0)
