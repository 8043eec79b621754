-- Carts added through the API: one row per unit, kept across catalog reloads.
CREATE TABLE cart (
    id         bigserial   PRIMARY KEY,
    session    text        NOT NULL,
    sku_id     integer     NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX cart_session_sku ON cart (session, sku_id);

-- The catalog being served: how many loads have been made live, when, and
-- how many products it has.
CREATE TABLE catalog_meta (
    id         integer     PRIMARY KEY CHECK (id = 1),
    generation bigint      NOT NULL,
    loaded_at  timestamptz,
    products   bigint      NOT NULL
);
INSERT INTO catalog_meta (id, generation, loaded_at, products) VALUES (1, 0, NULL, 0);
