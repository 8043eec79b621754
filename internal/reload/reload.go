// Package reload is the order in which a store replaces its catalog: new
// tables built beside the live ones, then renamed into their place.
package reload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"catalog"
)

// ErrFinished is the error of a call to a load that has ended.
var ErrFinished = errors.New("load is finished")

// Steps is one store's SQL for each step of a reload; the rows themselves
// are the store's to write, between Begin and Commit.
type Steps interface {
	// DropLeftovers drops the new tables of a load that did not finish,
	// and the old tables of one stopped after its swap.
	DropLeftovers(ctx context.Context) error
	// NextGeneration returns the generation the new catalog will have.
	NextGeneration(ctx context.Context) (int64, error)
	// CreateTables creates the new tables, <table>_new, empty.
	CreateTables(ctx context.Context) error
	// FinishRows writes what rows are still pending; AbortRows abandons them.
	FinishRows(ctx context.Context) error
	AbortRows()
	// Build fills product_blocks, carries over the timestamps of products
	// that were there before, and gives the new tables their keys and
	// indexes, named with the generation so as not to clash with the live
	// ones'.
	Build(ctx context.Context, generation int64) error
	// Swap renames each live table to <table>_old and its new version into
	// its place, and records the generation in catalog_meta, in one
	// transaction: readers see the old catalog or the new, never a mix.
	Swap(ctx context.Context, generation int64) error
	// DropOld drops the tables the swap retired.
	DropOld(ctx context.Context) error
	// Release gives up what the load holds: its connection, its lock.
	Release()
}

// Load is a reload under way, from Begin to its Commit or Rollback.
type Load struct {
	steps      Steps
	generation int64
	done       bool
}

// Begin clears what an earlier load left behind and creates the new
// tables. If it fails, the caller still holds, and releases, the steps.
func Begin(ctx context.Context, s Steps) (*Load, error) {
	if err := s.DropLeftovers(ctx); err != nil {
		return nil, err
	}
	generation, err := s.NextGeneration(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.CreateTables(ctx); err != nil {
		return nil, err
	}
	return &Load{steps: s, generation: generation}, nil
}

// Finished reports whether the load has ended: committed or rolled back.
func (l *Load) Finished() bool { return l.done }

// Commit builds the new tables and swaps them in. Once they are swapped
// in the load has ended, even if dropping the old tables then fails.
func (l *Load) Commit(ctx context.Context) error {
	if l.done {
		return ErrFinished
	}
	if err := l.steps.FinishRows(ctx); err != nil {
		return err
	}
	if err := l.steps.Build(ctx, l.generation); err != nil {
		return err
	}
	if err := l.steps.Swap(ctx, l.generation); err != nil {
		return err
	}
	l.done = true
	defer l.steps.Release()
	return l.steps.DropOld(context.WithoutCancel(ctx))
}

// Rollback abandons the load; the live catalog stays.
func (l *Load) Rollback() error {
	if l.done {
		return nil
	}
	l.done = true
	defer l.steps.Release()
	l.steps.AbortRows()
	return l.steps.DropLeftovers(context.Background())
}

// Built are the catalog tables a load's Build makes from the others: the
// blocks of the product list, the read model, the sums of reviews and the
// questions' documents.
var Built = map[string]bool{"product_blocks": true, "product_docs": true, "review_stats": true, "qa_docs": true}

// Rebuild makes l, a load just begun, a copy of the live catalog and
// commits it: exec runs, in one transaction, the statements that copy
// each live table's rows (tables gives each table's column definitions)
// into its new version, but for the tables Build makes.
func Rebuild(ctx context.Context, l *Load, tables map[string][]string, exec func(ctx context.Context, stmts ...string) error) error {
	var stmts []string
	for table, columns := range tables {
		if !Built[table] {
			cols := strings.Join(Names(columns), ", ")
			stmts = append(stmts, fmt.Sprintf("INSERT INTO %s_new (%s) SELECT %s FROM %[1]s", table, cols, cols))
		}
	}
	if err := exec(ctx, stmts...); err != nil {
		_ = l.Rollback()
		return err
	}
	return l.Commit(ctx)
}

// Names returns the names of columns given as definitions
// ("slogan TEXT"), in order.
func Names(columns []string) []string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i], _, _ = strings.Cut(c, " ")
	}
	return names
}

