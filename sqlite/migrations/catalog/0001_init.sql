-- The catalog being served: how many loads have been made live, and when.
-- The catalog's own tables are made by the program (schema.go): every load
-- builds them anew.
CREATE TABLE catalog_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    loaded_at  INTEGER
);
INSERT INTO catalog_meta (id, generation, loaded_at) VALUES (1, 0, NULL);
