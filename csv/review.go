package csv

import (
	"fmt"

	"catalog"
)

// reviewFiles are the review files, parents before children. A dataset has
// all four or none.
var reviewFiles = []string{Reviews.File, ReviewPhotos.File, Characteristics.File, CharacteristicVotes.File}

// reviewChecks checks the references of the review files' rows, as they
// are read parents first.
type reviewChecks struct {
	products                 *idSet
	reviews, characteristics parentMap
	photos, votes            idSet
	voted                    voteSet
}

func (c *reviewChecks) checkReview(r catalog.Review) error {
	if err := refers(c.products, "product", r.ProductID); err != nil {
		return err
	}
	if !c.reviews.add(r.ID, r.ProductID) {
		return duplicate(r.ID)
	}
	return nil
}

func (c *reviewChecks) checkPhoto(r catalog.ReviewPhoto) error {
	return checked(refers(&c.reviews, "review", r.ReviewID), &c.photos, r.ID)
}

func (c *reviewChecks) checkCharacteristic(r catalog.Characteristic) error {
	if err := refers(c.products, "product", r.ProductID); err != nil {
		return err
	}
	if !c.characteristics.add(r.ID, r.ProductID) {
		return duplicate(r.ID)
	}
	c.voted.addCharacteristic(r.ID, r.ProductID)
	return nil
}

// checkVote checks a vote: on a review and a characteristic that exist,
// of the same product, the review's first on it, under an id of its own.
func (c *reviewChecks) checkVote(r catalog.CharacteristicVote) error {
	if err := refers(&c.reviews, "review", r.ReviewID); err != nil {
		return err
	}
	if err := refers(&c.characteristics, "characteristic", r.CharacteristicID); err != nil {
		return err
	}
	if cp, rp := c.characteristics.parent(r.CharacteristicID), c.reviews.parent(r.ReviewID); cp != rp {
		return fmt.Errorf("characteristic %d is product %d's, review %d is product %d's", r.CharacteristicID, cp, r.ReviewID, rp)
	}
	// The id is checked first and taken last, so that a rejected row
	// leaves no trace.
	if c.votes.has(r.ID) {
		return duplicate(r.ID)
	}
	if !c.voted.add(r.ReviewID, r.CharacteristicID) {
		return fmt.Errorf("duplicate vote: an earlier row has review %d's vote on characteristic %d", r.ReviewID, r.CharacteristicID)
	}
	c.votes.add(r.ID)
	return nil
}
