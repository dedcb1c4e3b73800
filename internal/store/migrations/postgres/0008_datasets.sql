-- Datasets offered to Danish Foundation Models (DESIGN 3.6), kept like use-cases: a narrow
-- row of what filters, sorts and facets read, the served JSON in the revision that made it
-- (doc_pk), and a change feed, departures and Idempotency-Keys of their own. Feed sequence
-- numbers come from one counter shared with the use-cases' feed, so they never collide.
-- languages and usecase_ids are JSON arrays of lowercase codes and ids; search_text is the
-- lower-cased title, summary and description that q matches word by word.

CREATE TABLE datasets (
    pk              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    status          TEXT NOT NULL,
    modality        TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    languages       TEXT NOT NULL,
    usecase_ids     TEXT NOT NULL,
    search_text     TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    doc_pk          BIGINT NOT NULL
);

CREATE INDEX datasets_updated ON datasets (updated_at);

CREATE TABLE dataset_revisions (
    pk              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id      TEXT NOT NULL,
    version         BIGINT NOT NULL,
    changed_at      BIGINT NOT NULL,
    key_id          TEXT NOT NULL,
    key_name        TEXT NOT NULL,
    key_org         TEXT NOT NULL,
    owner_org       TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    deleted         BOOLEAN NOT NULL DEFAULT FALSE,
    changed_fields  TEXT NOT NULL,
    doc             BYTEA
);

CREATE UNIQUE INDEX dataset_revisions_dataset ON dataset_revisions (dataset_id, version);

CREATE TABLE dataset_changes (
    dataset_id      TEXT PRIMARY KEY,
    seq             BIGINT NOT NULL UNIQUE,
    organisation_id TEXT NOT NULL,
    sharing         TEXT NOT NULL,
    changed_at      BIGINT NOT NULL,
    deleted_at      BIGINT,
    public_seq      BIGINT NOT NULL DEFAULT 0,
    public_at       BIGINT NOT NULL DEFAULT 0,
    shared_seq      BIGINT NOT NULL DEFAULT 0,
    shared_at       BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX dataset_changes_public_seq ON dataset_changes (public_seq);
CREATE INDEX dataset_changes_shared_seq ON dataset_changes (shared_seq);
CREATE INDEX dataset_changes_organisation ON dataset_changes (organisation_id, seq);

CREATE TABLE dataset_departures (
    dataset_id      TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    departed_at     BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, organisation_id)
);

CREATE INDEX dataset_departures_organisation ON dataset_departures (organisation_id, seq);

CREATE TABLE dataset_idempotency_keys (
    key_id       TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    dataset_id   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (key_id, idem_key)
);

CREATE INDEX dataset_idempotency_created ON dataset_idempotency_keys (created_at);

CREATE TRIGGER dataset_changes_notify AFTER INSERT OR UPDATE ON dataset_changes
    FOR EACH STATEMENT EXECUTE FUNCTION usecat_notify_change();
