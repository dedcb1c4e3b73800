-- Who hears of which change. A reader who cannot see a use-case must not notice its edits, so
-- each feed row remembers, besides its latest change (seq, changed_at: what its owner and
-- admins follow), the latest change anonymous readers could notice (public_seq: one that left
-- or made a public use-case) and the latest any key could notice (shared_seq: one that left or
-- made a public or consortium use-case), with their times. departures remembers, for each
-- organisation an admin moved a use-case away from, the change that took it away: that
-- organisation's keys saw it while they owned it and must hear that it left, and nothing after.
-- They replace the ever_* flags, which let every later edit of a once shared use-case reach
-- those readers as a tombstone again.
ALTER TABLE changes ADD COLUMN public_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN public_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN shared_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN shared_at BIGINT NOT NULL DEFAULT 0;

UPDATE changes SET
    public_seq = CASE WHEN ever_public = 1 THEN seq ELSE 0 END,
    public_at  = changed_at,
    shared_seq = CASE WHEN ever_public = 1 OR ever_consortium = 1 THEN seq ELSE 0 END,
    shared_at  = changed_at;

DROP INDEX changes_public;
ALTER TABLE changes DROP COLUMN ever_public;
ALTER TABLE changes DROP COLUMN ever_consortium;

CREATE INDEX changes_public_seq ON changes (public_seq);
CREATE INDEX changes_shared_seq ON changes (shared_seq);
CREATE INDEX changes_organisation ON changes (organisation_id, seq);

CREATE TABLE departures (
    usecase_id      TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    departed_at     BIGINT NOT NULL,
    PRIMARY KEY (usecase_id, organisation_id)
);

CREATE INDEX departures_organisation ON departures (organisation_id, seq);

-- Earlier owners, as the revisions remember them, as of each use-case's latest change.
INSERT INTO departures (usecase_id, organisation_id, seq, departed_at)
    SELECT DISTINCT r.usecase_id, r.owner_org, c.seq, c.changed_at
    FROM revisions r JOIN changes c ON c.usecase_id = r.usecase_id
    WHERE r.owner_org <> c.organisation_id;
