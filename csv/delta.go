package csv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"catalog"
)

// Deleted is a delta's deleted.csv: the live rows to delete, each named by
// its file (without .csv) and id.
var Deleted = &Table[catalog.Deletion]{
	File:    "deleted.csv",
	Columns: []string{"file", "id"},
	parse:   parseDeletion,
	encode:  appendDeletion,
}

func parseDeletion(p *rowParser, f []field) (catalog.Deletion, error) {
	e := catalog.Entity(strings.TrimSpace(f[0].s))
	if !slices.Contains(catalog.Entities, e) {
		return catalog.Deletion{}, fmt.Errorf("file %q is not one of product, features, styles, photos, skus, related", f[0].s)
	}
	id, err := p.id("id", f[1])
	return catalog.Deletion{Entity: e, ID: id}, err
}

func appendDeletion(b []byte, r catalog.Deletion) []byte {
	b = append(b, r.Entity...)
	b = append(b, ',')
	return strconv.AppendInt(b, r.ID, 10)
}

// ImportDelta applies a delta directory to dst's live catalog as one new
// generation: any of product.csv, features.csv, styles.csv, photos.csv,
// skus.csv and related.csv, whose rows add rows or replace the live rows
// of the same ids, and deleted.csv, whose rows delete live rows (and what
// depends on them). Rows are checked as in Import, against the catalog as
// the delta leaves it: a row is rejected when its id repeats one of its
// file's or is also deleted, when what it names does not exist once the
// delta is applied, or, in deleted.csv, when it names no live row. A delta
// holding a review or Q&A file is refused (catalog.ErrDeltaReviews).
func ImportDelta(ctx context.Context, dir string, dst catalog.DeltaLoader, opts Options) (*Report, error) {
	present := map[string]bool{}
	for _, name := range []string{Deleted.File, Products.File, Styles.File, Features.File, Photos.File, SKUs.File, Related.File} {
		_, err := os.Stat(filepath.Join(dir, name))
		switch {
		case err == nil:
			present[name] = true
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("delta %s: %w", dir, err)
		}
	}
	if err := refuseReviewFiles(dir); err != nil {
		return nil, err
	}
	if len(present) == 0 {
		return nil, fmt.Errorf("delta %s: none of deleted.csv, product.csv, styles.csv, features.csv, photos.csv, skus.csv, related.csv is there", dir)
	}
	d, err := dst.BeginDelta(ctx)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = d.Rollback()
		}
	}()
	im := &importer{dir: dir, opts: opts, rejects: &rejectWriter{w: opts.Rejects}}
	di := &deltaImporter{d: d, deleted: map[catalog.Entity]*idSet{}, live: map[catalog.Entity]map[int64]int64{}, styles: map[int64]int64{}}
	for _, e := range catalog.Entities {
		di.deleted[e], di.live[e] = &idSet{}, map[int64]int64{}
	}
	var features, photos, skus, related idSet
	steps := []struct {
		file string
		run  func() (FileReport, error)
	}{
		{Deleted.File, func() (FileReport, error) {
			return importChecked(ctx, im, Deleted, d.Delete, checker[catalog.Deletion]{
				prepare: func(ctx context.Context, rows []catalog.Deletion) error {
					for _, e := range catalog.Entities {
						if err := lookup(ctx, di, e, rows, func(r catalog.Deletion) (int64, bool) { return r.ID, r.Entity == e }); err != nil {
							return err
						}
					}
					return nil
				},
				check: di.checkDeletion,
			})
		}},
		{Products.File, func() (FileReport, error) {
			return importFile(ctx, im, Products, d.AddProducts, func(r catalog.Product) error {
				return di.put(catalog.EntityProduct, &di.products, r.ID, nil)
			})
		}},
		{Styles.File, func() (FileReport, error) {
			return importChecked(ctx, im, Styles, d.AddStyles, checker[catalog.Style]{
				prepare: productLookup(di, func(r catalog.Style) []int64 { return []int64{r.ProductID} }),
				check: func(r catalog.Style) error {
					return di.put(catalog.EntityStyle, nil, r.ID, func() error {
						if err := di.productAfter(r.ProductID); err != nil {
							return err
						}
						if _, dup := di.styles[r.ID]; dup {
							return fmt.Errorf("duplicate id %d: an earlier row has it", r.ID)
						}
						di.styles[r.ID] = r.ProductID
						return nil
					})
				},
			})
		}},
		{Features.File, func() (FileReport, error) {
			return importChecked(ctx, im, Features, d.AddFeatures, checker[catalog.Feature]{
				prepare: productLookup(di, func(r catalog.Feature) []int64 { return []int64{r.ProductID} }),
				check: func(r catalog.Feature) error {
					return di.put(catalog.EntityFeature, &features, r.ID, func() error { return di.productAfter(r.ProductID) })
				},
			})
		}},
		{Photos.File, func() (FileReport, error) {
			return importChecked(ctx, im, Photos, d.AddPhotos, checker[catalog.Photo]{
				prepare: styleLookup(di, func(r catalog.Photo) int64 { return r.StyleID }),
				check: func(r catalog.Photo) error {
					return di.put(catalog.EntityPhoto, &photos, r.ID, func() error { return di.styleAfter(r.StyleID) })
				},
			})
		}},
		{SKUs.File, func() (FileReport, error) {
			return importChecked(ctx, im, SKUs, d.AddSKUs, checker[catalog.SKU]{
				prepare: styleLookup(di, func(r catalog.SKU) int64 { return r.StyleID }),
				check: func(r catalog.SKU) error {
					return di.put(catalog.EntitySKU, &skus, r.ID, func() error { return di.styleAfter(r.StyleID) })
				},
			})
		}},
		{Related.File, func() (FileReport, error) {
			return importChecked(ctx, im, Related, d.AddRelated, checker[catalog.Related]{
				prepare: productLookup(di, func(r catalog.Related) []int64 { return []int64{r.ProductID, r.RelatedID} }),
				check: func(r catalog.Related) error {
					return di.put(catalog.EntityRelated, &related, r.ID, func() error {
						if err := di.productAfter(r.ProductID); err != nil {
							return err
						}
						if err := di.productAfter(r.RelatedID); err != nil {
							return fmt.Errorf("related %w", err)
						}
						return nil
					})
				},
			})
		}},
	}
	rep := &Report{}
	for _, step := range steps {
		if !present[step.file] {
			rep.Files = append(rep.Files, FileReport{File: step.file, Absent: true})
			continue
		}
		fr, err := step.run()
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, fr)
	}
	if err := im.rejects.err; err != nil {
		return nil, fmt.Errorf("write rejects: %w", err)
	}
	if err := d.Commit(ctx); err != nil {
		return nil, err
	}
	committed = true
	return rep, nil
}

