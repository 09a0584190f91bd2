-- Posts a live source could not read (more arrived between two polls than a listing
-- shows): each gap is a subreddit and a range of creation times, reported until a dump
-- over that range is imported. Recording one again after a crash changes nothing.
CREATE TABLE gaps (
    subreddit text NOT NULL,
    start_utc double precision NOT NULL,
    end_utc double precision NOT NULL,
    found_at double precision NOT NULL,
    PRIMARY KEY (subreddit, start_utc, end_utc)
)
