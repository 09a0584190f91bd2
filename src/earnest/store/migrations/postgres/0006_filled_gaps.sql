-- A gap is filled once an import has read a dump over its range: it is kept, with when,
-- and no longer reported.
ALTER TABLE gaps ADD COLUMN filled_at double precision;
