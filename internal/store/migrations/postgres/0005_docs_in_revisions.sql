-- A use-case's served JSON lives once, in the revision that made it: usecases.doc_pk points
-- at it instead of the row holding a second copy, so every write stores the JSON once.
ALTER TABLE usecases ADD COLUMN doc_pk BIGINT;
UPDATE usecases u SET doc_pk = r.pk FROM revisions r WHERE r.usecase_id = u.id AND r.version = u.version;
ALTER TABLE usecases ALTER COLUMN doc_pk SET NOT NULL;
ALTER TABLE usecases DROP COLUMN doc;
