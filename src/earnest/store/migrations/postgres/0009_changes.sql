-- The data version: every write transaction of the store that changes a row adds one to
-- this counter, in the same transaction (earnest.store.changes). A reader that finds the
-- same sum as before has nothing new to see: the API polls it instead of re-reading the
-- data. Concurrent writers spread over 16 rows (by backend pid), so they do not queue on
-- one row lock, and the sum still grows with every commit.
CREATE TABLE changes (
    slot integer PRIMARY KEY,
    n    bigint NOT NULL
);
INSERT INTO changes SELECT slot, 0 FROM generate_series(0, 15) AS slot;
