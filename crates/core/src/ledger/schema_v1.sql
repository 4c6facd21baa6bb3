-- TradeSeal ledger schema, version 1 (docs/spec/ledger.md). Never edit: add a new file.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per entry; seq is the Merkle leaf index. Rows are never updated or deleted.
CREATE TABLE entries (
    seq       INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,
    time_ms   INTEGER NOT NULL,
    author    BLOB    NOT NULL,
    prev      BLOB    NOT NULL,
    payload   TEXT    NOT NULL,
    hash      BLOB    NOT NULL,
    signature BLOB    NOT NULL
);
CREATE INDEX entries_kind_seq ON entries (kind, seq);

-- Roots of perfect subtrees of 2^level leaves (level >= 1); level 0 derives from entries.hash.
CREATE TABLE merkle_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- The latest signed checkpoint (a C2SP signed note); one row.
CREATE TABLE checkpoint (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    note TEXT    NOT NULL
);
