-- review_writes keeps what shoppers wrote through the API, a row per review
-- they posted or marked: a whole load of the dataset carries it onto the new
-- catalog rather than drop it. It is not a catalog table: loads keep it.
CREATE TABLE review_writes (
    review_id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL,
    posted INTEGER NOT NULL,
    helpful INTEGER NOT NULL,
    reported INTEGER NOT NULL
);
-- review_changes numbers each change of a product's reviews: a shopper's
-- write, or (product 0) a whole load, which may change every product's.
-- Every instance follows it to key its cached review responses afresh. A
-- window of the last catalog.ReviewWindow changes is kept.
CREATE TABLE review_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL
);
