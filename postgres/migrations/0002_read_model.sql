-- The read model (product_docs, made by the program with the catalog's
-- other tables) and the history of what each load changed.
-- docs_format is the readmodel.Format the live documents were written in;
-- 0, none: a catalog loaded before this migration is read through joins
-- until its next load.
ALTER TABLE catalog_meta ADD COLUMN docs_format integer NOT NULL DEFAULT 0;
-- history_from is the generation after which catalog_changes tells every
-- change; what changed at or before it is not known.
ALTER TABLE catalog_meta ADD COLUMN history_from bigint NOT NULL DEFAULT 0;
UPDATE catalog_meta SET history_from = generation;
-- The products each generation changed, with their list positions after
-- it (0: deleted).
CREATE TABLE catalog_changes (
    generation bigint  NOT NULL,
    product_id integer NOT NULL,
    pos        bigint  NOT NULL,
    PRIMARY KEY (generation, product_id)
);
-- The first list position each generation shifted, when it added or
-- deleted a product.
CREATE TABLE catalog_shifts (
    generation bigint PRIMARY KEY,
    shift_from bigint NOT NULL
);