// refuseReviewFiles fails with catalog.ErrDeltaReviews when dir holds a
// review or Q&A file: reviews and questions come with whole loads, and a
// delta that left them out unread would look applied.
func refuseReviewFiles(dir string) error {
	var there []string
	for _, name := range slices.Concat(reviewFiles, qaFiles) {
		_, err := os.Stat(filepath.Join(dir, name))
		switch {
		case err == nil:
			there = append(there, name)
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("delta %s: %w", dir, err)
		}
	}
	if len(there) > 0 {
		return fmt.Errorf("delta %s holds %s: %w", dir, strings.Join(there, ", "), catalog.ErrDeltaReviews)
	}
	return nil
}

// deltaImporter checks a delta's rows against the live catalog as the
// delta leaves it: what the delta adds, deletes, and the live rows' parents
// it has looked up.
type deltaImporter struct {
	d catalog.Delta
	// deleted are the ids deleted.csv deletes, by entity.
	deleted map[catalog.Entity]*idSet
	// live are the live rows looked up, by entity: each one's parent, or
	// -1 for an id that is not live.
	live map[catalog.Entity]map[int64]int64
	// products and styles are the delta's own, with each style's product.
	products idSet
	styles   map[int64]int64
}

// lookup asks the store for the live rows of an entity among the ids
// that rows name (of returns false for a row that names none), those it
// has not asked for before.
func lookup[T any](ctx context.Context, di *deltaImporter, e catalog.Entity, rows []T, of func(T) (int64, bool)) error {
	known := di.live[e]
	var ask []int64
	for _, r := range rows {
		if id, ok := of(r); ok {
			if _, seen := known[id]; !seen {
				known[id] = -1
				ask = append(ask, id)
			}
		}
	}
	if len(ask) == 0 {
		return nil
	}
	parents, err := di.d.Parents(ctx, e, ask)
	if err != nil {
		return err
	}
	for id, parent := range parents {
		known[id] = parent
	}
	return nil
}

