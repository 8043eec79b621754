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
