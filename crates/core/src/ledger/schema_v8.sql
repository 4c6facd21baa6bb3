-- Partners' version 2 entries received in bundles (bundle.md, "Bundle v2", import):
-- each entry's body as its commit signed it, and the commit notes that prove them.
-- Written once by a verified import, never changed; an entry held with another hash
-- refuses the import (the ledger signed two histories).
CREATE TABLE foreign_commits (
    origin   TEXT    NOT NULL,
    end_size INTEGER NOT NULL,
    start    INTEGER NOT NULL,
    author   BLOB    NOT NULL,
    note     TEXT    NOT NULL,
    PRIMARY KEY (origin, end_size)
) WITHOUT ROWID;
CREATE TABLE foreign_entries_v2 (
    origin  TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    author  BLOB    NOT NULL,
    kind    TEXT    NOT NULL,
    time_ms INTEGER NOT NULL,
    payload TEXT    NOT NULL,
    hash    BLOB    NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
-- Each ledger group received (its anchor, the entries it proved and its proofs), so that
-- part of it can be passed on in a later bundle with proofs derived from these.
CREATE TABLE foreign_groups (
    id     INTEGER PRIMARY KEY,
    origin TEXT    NOT NULL,
    anchor INTEGER NOT NULL,
    seqs   TEXT    NOT NULL,
    ranges TEXT    NOT NULL,
    proof  BLOB    NOT NULL
);
CREATE INDEX foreign_groups_origin ON foreign_groups (origin, anchor);
