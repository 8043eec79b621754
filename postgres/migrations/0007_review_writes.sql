-- review_writes keeps what shoppers wrote through the API, a row per review
-- they posted or marked: a whole load of the dataset carries it onto the new
-- catalog rather than drop it. It is not a catalog table: loads keep it.
CREATE TABLE review_writes (
    review_id integer PRIMARY KEY,
    product_id integer NOT NULL,
    posted boolean NOT NULL,
    helpful integer NOT NULL,
    reported boolean NOT NULL
);
-- review_changes numbers each change of a product's reviews: a shopper's
-- write, or (product 0) a whole load, which may change every product's.
-- Every instance follows it to key its cached review responses afresh. A
-- window of the last catalog.ReviewWindow changes is kept.
CREATE TABLE review_changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id integer NOT NULL
);
