-- Labels scanned (label/sightings.rs, docs/spec/qr.md §6): a local log of where and
-- when each label was seen, for clone detection. Not derived from entries and not
-- signed; rows are only ever added (the triggers refuse changes and deletions).
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
