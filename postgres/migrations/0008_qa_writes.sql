-- qa_writes keeps what shoppers wrote of questions and answers through the
-- API, a row per question (answer_id 0) or answer they posted or marked: a
-- whole load of the dataset carries it onto the new catalog, as
-- review_writes is carried. It is not a catalog table: loads keep it.
CREATE TABLE qa_writes (
    question_id integer NOT NULL,
    answer_id integer NOT NULL,
    product_id integer NOT NULL,
    posted boolean NOT NULL,
    helpful integer NOT NULL,
    reported boolean NOT NULL,
    PRIMARY KEY (question_id, answer_id)
);
-- A change of a product's questions names the question changed (or whose
-- answers changed); a change of its reviews names none.
ALTER TABLE review_changes ADD COLUMN question_id integer NOT NULL DEFAULT 0;
