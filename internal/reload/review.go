package reload

import "catalog"

// The reviews' SQL and values that both engines take as they are; what
// differs (booleans, aggregates) stays in each engine's file.

// ReviewOrder is the ORDER BY of each sort of reviews: every order ends
// with the id, descending, so that pages never overlap.
var ReviewOrder = map[catalog.ReviewSort]string{
	catalog.SortRelevant: "helpfulness DESC, date DESC, id DESC",
	catalog.SortNewest:   "date DESC, id DESC",
	catalog.SortHelpful:  "helpfulness DESC, id DESC",
}

// ReviewPhotoValues, CharacteristicValues and VoteValues are the values of
// those rows as both engines store them; a characteristic's sums start at
// 0, and a load's Build makes them.
func ReviewPhotoValues(p catalog.ReviewPhoto) []any { return []any{p.ID, p.ReviewID, p.URL} }

func CharacteristicValues(c catalog.Characteristic) []any {
	return []any{c.ID, c.ProductID, c.Name, 0, 0}
}

func VoteValues(v catalog.CharacteristicVote) []any {
	return []any{v.ID, v.CharacteristicID, v.ReviewID, v.Value}
}

// AnswerPhotoValues are the values of an answer's photo as both engines
// store it.
func AnswerPhotoValues(p catalog.AnswerPhoto) []any { return []any{p.ID, p.AnswerID, p.URL} }

// UnfitWritesSQL finds the reviews written through the API that a new
// catalog cannot take as they are: a posted review whose id the dataset
// has, whose product it lacks, or whose votes are on characteristics that
// are not its product's there; a marked review of the dataset that it
// lacks, or has as another product's. Each row has the count of them all,
// and one of the first five.
const UnfitWritesSQL = `SELECT count(*) OVER (), w.review_id FROM review_writes w
	WHERE CASE WHEN w.posted THEN
		EXISTS (SELECT 1 FROM reviews_new n WHERE n.id = w.review_id)
		OR NOT EXISTS (SELECT 1 FROM products_new p WHERE p.id = w.product_id)
		OR EXISTS (SELECT 1 FROM characteristic_votes v WHERE v.review_id = w.review_id AND NOT EXISTS (
			SELECT 1 FROM characteristics_new c WHERE c.id = v.characteristic_id AND c.product_id = w.product_id))
	ELSE NOT EXISTS (SELECT 1 FROM reviews_new n WHERE n.id = w.review_id AND n.product_id = w.product_id) END
	ORDER BY w.review_id LIMIT 5`

// CarryPostedSQL copies the reviews shoppers posted into the new catalog,
// as they are now, with their photos and votes, those numbered anew after
// the dataset's.
var CarryPostedSQL = []string{
	`INSERT INTO reviews_new SELECT r.* FROM reviews r JOIN review_writes w ON w.review_id = r.id WHERE w.posted`,
	`INSERT INTO review_photos_new (review_id, url) SELECT p.review_id, p.url FROM review_photos p
		JOIN review_writes w ON w.review_id = p.review_id WHERE w.posted ORDER BY p.id`,
	`INSERT INTO characteristic_votes_new (characteristic_id, review_id, value) SELECT v.characteristic_id, v.review_id, v.value
		FROM characteristic_votes v JOIN review_writes w ON w.review_id = v.review_id WHERE w.posted ORDER BY v.id`,
}

// WrittenScope narrows a statement over products to those shoppers wrote
// reviews of.
const WrittenScope = ` AND product_id IN (SELECT product_id FROM review_writes)`
