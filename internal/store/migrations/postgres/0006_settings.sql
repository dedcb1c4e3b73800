-- Values a database keeps about itself, each made once at its first start: its identity
-- (database_id, carried by feed cursors so a cursor from another database is recognised) and
-- the key that seals the cursors it gives out (cursor_key). Every process sharing the
-- database reads the same ones.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
