-- Attachments' bytes move into chunks of at most 1 MiB (attachment_chunks), written
-- and read one chunk at a time through the SQL layer both engines speak (a stream on
-- SQLite and PostgreSQL alike; SQLite's blob I/O has no PostgreSQL counterpart).
CREATE TABLE attachment_chunks (
    attachment INTEGER NOT NULL REFERENCES attachments (id),
    n          INTEGER NOT NULL,
    bytes      BLOB    NOT NULL,
    PRIMARY KEY (attachment, n)
) WITHOUT ROWID;
WITH RECURSIVE pieces (id, n, off) AS (
    SELECT id, 0, 1 FROM attachments WHERE size > 0
    UNION ALL
    SELECT p.id, p.n + 1, p.off + 1048576 FROM pieces p JOIN attachments a ON a.id = p.id
    WHERE p.off + 1048576 <= a.size
)
INSERT INTO attachment_chunks (attachment, n, bytes)
    SELECT p.id, p.n, substr(a.bytes, p.off, 1048576) FROM pieces p JOIN attachments a ON a.id = p.id;
ALTER TABLE attachments DROP COLUMN bytes;