// Compared returns the products columns whose change gives a product a
// new updated_at: all but its id and its timestamps.
func Compared(columns []string) []string {
	return slices.DeleteFunc(slices.Clone(columns), func(c string) bool {
		return c == "id" || c == "created_at" || c == "updated_at"
	})
}

// BlockSize is how many product ids a block of product_blocks spans: a
// list page is found through its block (the block's first position, then
// an offset of fewer than BlockSize rows into products), and a change
// that adds or deletes products renumbers blocks, not products.
const BlockSize = 64

// FillBlocksSQL returns the statement that fills a table of blocks from a
// table of products: each block of ids that has products, with their
// count and the list position of its first.
func FillBlocksSQL(blocks, products string) string {
	return fmt.Sprintf(`INSERT INTO %[1]s (block, first_pos, count)
	SELECT block, sum(n) OVER (ORDER BY block) - n + 1, n
	FROM (SELECT id / %[3]d AS block, count(*) AS n FROM %[2]s GROUP BY id / %[3]d) b`, blocks, products, BlockSize)
}

// Rows are rows of a catalog table as a load or a delta writes them: how
// many, and each one's values in the order of the table's columns.
type Rows struct {
	N      int
	Values func(i int) []any
}

// RowsOf returns rows with the values values gives each.
func RowsOf[T any](rows []T, values func(T) []any) Rows {
	return Rows{N: len(rows), Values: func(i int) []any { return values(rows[i]) }}
}

// Values turns each entity's rows into the values of its table's columns,
// as an engine stores them.
type Values struct {
	Product  func(catalog.Product) []any
	Feature  func(catalog.Feature) []any
	Style    func(catalog.Style) []any
	Photo    func(catalog.Photo) []any
	SKU      func(catalog.SKU) []any
	Related  func(catalog.Related) []any
	CartLine func(catalog.CartLine) []any
	// The reviews' are nil for a delta, which refuses them.
	Review             func(catalog.Review) []any
	ReviewPhoto        func(catalog.ReviewPhoto) []any
	Characteristic     func(catalog.Characteristic) []any
	CharacteristicVote func(catalog.CharacteristicVote) []any
	// The questions' too.
	Question    func(catalog.Question) []any
	Answer      func(catalog.Answer) []any
	AnswerPhoto func(catalog.AnswerPhoto) []any
}

// OfDelta returns the values a delta takes: not the historical carts, nor
// the reviews and questions, which come with whole loads.
func (v Values) OfDelta() Values {
	v.CartLine, v.Review, v.ReviewPhoto, v.Characteristic, v.CharacteristicVote = nil, nil, nil, nil, nil
	v.Question, v.Answer, v.AnswerPhoto = nil, nil, nil
	return v
}

// Tables are the catalog tables of the entities a delta changes.
var Tables = map[catalog.Entity]string{
	catalog.EntityProduct: "products", catalog.EntityFeature: "features", catalog.EntityStyle: "styles",
	catalog.EntityPhoto: "photos", catalog.EntitySKU: "skus", catalog.EntityRelated: "related",
}

// Adds are the Add methods of a load or a delta (catalog.Load), over the
// engine's writer of a table's rows and its values of each entity's rows.
type Adds struct {
	Write  func(ctx context.Context, table string, rows Rows) error
	Values Values
}

func (a Adds) AddProducts(ctx context.Context, rows []catalog.Product) error {
	return a.Write(ctx, "products", RowsOf(rows, a.Values.Product))
}

func (a Adds) AddFeatures(ctx context.Context, rows []catalog.Feature) error {
	return a.Write(ctx, "features", RowsOf(rows, a.Values.Feature))
}

func (a Adds) AddStyles(ctx context.Context, rows []catalog.Style) error {
	return a.Write(ctx, "styles", RowsOf(rows, a.Values.Style))
}

func (a Adds) AddPhotos(ctx context.Context, rows []catalog.Photo) error {
	return a.Write(ctx, "photos", RowsOf(rows, a.Values.Photo))
}

