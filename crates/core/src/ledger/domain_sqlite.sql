-- The domain's tables of a version 2 ledger on SQLite (docs/spec/ledger.md §12): what
-- schema_v2.sql to schema_v7.sql make of a version 1 home, in one file (a test checks
-- that the two agree). The ledger's own tables are tradeseal-log's (store.rs). Derived
-- query tables are written in the transaction of the entry they describe.
-- Domain schema 1. Never edit: add a migration.

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

CREATE TABLE masterdata (
    kind TEXT    NOT NULL,
    key  TEXT    NOT NULL,
    seq  INTEGER NOT NULL,
    name TEXT    NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

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

CREATE TABLE trust_log (
    key TEXT    NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;

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

CREATE TABLE foreign_checkpoints (
    origin TEXT    NOT NULL,
    size   INTEGER NOT NULL,
    note   TEXT    NOT NULL,
    PRIMARY KEY (origin, size)
) WITHOUT ROWID;

CREATE TABLE foreign_cards (
    key    TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    card   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX foreign_cards_origin ON foreign_cards (origin);

CREATE TABLE handed_out (
    origin TEXT    NOT NULL,
    size   INTEGER NOT NULL,
    PRIMARY KEY (origin, size)
) WITHOUT ROWID;

CREATE TABLE dossiers (
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('draft', 'sealed', 'superseded')),
    body       TEXT    NOT NULL,
    seed       BLOB,
    root       BLOB,
    seq        INTEGER,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;
CREATE INDEX dossiers_updated ON dossiers (updated_ms);

CREATE TRIGGER dossiers_sealed_fixed BEFORE UPDATE OF id, version, body, seed, root, seq, created_ms ON dossiers
    WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a sealed dossier cannot be changed');
END;
CREATE TRIGGER dossiers_status_forward BEFORE UPDATE OF status ON dossiers
    WHEN NOT ((OLD.status = 'draft' AND NEW.status = 'sealed') OR (OLD.status = 'sealed' AND NEW.status = 'superseded'))
BEGIN
    SELECT RAISE(ABORT, 'a dossier goes from draft to sealed to superseded, never back');
END;
CREATE TRIGGER dossiers_sealed_kept BEFORE DELETE ON dossiers
    WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a sealed dossier cannot be deleted');
END;

CREATE TABLE attachments (
    id     INTEGER PRIMARY KEY,
    sha256 BLOB    NOT NULL UNIQUE,
    size   INTEGER NOT NULL
);
CREATE TABLE attachment_chunks (
    attachment INTEGER NOT NULL REFERENCES attachments (id),
    n          INTEGER NOT NULL,
    bytes      BLOB    NOT NULL,
    PRIMARY KEY (attachment, n)
) WITHOUT ROWID;

CREATE TABLE csv_mappings (
    name    TEXT PRIMARY KEY,
    mapping TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE entity_lists (
    list    TEXT NOT NULL,
    name    TEXT NOT NULL,
    norm    TEXT NOT NULL,
    country TEXT,
    PRIMARY KEY (list, name)
) WITHOUT ROWID;

CREATE TABLE dossier_items (
    item     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    quantity TEXT,
    PRIMARY KEY (item, id, version)
) WITHOUT ROWID;

CREATE TABLE label_sightings (
    id      INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    gtin    TEXT    NOT NULL,
    lot     TEXT    NOT NULL,
    serial  TEXT    NOT NULL,
    key_id  TEXT,
    place   TEXT    NOT NULL,
    source  TEXT    NOT NULL,
    verdict TEXT    NOT NULL
);
CREATE INDEX label_sightings_serial ON label_sightings (gtin, serial, time_ms);
CREATE TRIGGER label_sightings_kept BEFORE UPDATE ON label_sightings
BEGIN
    SELECT RAISE(ABORT, 'the scan log is only added to');
END;
CREATE TRIGGER label_sightings_not_deleted BEFORE DELETE ON label_sightings
BEGIN
    SELECT RAISE(ABORT, 'the scan log is only added to');
END;
