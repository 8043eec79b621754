// Package storetest is the behaviour suite of catalog.Store: every store,
// and every decorator of one, must pass all of it.
package storetest

import (
	"time"

	"catalog"
)

// Fixture is a small catalog written for the tests, with the cases the
// contract cares about: gaps in product ids, features with null values and
// quotes, styles without photos or SKUs, a product without styles, SKU and
// photo ids out of order, duplicate and self-referencing related links,
// historical cart lines.
type Fixture struct {
	Products  []catalog.Product
	Features  []catalog.Feature
	Styles    []catalog.Style
	Photos    []catalog.Photo
	SKUs      []catalog.SKU
	Related   []catalog.Related
	CartLines []catalog.CartLine
	// The reviews: ties of helpfulness and of date, a reported review,
	// responses null, empty and written, photos out of id order, a product
	// with characteristics and no reviews, one with a single one.
	Reviews             []catalog.Review
	ReviewPhotos        []catalog.ReviewPhoto
	Characteristics     []catalog.Characteristic
	CharacteristicVotes []catalog.CharacteristicVote
	Questions           []catalog.Question
	Answers             []catalog.Answer
	AnswerPhotos        []catalog.AnswerPhoto
}

func str(s string) catalog.Null[string] { return catalog.Some(s) }

// NewFixture returns the fixture catalog.
func NewFixture() Fixture {
	return Fixture{
		Products: []catalog.Product{
			{ID: 1, Name: "Harbor Parka", Slogan: str("Dry in any weather"), Description: str("A parka with a \"storm\" hood, taped seams and a back vent.\nMachine washable."), Category: str("Jackets"), DefaultPrice: 14000},
			{ID: 2, Name: "Lunar Sunglasses", Slogan: str("See the dark side"), Description: str("Polarized lenses in a light frame."), Category: str("Accessories"), DefaultPrice: 6950},
			{ID: 3, Name: "Canyon Joggers", Description: str("Soft, stretchy, pocketed."), Category: str("Pants"), DefaultPrice: 4000},
			{ID: 5, Name: "Émile's Kicks 👟", Slogan: str("Tabs\tand \\backslashes\\"), Category: str("Kicks"), DefaultPrice: 9900},
			{ID: 8, Name: "Glacier Boots", Slogan: str("Warm to -40"), Description: str("Insulated, waterproof, resoleable."), Category: str("Boots"), DefaultPrice: 22000},
			{ID: 13, Name: "Nomad Cap", Slogan: str("One size fits most"), Description: str("Cotton twill, brass buckle."), Category: str("Accessories"), DefaultPrice: 2500},
		},
		Features: []catalog.Feature{
			{ID: 1, ProductID: 1, Name: "Fabric", Value: str("Nylon")},
			{ID: 2, ProductID: 1, Name: "Hood", Value: str(`Detachable, 12" brim`)},
			{ID: 4, ProductID: 2, Name: "UV Protection"},
			{ID: 3, ProductID: 2, Name: "Lenses", Value: str("Polarized")},
			{ID: 5, ProductID: 5, Name: "Sole", Value: str("Rubber")},
		},
		Styles: []catalog.Style{
			{ID: 1, ProductID: 1, Name: "Forest Green & Black", OriginalPrice: 14000, Default: true},
			{ID: 2, ProductID: 1, Name: "Desert Tan", OriginalPrice: 14000, SalePrice: catalog.Some[catalog.Cents](10000)},
			{ID: 3, ProductID: 1, Name: "Sold Out Grey", OriginalPrice: 15050},
			{ID: 4, ProductID: 2, Name: "Black Frame", OriginalPrice: 6950},
			{ID: 5, ProductID: 5, Name: "White & White", OriginalPrice: 9900, Default: true},
			{ID: 6, ProductID: 8, Name: "Brown", OriginalPrice: 22000, Default: true},
			{ID: 7, ProductID: 13, Name: "Khaki", OriginalPrice: 2500, SalePrice: catalog.Some[catalog.Cents](1999), Default: true},
		},
		Photos: []catalog.Photo{
			{ID: 2, StyleID: 1, URL: str("https://img.example/parka-green.jpg?w=668&q=80"), ThumbnailURL: str("https://img.example/parka-green.jpg?w=300&q=80")},
			{ID: 1, StyleID: 1, URL: str("https://img.example/parka-green-back.jpg?w=668&q=80"), ThumbnailURL: str("https://img.example/parka-green-back.jpg?w=300&q=80")},
			{ID: 3, StyleID: 2, URL: str("https://img.example/parka-tan.jpg"), ThumbnailURL: str("https://img.example/parka-tan-thumb.jpg")},
			{ID: 4, StyleID: 4, URL: str("https://img.example/sunglasses.jpg")},
			{ID: 5, StyleID: 6, URL: str("https://img.example/boots.jpg"), ThumbnailURL: str("https://img.example/boots-thumb.jpg")},
		},
		SKUs: []catalog.SKU{
			{ID: 10, StyleID: 1, Size: "M", Quantity: 3},
			{ID: 9, StyleID: 1, Size: "S", Quantity: 8},
			{ID: 12, StyleID: 1, Size: "XL", Quantity: 1},
			{ID: 11, StyleID: 1, Size: "XL", Quantity: 2},
			{ID: 13, StyleID: 2, Size: "M", Quantity: 0},
			{ID: 14, StyleID: 4, Size: "One Size", Quantity: 30},
			{ID: 15, StyleID: 5, Size: "9.5", Quantity: 5},
			{ID: 16, StyleID: 7, Size: "One Size", Quantity: 2},
		},
		Related: []catalog.Related{
			{ID: 1, ProductID: 1, RelatedID: 2},
			{ID: 2, ProductID: 1, RelatedID: 8},
			{ID: 3, ProductID: 1, RelatedID: 2},
			{ID: 5, ProductID: 1, RelatedID: 1},
			{ID: 4, ProductID: 1, RelatedID: 13},
			{ID: 6, ProductID: 2, RelatedID: 1},
		},
		CartLines: []catalog.CartLine{
			{ID: 1, Session: "1001", SKUID: 14, Active: true},
			{ID: 2, Session: "1001", SKUID: 9, Active: true},
			{ID: 3, Session: "1001", SKUID: 14, Active: true},
			{ID: 4, Session: "1001", SKUID: 10, Active: false},
			{ID: 5, Session: "2002", SKUID: 16, Active: true},
		},
		Reviews: []catalog.Review{
			{ID: 1, ProductID: 1, Rating: 5, Date: day(1596080481467), Summary: "Kept me dry!", Body: "Three days of rain on the coast, and dry underneath.",
				Recommend: true, ReviewerName: "drizzle", ReviewerEmail: "drizzle@example.com", Helpfulness: 8},
			{ID: 2, ProductID: 1, Rating: 4, Date: day(1610178433963), Summary: "Runs \"large\"", Body: "Size down; the hood is great.",
				ReviewerName: "tallguy", ReviewerEmail: "tall@example.com", Response: str("Thanks, noted!"), Helpfulness: 2},
			{ID: 3, ProductID: 1, Rating: 2, Date: day(1609325851021), Summary: "Zip broke", Body: "The zip broke in a week.",
				ReviewerName: "grumpy", ReviewerEmail: "grumpy@example.com", Response: str(""), Helpfulness: 2},
			{ID: 4, ProductID: 1, Rating: 1, Date: day(1609325851021), Summary: "SPAM", Body: "Buy cheap parkas at spam.example",
				Recommend: true, Reported: true, ReviewerName: "spammer", ReviewerEmail: "spam@example.com", Helpfulness: 40},
			{ID: 6, ProductID: 1, Rating: 5, Date: day(1609325851021), Summary: "Émile approves 👍", Body: "Warm, light,\nand packs small.",
				Recommend: true, ReviewerName: "émile", ReviewerEmail: "emile@example.com", Helpfulness: 2},
			{ID: 5, ProductID: 2, Rating: 3, Date: day(1593628485253), Summary: "Fine", Body: "They are fine sunglasses.",
				Recommend: true, ReviewerName: "shade", ReviewerEmail: "shade@example.com"},
		},
		ReviewPhotos: []catalog.ReviewPhoto{
			{ID: 3, ReviewID: 1, URL: "https://img.example/review-1-b.jpg"},
			{ID: 1, ReviewID: 1, URL: "https://img.example/review-1-a.jpg"},
			{ID: 2, ReviewID: 6, URL: "https://img.example/review-6.jpg"},
			{ID: 4, ReviewID: 4, URL: "https://spam.example/ad.jpg"},
		},
		Characteristics: []catalog.Characteristic{
			{ID: 1, ProductID: 1, Name: "Fit"},
			{ID: 2, ProductID: 1, Name: "Length"},
			{ID: 4, ProductID: 1, Name: "Quality"},
			{ID: 3, ProductID: 1, Name: "Comfort"},
			{ID: 5, ProductID: 2, Name: "Quality"},
			{ID: 6, ProductID: 3, Name: "Fit"},
		},
		CharacteristicVotes: []catalog.CharacteristicVote{
			{ID: 1, CharacteristicID: 1, ReviewID: 1, Value: 4},
			{ID: 2, CharacteristicID: 2, ReviewID: 1, Value: 3},
			{ID: 3, CharacteristicID: 4, ReviewID: 1, Value: 5},
			{ID: 4, CharacteristicID: 1, ReviewID: 2, Value: 5},
			{ID: 5, CharacteristicID: 2, ReviewID: 2, Value: 4},
			{ID: 6, CharacteristicID: 1, ReviewID: 3, Value: 2},
			{ID: 7, CharacteristicID: 1, ReviewID: 4, Value: 1},
			{ID: 8, CharacteristicID: 4, ReviewID: 4, Value: 1},
			{ID: 9, CharacteristicID: 1, ReviewID: 6, Value: 3},
			{ID: 10, CharacteristicID: 5, ReviewID: 5, Value: 3},
		},
		// Product 1's questions: 3 and 1 tie on helpfulness (id decides),
		// 2 is reported; question 1's answers are out of id order in the
		// file, one reported; product 2 has one question without answers.
		Questions: []catalog.Question{
			{ID: 1, ProductID: 1, Body: "Is it warm enough for -20°C?", Date: day(1595884714409), AskerName: "cold",
				AskerEmail: str("cold@example.com"), Helpfulness: 4},
			{ID: 2, ProductID: 1, Body: "HEY WHAT IS THIS?", Date: day(1613888219613), AskerName: "loud",
				AskerEmail: str("loud@example.com"), Reported: true, Helpfulness: 9},
			{ID: 3, ProductID: 1, Body: "Does it run \"big\"?", Date: day(1608535907083), AskerName: "émile",
				AskerEmail: str("emile@example.com"), Helpfulness: 4},
			{ID: 4, ProductID: 1, Body: "Washable?", Date: day(1594341317010), AskerName: "clean", Helpfulness: 7},
			{ID: 5, ProductID: 2, Body: "Polarized?", Date: day(1594341317010), AskerName: "sunny", AskerEmail: str("sun@example.com")},
		},
		Answers: []catalog.Answer{
			{ID: 3, QuestionID: 1, Body: "Yes, down to -30.", Date: day(1599958385988), AnswererName: "Seller", Helpfulness: 1},
			{ID: 1, QuestionID: 1, Body: "I wore it at -25, fine.", Date: day(1615008233634), AnswererName: "nordic",
				AnswererEmail: str("nordic@example.com"), Helpfulness: 8},
			{ID: 2, QuestionID: 1, Body: "Buy cheap parkas at spam.example", Date: day(1615008233634), AnswererName: "spammer",
				AnswererEmail: str("spam@example.com"), Reported: true, Helpfulness: 30},
			{ID: 4, QuestionID: 3, Body: "True to size.", Date: day(1596547018643), AnswererName: "tallguy",
				AnswererEmail: str("tall@example.com"), Helpfulness: 3},
			{ID: 5, QuestionID: 4, Body: "Cold wash only.", Date: day(1596547018643), AnswererName: "clean",
				AnswererEmail: str("clean@example.com"), Helpfulness: 3},
		},
		AnswerPhotos: []catalog.AnswerPhoto{
			{ID: 2, AnswerID: 1, URL: "https://img.example/answer-1-b.jpg"},
			{ID: 1, AnswerID: 1, URL: "https://img.example/answer-1-a.jpg"},
			{ID: 3, AnswerID: 2, URL: "https://spam.example/ad.jpg"},
		},
	}
}

// day returns the instant of epoch milliseconds, as the files give dates.
func day(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
