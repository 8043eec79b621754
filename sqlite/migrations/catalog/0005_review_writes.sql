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
