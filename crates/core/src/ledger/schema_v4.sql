-- Customs dossiers (dossier/, docs/spec/dossier.md). Not derived data: drafts are
-- edited here; a sealed version is fixed (the triggers refuse any change to it) and
-- its root is signed by a `dossier.seal` entry (seq).
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

-- Files attached to dossiers, by SHA-256 of their bytes.
CREATE TABLE attachments (
    sha256 BLOB PRIMARY KEY,
    bytes  BLOB NOT NULL
) WITHOUT ROWID;

-- CSV column mappings of goods-line imports, remembered by name (the header line).
CREATE TABLE csv_mappings (
    name    TEXT PRIMARY KEY,
    mapping TEXT NOT NULL
) WITHOUT ROWID;

-- Screening lists (e.g. the UFLPA Entity List) imported from CSV, by list name: each
-- entity's name as published and its normalised form (dossier/screening.rs).
CREATE TABLE entity_lists (
    list    TEXT NOT NULL,
    name    TEXT NOT NULL,
    norm    TEXT NOT NULL,
    country TEXT,
    PRIMARY KEY (list, name)
) WITHOUT ROWID;

-- The lots, serials and SSCCs each sealed version ships, with the quantity taken:
-- what "available after other sealed dossiers" reads, without parsing every dossier.
CREATE TABLE dossier_items (
    item     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    quantity TEXT,
    PRIMARY KEY (item, id, version)
) WITHOUT ROWID;
