-- Merge full-text index segments in larger batches. Every write adds a small segment; with the
-- default (merge once 4 segments share a level) the same postings are rewritten again and
-- again as the catalogue grows, which made most of a create's cost. Eight trades a few more
-- segments to read per search (measured: none slower) for markedly cheaper writes.
INSERT INTO usecases_fts (usecases_fts, rank) VALUES ('automerge', 8);
