-- Key rotation (keys.rs, docs/spec/identity.md): the hand-over entries, found without
-- scanning the ledger; and partners' cards by key, several per ledger origin (a
-- partner that rotated its key has a card for each).
CREATE INDEX entries_rotations ON entries (seq) WHERE kind = 'key.rotate';

CREATE TABLE foreign_cards_v3 (
    key    TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    card   TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO foreign_cards_v3 (key, origin, card) SELECT key, origin, card FROM foreign_cards;
DROP TABLE foreign_cards;
ALTER TABLE foreign_cards_v3 RENAME TO foreign_cards;
CREATE INDEX foreign_cards_origin ON foreign_cards (origin);

-- Checkpoints handed out in bundles (by ledger origin and size): a later bundle
-- carries consistency proofs from these sizes, so that a receiver holding one can
-- check the ledger still extends it. Local bookkeeping, not part of any format.
CREATE TABLE handed_out (
    origin TEXT    NOT NULL,
    size   INTEGER NOT NULL,
    PRIMARY KEY (origin, size)
) WITHOUT ROWID;