func (a Adds) AddSKUs(ctx context.Context, rows []catalog.SKU) error {
	return a.Write(ctx, "skus", RowsOf(rows, a.Values.SKU))
}

func (a Adds) AddRelated(ctx context.Context, rows []catalog.Related) error {
	return a.Write(ctx, "related", RowsOf(rows, a.Values.Related))
}

// AddCartLines adds the historical carts; a delta refuses them.
func (a Adds) AddCartLines(ctx context.Context, rows []catalog.CartLine) error {
	if a.Values.CartLine == nil {
		return catalog.ErrDeltaCartLines
	}
	return a.Write(ctx, "cart_imported", RowsOf(rows, a.Values.CartLine))
}

// AddReviews adds the dataset's reviews; a delta refuses them, and their
// photos, characteristics and votes.
func (a Adds) AddReviews(ctx context.Context, rows []catalog.Review) error {
	return addReviewRows(ctx, a, "reviews", rows, a.Values.Review)
}

func (a Adds) AddReviewPhotos(ctx context.Context, rows []catalog.ReviewPhoto) error {
	return addReviewRows(ctx, a, "review_photos", rows, a.Values.ReviewPhoto)
}

func (a Adds) AddCharacteristics(ctx context.Context, rows []catalog.Characteristic) error {
	return addReviewRows(ctx, a, "characteristics", rows, a.Values.Characteristic)
}

func (a Adds) AddCharacteristicVotes(ctx context.Context, rows []catalog.CharacteristicVote) error {
	return addReviewRows(ctx, a, "characteristic_votes", rows, a.Values.CharacteristicVote)
}

// AddQuestions adds the dataset's questions; a delta refuses them, and
// their answers and the answers' photos.
func (a Adds) AddQuestions(ctx context.Context, rows []catalog.Question) error {
	return addReviewRows(ctx, a, "questions", rows, a.Values.Question)
}

func (a Adds) AddAnswers(ctx context.Context, rows []catalog.Answer) error {
	return addReviewRows(ctx, a, "answers", rows, a.Values.Answer)
}

func (a Adds) AddAnswerPhotos(ctx context.Context, rows []catalog.AnswerPhoto) error {
	return addReviewRows(ctx, a, "answer_photos", rows, a.Values.AnswerPhoto)
}

func addReviewRows[T any](ctx context.Context, a Adds, table string, rows []T, values func(T) []any) error {
	if values == nil {
		return catalog.ErrDeltaReviews
	}
	return a.Write(ctx, table, RowsOf(rows, values))
}

// Writes is one engine's steps for carrying what shoppers wrote through
// the API (reviews, questions and answers posted, marked helpful,
// reported) onto a new catalog,
// within its swap.
type Writes struct {
	// Changed numbers a change of every product's reviews.
	Changed func(ctx context.Context) error
	// Drop lets what shoppers wrote go.
	Drop func(ctx context.Context) error
	// Unfit runs a query of the writes the new catalog cannot take
	// (UnfitWritesSQL, UnfitQAWritesSQL): how many, and the first.
	Unfit func(ctx context.Context, query string) (n int64, first []int64, err error)
	// Carry copies them into the new catalog and sums its products up
	// anew.
	Carry func(ctx context.Context) error
}

// CarryWrites carries what shoppers wrote onto a new catalog; a copy of
// the live catalog (a rebuild) has it already. A new dataset changes
// every product's reviews. It lets it go when asked to (drop), and
// refuses the swap when the dataset cannot take it.
func CarryWrites(ctx context.Context, w Writes, copying, drop bool) error {
	if copying {
		return nil
	}
	if err := w.Changed(ctx); err != nil {
		return err
	}
	if drop {
		return w.Drop(ctx)
	}
	for _, u := range []struct {
		query string
		err   func(n int64, ids []int64) error
	}{{UnfitWritesSQL, catalog.ErrUnfitWrites}, {UnfitQAWritesSQL, catalog.ErrUnfitQAWrites}} {
		n, unfit, err := w.Unfit(ctx, u.query)
		switch {
		case err != nil:
			return err
		case n > 0:
			return u.err(n, unfit)
		}
	}
	return w.Carry(ctx)
}
