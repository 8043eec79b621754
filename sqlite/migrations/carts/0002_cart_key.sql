-- The key that callers' cart tokens are hashed with: made once, at random,
-- by the first instance that needs it. Tokens themselves are never stored.
CREATE TABLE cart_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB    NOT NULL
);
