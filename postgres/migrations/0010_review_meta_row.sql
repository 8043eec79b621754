-- review_stats becomes each product's meta, read with one key lookup: the
-- counts it held, and a copy of the product's characteristics' sums as
-- arrays in id order, for every product with reviews or characteristics.
-- Every write of the sums keeps the copy (sumReviews in review.go). A new
-- database has the columns already: the program makes its catalog tables
-- as they are now.
ALTER TABLE review_stats
    ADD COLUMN IF NOT EXISTS char_ids integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS char_names text[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS char_votes integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS char_sums bigint[] NOT NULL DEFAULT '{}';
INSERT INTO review_stats (product_id, rated_1, rated_2, rated_3, rated_4, rated_5, not_recommended, recommended)
    SELECT DISTINCT product_id, 0, 0, 0, 0, 0, 0, 0 FROM characteristics
    ON CONFLICT (product_id) DO NOTHING;
UPDATE review_stats s SET char_ids = c.ids, char_names = c.names, char_votes = c.votes, char_sums = c.sums
    FROM (SELECT product_id, array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names,
            array_agg(votes ORDER BY id) AS votes, array_agg(vote_sum ORDER BY id) AS sums
        FROM characteristics GROUP BY product_id) c
    WHERE c.product_id = s.product_id;
