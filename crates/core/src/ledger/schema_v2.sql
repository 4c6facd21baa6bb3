-- TradeSeal ledger schema, version 2: query tables for EPCIS events and master data.
-- Derived from entry payloads in the same transaction as each append; never edited.

-- One row per recorded EPCIS event: id, a local row number; origin and seq, the
-- ledger entry holding it (origin NULL: this ledger; otherwise a partner's log origin,
-- for events received in bundles). hash: the 32-byte SHA-256 of its CBV 2.0 event
-- hash id (ni:///sha-256;<hex>?ver=CBV2.0); an event is held once.
CREATE TABLE epcis_events (
    id           INTEGER PRIMARY KEY,
    origin       TEXT,
    seq          INTEGER NOT NULL,
    hash         BLOB    NOT NULL UNIQUE,
    type         TEXT    NOT NULL,
    time_ms      INTEGER NOT NULL,
    action       TEXT,
    biz_step     TEXT,
    disposition  TEXT,
    read_point   TEXT,
    biz_location TEXT
);
CREATE INDEX epcis_events_time ON epcis_events (time_ms);
CREATE UNIQUE INDEX epcis_events_entry ON epcis_events (ifnull(origin, ''), seq);

-- Each identifier of each event (event: epcis_events.id; n: its position), canonical
-- Digital Link where GS1; role: 0 object, 1 parent, 2 child, 3 input, 4 output.
CREATE TABLE epcis_objects (
    event    INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    id       TEXT    NOT NULL,
    role     INTEGER NOT NULL,
    quantity REAL,
    uom      TEXT,
    PRIMARY KEY (event, n)
) WITHOUT ROWID;
CREATE INDEX epcis_objects_id ON epcis_objects (id, role, event);

-- The latest version of each master-data record (entries of kind md.product,
-- md.location, md.party); older versions stay in entries.
CREATE TABLE masterdata (
    kind TEXT    NOT NULL,
    key  TEXT    NOT NULL,
    seq  INTEGER NOT NULL,
    name TEXT    NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- Partners: the latest card of each key this organisation recorded (party.add) and
-- its current trust decision; revoked_from_ms set by party.revoke.
CREATE TABLE parties (
    key             TEXT    PRIMARY KEY,
    org             TEXT    NOT NULL,
    gln             TEXT,
    fingerprint     TEXT    NOT NULL,
    card            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'unknown',
    revoked_from_ms INTEGER,
    revoke_reason   TEXT
) WITHOUT ROWID;
CREATE INDEX parties_gln ON parties (gln) WHERE gln IS NOT NULL;

-- Every trust entry (party.*), by the key it is about.
CREATE TABLE trust_log (
    key TEXT    NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;

-- Partners' ledger entries received in bundles, unchanged (ledger.md §1): with the
-- inclusion proof (concatenated 32-byte hashes, leaf first) against the partner's
-- checkpoint of size `checkpoint`.
CREATE TABLE foreign_entries (
    origin     TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    author     BLOB    NOT NULL,
    kind       TEXT    NOT NULL,
    time_ms    INTEGER NOT NULL,
    prev       BLOB    NOT NULL,
    payload    TEXT    NOT NULL,
    hash       BLOB    NOT NULL,
    signature  BLOB    NOT NULL,
    checkpoint INTEGER NOT NULL,
    proof      BLOB    NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;

-- Partners' signed checkpoints received in bundles.
CREATE TABLE foreign_checkpoints (
    origin TEXT    NOT NULL,
    size   INTEGER NOT NULL,
    note   TEXT    NOT NULL,
    PRIMARY KEY (origin, size)
) WITHOUT ROWID;

-- The cards of the authors of foreign entries, as received (not trust decisions).
CREATE TABLE foreign_cards (
    key    TEXT PRIMARY KEY,
    origin TEXT NOT NULL UNIQUE,
    card   TEXT NOT NULL
) WITHOUT ROWID;
