-- The key that callers' cart tokens are hashed with: made once, at random,
-- by the first instance that needs it. Tokens themselves are never stored.
CREATE TABLE cart_key (
    id  integer PRIMARY KEY CHECK (id = 1),
    key bytea   NOT NULL
);