// productLookup returns a prepare that looks up the products rows name
// which the delta does not add.
func productLookup[T any](di *deltaImporter, names func(T) []int64) func(context.Context, []T) error {
	return func(ctx context.Context, rows []T) error {
		var ids []int64
		for _, r := range rows {
			for _, id := range names(r) {
				if !di.products.has(id) {
					ids = append(ids, id)
				}
			}
		}
		return lookup(ctx, di, catalog.EntityProduct, ids, func(id int64) (int64, bool) { return id, true })
	}
}

// styleLookup returns a prepare that looks up the styles rows name which
// the delta does not add. A live style's product is live.
func styleLookup[T any](di *deltaImporter, style func(T) int64) func(context.Context, []T) error {
	return func(ctx context.Context, rows []T) error {
		return lookup(ctx, di, catalog.EntityStyle, rows, func(r T) (int64, bool) {
			_, ours := di.styles[style(r)]
			return style(r), !ours
		})
	}
}

// checkDeletion checks a row of deleted.csv: a live row, named once.
func (di *deltaImporter) checkDeletion(r catalog.Deletion) error {
	if di.live[r.Entity][r.ID] < 0 {
		return fmt.Errorf("no live %s row has id %d", r.Entity, r.ID)
	}
	if !di.deleted[r.Entity].add(r.ID) {
		return fmt.Errorf("duplicate: an earlier row deletes %s %d", r.Entity, r.ID)
	}
	return nil
}

// put checks a row the delta adds or replaces: not deleted too, passing
// check (its references), and, when ids are given, its id not repeated.
func (di *deltaImporter) put(e catalog.Entity, ids *idSet, id int64, check func() error) error {
	if di.deleted[e].has(id) {
		return fmt.Errorf("%s %d is deleted by %s too", e, id, Deleted.File)
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if ids != nil && !ids.add(id) {
		return fmt.Errorf("duplicate id %d: an earlier row has it", id)
	}
	return nil
}

// productAfter checks that a product exists once the delta is applied.
func (di *deltaImporter) productAfter(id int64) error {
	if di.products.has(id) || (di.live[catalog.EntityProduct][id] > 0 && !di.deleted[catalog.EntityProduct].has(id)) {
		return nil
	}
	return fmt.Errorf("orphan: product %d does not exist once the delta is applied", id)
}

// styleAfter checks that a style exists once the delta is applied: the
// delta's own, or a live one neither deleted nor of a deleted product.
func (di *deltaImporter) styleAfter(id int64) error {
	if _, ok := di.styles[id]; ok {
		return nil
	}
	if p := di.live[catalog.EntityStyle][id]; p > 0 && !di.deleted[catalog.EntityStyle].has(id) &&
		(di.products.has(p) || !di.deleted[catalog.EntityProduct].has(p)) {
		return nil
	}
	return fmt.Errorf("orphan: style %d does not exist once the delta is applied", id)
}
