-- The catalogue's first schema. Times are Unix microseconds (UTC) so ordering and cursors are
-- exact and the same on every engine.

CREATE TABLE organisations (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    municipality_code TEXT NOT NULL DEFAULT '',
    website           TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL
);

CREATE TABLE usecases (
    pk              INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    title           TEXT NOT NULL,
    title_key       TEXT NOT NULL,
    summary         TEXT NOT NULL,
    description     TEXT NOT NULL,
    tags_text       TEXT NOT NULL,
    category        TEXT NOT NULL,
    policy_area     TEXT NOT NULL,
    maturity        TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    doc             BLOB NOT NULL
);

CREATE INDEX usecases_sharing_updated ON usecases (sharing, updated_at, pk);
CREATE INDEX usecases_updated ON usecases (updated_at, pk);
CREATE INDEX usecases_created ON usecases (created_at, pk);
CREATE INDEX usecases_title ON usecases (title_key, pk);
CREATE INDEX usecases_category ON usecases (category, updated_at, pk);
CREATE INDEX usecases_maturity ON usecases (maturity, updated_at, pk);
CREATE INDEX usecases_policy_area ON usecases (policy_area, updated_at, pk);
CREATE INDEX usecases_organisation ON usecases (organisation_id, updated_at, pk);

CREATE TABLE usecase_tags (
    tag        TEXT NOT NULL,
    usecase_pk INTEGER NOT NULL REFERENCES usecases (pk) ON DELETE CASCADE,
    PRIMARY KEY (tag, usecase_pk)
) WITHOUT ROWID;

CREATE INDEX usecase_tags_usecase ON usecase_tags (usecase_pk);

-- Full-text index kept in step with usecases by triggers, inside the writing transaction.
-- remove_diacritics 0 keeps æ, ø and å apart from a and o.
CREATE VIRTUAL TABLE usecases_fts USING fts5 (
    title, summary, description, tags_text,
    content = 'usecases', content_rowid = 'pk',
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER usecases_fts_insert AFTER INSERT ON usecases BEGIN
    INSERT INTO usecases_fts (rowid, title, summary, description, tags_text)
    VALUES (new.pk, new.title, new.summary, new.description, new.tags_text);
END;

CREATE TRIGGER usecases_fts_delete AFTER DELETE ON usecases BEGIN
    INSERT INTO usecases_fts (usecases_fts, rowid, title, summary, description, tags_text)
    VALUES ('delete', old.pk, old.title, old.summary, old.description, old.tags_text);
END;

CREATE TRIGGER usecases_fts_update AFTER UPDATE OF title, summary, description, tags_text ON usecases BEGIN
    INSERT INTO usecases_fts (usecases_fts, rowid, title, summary, description, tags_text)
    VALUES ('delete', old.pk, old.title, old.summary, old.description, old.tags_text);
    INSERT INTO usecases_fts (rowid, title, summary, description, tags_text)
    VALUES (new.pk, new.title, new.summary, new.description, new.tags_text);
END;

-- One row per use-case ever stored, at its latest change: the change feed. The ever_* flags
-- remember the widest sharing a use-case has had, so a reader who could once see it gets a
-- tombstone and a reader who never could never learns its id.
CREATE TABLE changes (
    usecase_id      TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    ever_public     INTEGER NOT NULL DEFAULT 0,
    ever_consortium INTEGER NOT NULL DEFAULT 0,
    changed_at      INTEGER NOT NULL,
    deleted_at      INTEGER
);

CREATE INDEX changes_public ON changes (ever_public, seq);

CREATE TABLE revisions (
    pk              INTEGER PRIMARY KEY,
    usecase_id      TEXT NOT NULL,
    version         INTEGER NOT NULL,
    changed_at      INTEGER NOT NULL,
    key_id          TEXT NOT NULL,
    key_name        TEXT NOT NULL,
    key_org         TEXT NOT NULL,
    owner_org       TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    changed_fields  TEXT NOT NULL,
    doc             BLOB
);

CREATE UNIQUE INDEX revisions_usecase ON revisions (usecase_id, version);

CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    hash            BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER,
    revoked_at      INTEGER
);

CREATE INDEX api_keys_organisation ON api_keys (organisation_id);

CREATE TABLE idempotency_keys (
    key_id       TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    usecase_id   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (key_id, idem_key)
);

CREATE INDEX idempotency_created ON idempotency_keys (created_at);
