-- qa_writes keeps what shoppers wrote of questions and answers through the
-- API, a row per question (answer_id 0) or answer they posted or marked: a
-- whole load of the dataset carries it onto the new catalog, as
-- review_writes is carried. It is not a catalog table: loads keep it.
CREATE TABLE qa_writes (
    question_id INTEGER NOT NULL,
    answer_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    posted INTEGER NOT NULL,
    helpful INTEGER NOT NULL,
    reported INTEGER NOT NULL,
    PRIMARY KEY (question_id, answer_id)
);
-- A change of a product's questions names the question changed (or whose
-- answers changed); a change of its reviews names none.
ALTER TABLE review_changes ADD COLUMN question_id INTEGER NOT NULL DEFAULT 0;
