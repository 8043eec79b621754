package generate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"catalog"
	"catalog/csv"
)

// DeltaCounts are the products a delta changes, by how.
type DeltaCounts struct {
	Repriced, Restocked, Added, Deleted int
}

// Total is the number of products the delta changes.
func (c DeltaCounts) Total() int { return c.Repriced + c.Restocked + c.Added + c.Deleted }

// WriteDelta writes into out a delta of n products of the dataset in dir,
// as a shop's day might bring, drawn from seed: of every 20 products, 12
// get new prices (their styles.csv rows again, repriced), 5 new stock
// (their skus.csv rows again, requantified), 2 are new products (with a
// style, two photos and three SKUs), 1 is deleted (deleted.csv). The
// dataset's files are read whole, but for photos.csv, of which only the
// last id is read: new rows take ids after each file's last.
func WriteDelta(ctx context.Context, dir, out string, n int, seed uint64) (DeltaCounts, error) {
	r := rand.New(rand.NewPCG(seed, 0xde17a))
	var products []catalog.Product
	if err := readRows(ctx, filepath.Join(dir, csv.Products.File), csv.Products, func(p catalog.Product) { products = append(products, p) }); err != nil {
		return DeltaCounts{}, err
	}
	if n < 1 || n > len(products) {
		return DeltaCounts{}, fmt.Errorf("a delta of %d products of a dataset of %d", n, len(products))
	}
	var c DeltaCounts
	c.Added = n / 10
	c.Deleted = n / 20
	c.Restocked = n / 4
	c.Repriced = n - c.Added - c.Deleted - c.Restocked
	chosen := r.Perm(len(products))[:c.Repriced+c.Restocked+c.Deleted]
	repriced, restocked := map[int64]bool{}, map[int64]bool{}
	var deleted []catalog.Deletion
	for i, j := range chosen {
		id := products[j].ID
		switch {
		case i < c.Repriced:
			repriced[id] = true
		case i < c.Repriced+c.Restocked:
			restocked[id] = true
		default:
			deleted = append(deleted, catalog.Deletion{Entity: catalog.EntityProduct, ID: id})
		}
	}
	var styles []catalog.Style
	stocked := map[int64]bool{} // the styles of restocked products
	var lastStyle int64
	err := readRows(ctx, filepath.Join(dir, csv.Styles.File), csv.Styles, func(s catalog.Style) {
		lastStyle = max(lastStyle, s.ID)
		switch {
		case repriced[s.ProductID]:
			s.OriginalPrice += catalog.Cents(100 * (1 + r.IntN(20)))
			s.SalePrice = catalog.Null[catalog.Cents]{}
			if r.IntN(3) == 0 {
				s.SalePrice = catalog.Some(s.OriginalPrice * 8 / 10)
			}
			styles = append(styles, s)
		case restocked[s.ProductID]:
			stocked[s.ID] = true
		}
	})
	if err != nil {
		return c, err
	}
	var skus []catalog.SKU
	var lastSKU int64
	err = readRows(ctx, filepath.Join(dir, csv.SKUs.File), csv.SKUs, func(k catalog.SKU) {
		lastSKU = max(lastSKU, k.ID)
		if stocked[k.StyleID] {
			k.Quantity = r.Int64N(60)
			skus = append(skus, k)
		}
	})
	if err != nil {
		return c, err
	}
	lastPhoto, err := lastID(filepath.Join(dir, csv.Photos.File))
	if err != nil {
		return c, err
	}
	lastProduct := slices.MaxFunc(products, func(a, b catalog.Product) int { return int(a.ID - b.ID) }).ID
	var added []catalog.Product
	var photos []catalog.Photo
	for i := range int64(c.Added) {
		p := products[r.IntN(len(products))]
		p.ID, p.Name = lastProduct+1+i, p.Name+" II"
		added = append(added, p)
		s := catalog.Style{ID: lastStyle + 1 + i, ProductID: p.ID, Name: "Original", OriginalPrice: p.DefaultPrice, Default: true}
		styles = append(styles, s)
		for j := range int64(2) {
			photos = append(photos, catalog.Photo{ID: lastPhoto + 1 + 2*i + j, StyleID: s.ID,
				URL: catalog.Some(fmt.Sprintf("https://images.example.com/new-%d-%d.jpg", p.ID, j))})
		}
		for j, size := range []string{"S", "M", "L"} {
			skus = append(skus, catalog.SKU{ID: lastSKU + 1 + 3*i + int64(j), StyleID: s.ID, Size: size, Quantity: 1 + r.Int64N(30)})
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return c, err
	}
	for _, w := range []func() error{
		func() error { return writeFile(out, csv.Products, added) },
		func() error { return writeFile(out, csv.Styles, styles) },
		func() error { return writeFile(out, csv.Photos, photos) },
		func() error { return writeFile(out, csv.SKUs, skus) },
		func() error { return writeFile(out, csv.Deleted, deleted) },
	} {
		if err := w(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// readRows reads a dataset's file and calls fn with each row that parses.
func readRows[T any](ctx context.Context, path string, t *csv.Table[T], fn func(T)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := csv.NewDecoder(f, 0, 1)
	for i := 0; ; i++ {
		if i%65536 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := dec.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if rec.Blank || rec.Err != nil {
			continue
		}
		if row, _, err := t.Parse(rec.Fields, rec.Quoted); err == nil {
			fn(row)
		}
	}
}

// lastID returns the id of a file's last line.
func lastID(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	buf := make([]byte, min(st.Size(), 64<<10))
	if _, err := f.ReadAt(buf, st.Size()-int64(len(buf))); err != nil {
		return 0, err
	}
	lines := slices.DeleteFunc(bytes.Split(buf, []byte("\n")), func(l []byte) bool { return len(bytes.TrimSpace(l)) == 0 })
	if len(lines) == 0 {
		return 0, fmt.Errorf("%s: no last line", path)
	}
	last := lines[len(lines)-1]
	end := bytes.IndexByte(last, ',')
	if end < 0 {
		end = len(last)
	}
	id, ok := catalog.ParseID(string(last[:end]))
	if !ok {
		return 0, fmt.Errorf("%s: the last line does not start with an id", path)
	}
	return id, nil
}

// writeFile writes rows as a file of a delta, with its header.
func writeFile[T any](dir string, t *csv.Table[T], rows []T) error {
	b := []byte(t.Header())
	for _, r := range rows {
		b = t.Append(b, r)
	}
	return os.WriteFile(filepath.Join(dir, t.File), b, 0o644)
}
