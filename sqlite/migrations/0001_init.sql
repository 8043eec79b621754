-- Carts added through the API: one row per unit, kept across catalog reloads.
CREATE TABLE cart (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session    TEXT    NOT NULL,
    sku_id     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX cart_session_sku ON cart (session, sku_id);

-- The catalog being served: how many loads have been made live, and when.
CREATE TABLE catalog_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    loaded_at  INTEGER
);
INSERT INTO catalog_meta (id, generation, loaded_at) VALUES (1, 0, NULL);
