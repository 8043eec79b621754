-- The live catalog's product count, kept at each swap, so that reading the
-- catalog's description (every second, by a serving process's cache) costs
-- no count over a million rows. A catalog loaded before this migration is
-- counted once when the store opens (ensureCatalog).
ALTER TABLE catalog_meta ADD COLUMN products INTEGER NOT NULL DEFAULT 0;
