-- Carts added through the API, one row per unit. They live in a file of
-- their own, so that a load, which holds the catalog file's write lock for
-- long statements, never makes a cart write wait.
CREATE TABLE cart (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session    TEXT    NOT NULL,
    sku_id     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX cart_session_sku ON cart (session, sku_id);
