-- Domain schema 2 of a version 2 ledger (PostgreSQL): domain_sqlite_2.sql in
-- PostgreSQL's types.
-- Partners' version 2 entries received in bundles (bundle.md, "Bundle v2", import):
-- each entry's body as its commit signed it, and the commit notes that prove them.
-- Written once by a verified import, never changed; an entry held with another hash
-- refuses the import (the ledger signed two histories).
CREATE TABLE foreign_commits (
    origin   TEXT    NOT NULL,
    end_size BIGINT NOT NULL,
    start    BIGINT NOT NULL,
    author   BYTEA    NOT NULL,
    note     TEXT    NOT NULL,
    PRIMARY KEY (origin, end_size)
);
CREATE TABLE foreign_entries_v2 (
    origin  TEXT    NOT NULL,
    seq     BIGINT NOT NULL,
    author  BYTEA    NOT NULL,
    kind    TEXT    NOT NULL,
    time_ms BIGINT NOT NULL,
    payload TEXT    NOT NULL,
    hash    BYTEA    NOT NULL,
    PRIMARY KEY (origin, seq)
);
