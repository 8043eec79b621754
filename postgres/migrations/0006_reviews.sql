-- The reviews' tables (reviews, review_photos, characteristics,
-- characteristic_votes, review_stats) are catalog tables, made by the
-- program beside the others: empty until a load brings the review files.
SELECT 1;
