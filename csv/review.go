package csv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"catalog"
)

// reviewFiles are the review files, parents before children. A dataset has
// all four or none.
var reviewFiles = []string{Reviews.File, ReviewPhotos.File, Characteristics.File, CharacteristicVotes.File}

// absentFiles returns which optional files dir lacks: cart.csv, and the
// review files, all four or none of which must be there.
func absentFiles(dir string) (map[string]bool, error) {
	absent := map[string]bool{}
	for _, name := range append([]string{CartLines.File}, reviewFiles...) {
		_, err := os.Stat(filepath.Join(dir, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			absent[name] = true
		case err != nil:
			return nil, fmt.Errorf("dataset %s: %w", dir, err)
		}
	}
	var missing []string
	for _, name := range reviewFiles {
		if absent[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 && len(missing) < len(reviewFiles) {
		return nil, fmt.Errorf("dataset %s: %s missing: the review files %s come all four or none",
			dir, strings.Join(missing, ", "), strings.Join(reviewFiles, ", "))
	}
	return absent, nil
}

// noReviewsNote tells, on the absent reviews.csv's report, what a load
// without the review files makes live.
var noReviewsNote = fmt.Sprintf("absent, as are %s: products only were loaded; the new catalog has no reviews",
	strings.Join(reviewFiles[1:], ", "))

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
