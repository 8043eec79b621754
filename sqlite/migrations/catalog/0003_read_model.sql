-- The read model (product_docs, made by the program with the catalog's
-- other tables) and the history of what each load changed.
-- docs_format is the readmodel.Format the live documents were written in;
-- 0, none: a catalog loaded before this migration is read through joins
-- until its next load.
ALTER TABLE catalog_meta ADD COLUMN docs_format INTEGER NOT NULL DEFAULT 0;
-- history_from is the generation after which catalog_changes tells every
-- change; what changed at or before it is not known.
ALTER TABLE catalog_meta ADD COLUMN history_from INTEGER NOT NULL DEFAULT 0;
UPDATE catalog_meta SET history_from = generation;
-- The products each generation changed, with their list positions after
-- it (0: deleted).
CREATE TABLE catalog_changes (
    generation INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    pos        INTEGER NOT NULL,
    PRIMARY KEY (generation, product_id)
) WITHOUT ROWID;
-- The first list position each generation shifted, when it added or
-- deleted a product.
CREATE TABLE catalog_shifts (
    generation INTEGER PRIMARY KEY,
    shift_from INTEGER NOT NULL
);
