-- Writes were bound by the pages each commit sends through the WAL, and a create touched far
-- more of them than its own data needed: the row held the served JSON beside copies of its
-- searchable text (4.5 KB), eight wide list indexes and a (tag, use-case) index each took
-- inserts all over their trees, and the revision stored the same JSON again.
--
-- Now the JSON lives once, in the revision that made it (usecases.doc_pk points at it); the
-- row keeps only what filters, sorts and facets read, tags as a JSON array among them, so it
-- is some 200 bytes and a scan of every use-case (facets, counts) reads a few MB. Three list
-- indexes remain (the sort orders); filters check the narrow rows. The full-text index holds
-- no text of its own (contentless, with deletes): the store writes and removes its entries.

DROP TRIGGER usecases_fts_insert;
DROP TRIGGER usecases_fts_delete;
DROP TRIGGER usecases_fts_update;
DROP TABLE usecases_fts;

CREATE VIRTUAL TABLE usecases_fts USING fts5 (
    title, summary, description, tags_text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO usecases_fts (usecases_fts, rank) VALUES ('automerge', 8);
INSERT INTO usecases_fts (rowid, title, summary, description, tags_text)
    SELECT pk, title, summary, description, tags_text FROM usecases;

CREATE TABLE usecases_narrow (
    pk              INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    title_key       TEXT NOT NULL,
    category        TEXT NOT NULL,
    policy_area     TEXT NOT NULL,
    maturity        TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    tags            TEXT NOT NULL, -- JSON array
    doc_pk          INTEGER NOT NULL -- revisions.pk of the current version
);

INSERT INTO usecases_narrow (pk, id, organisation_id, title_key, category, policy_area, maturity, sharing,
        version, created_at, updated_at, tags, doc_pk)
    SELECT u.pk, u.id, u.organisation_id, u.title_key, u.category, u.policy_area, u.maturity, u.sharing,
        u.version, u.created_at, u.updated_at,
        (SELECT json_group_array(t.tag) FROM usecase_tags t WHERE t.usecase_pk = u.pk),
        (SELECT r.pk FROM revisions r WHERE r.usecase_id = u.id AND r.version = u.version)
    FROM usecases u;

DROP TABLE usecase_tags;
DROP TABLE usecases;
ALTER TABLE usecases_narrow RENAME TO usecases;

CREATE INDEX usecases_updated ON usecases (updated_at);
CREATE INDEX usecases_created ON usecases (created_at);
CREATE INDEX usecases_title ON usecases (title_key);
