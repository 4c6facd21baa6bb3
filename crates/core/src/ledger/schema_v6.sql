-- Attachments get a rowid, so that their bytes are written and read in a stream
-- (SQLite's incremental blob I/O needs one), and their size, to bound a dossier's
-- total without reading them (dossier/store.rs).
CREATE TABLE attachments_v6 (
    id     INTEGER PRIMARY KEY,
    sha256 BLOB    NOT NULL UNIQUE,
    size   INTEGER NOT NULL,
    bytes  BLOB    NOT NULL
);
INSERT INTO attachments_v6 (sha256, size, bytes)
    SELECT sha256, length(bytes), bytes FROM attachments ORDER BY sha256;
DROP TABLE attachments;
ALTER TABLE attachments_v6 RENAME TO attachments;
