-- Filters and facets read only short columns (sharing, category, maturity, policy area,
-- organisation), but a row of usecases is some 4 KB and these columns come after the
-- description, so SQLite finds them on the row's overflow pages: a filtered page of 50 read
-- hundreds of rows to find its 50, and counting facets over 100,000 use-cases read the whole
-- table (seconds). Each list index now carries every filter column after its sort key, so
-- SQLite checks filters and counts from the index alone and reads only the rows it returns.

DROP INDEX usecases_sharing_updated;
DROP INDEX usecases_updated;
DROP INDEX usecases_created;
DROP INDEX usecases_title;
DROP INDEX usecases_category;
DROP INDEX usecases_maturity;
DROP INDEX usecases_policy_area;
DROP INDEX usecases_organisation;

CREATE INDEX usecases_sharing_updated ON usecases (sharing, updated_at, pk, category, maturity, policy_area, organisation_id);
CREATE INDEX usecases_updated ON usecases (updated_at, pk, sharing, category, maturity, policy_area, organisation_id);
CREATE INDEX usecases_created ON usecases (created_at, pk, sharing, category, maturity, policy_area, organisation_id);
CREATE INDEX usecases_title ON usecases (title_key, pk, sharing, category, maturity, policy_area, organisation_id);
CREATE INDEX usecases_category ON usecases (category, updated_at, pk, sharing, maturity, policy_area, organisation_id);
CREATE INDEX usecases_maturity ON usecases (maturity, updated_at, pk, sharing, category, policy_area, organisation_id);
CREATE INDEX usecases_policy_area ON usecases (policy_area, updated_at, pk, sharing, category, maturity, organisation_id);
CREATE INDEX usecases_organisation ON usecases (organisation_id, updated_at, pk, sharing, category, maturity, policy_area);

