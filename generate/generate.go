// Package generate makes a synthetic dataset with the shape of the real one:
// the same files, columns and format, the same number of rows per product,
// and the real data's harmless quirks, deterministically from a seed.
package generate

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"catalog"
	"catalog/csv"
)

// DefaultProducts is the size of the real dataset.
const DefaultProducts = 1_000_011

// Options choose the dataset.
type Options struct {
	Products int
	Seed     uint64
	// Workers render chunks in parallel; 0 means one per CPU.
	Workers int
	// Progress, if set, is told the products written so far.
	Progress func(products int)
}

// Counts are the rows written per file.
type Counts struct {
	Products, Features, Styles, Photos, SKUs, Related           int64
	Reviews, ReviewPhotos, Characteristics, CharacteristicVotes int64
	Questions, Answers, AnswerPhotos                            int64
}

// add returns the sum of c and d, file by file.
func (c Counts) add(d Counts) Counts {
	return Counts{
		c.Products + d.Products, c.Features + d.Features, c.Styles + d.Styles, c.Photos + d.Photos,
		c.SKUs + d.SKUs, c.Related + d.Related, c.Reviews + d.Reviews, c.ReviewPhotos + d.ReviewPhotos,
		c.Characteristics + d.Characteristics, c.CharacteristicVotes + d.CharacteristicVotes,
		c.Questions + d.Questions, c.Answers + d.Answers, c.AnswerPhotos + d.AnswerPhotos,
	}
}

// chunkSize is how many products one chunk holds: a chunk is generated from
// its own random streams, so chunks are made in parallel yet the output
// depends only on the seed.
const chunkSize = 1000

// Write writes product.csv, features.csv, styles.csv, photos.csv, skus.csv,
// related.csv, the review files reviews.csv, reviews_photos.csv,
// characteristics.csv and characteristic_reviews.csv, and the Q&A files
// questions.csv, answers.csv and answers_photos.csv into dir (created if
// need be). Every file's rows are grouped by product, in product order.
func Write(ctx context.Context, dir string, opts Options) (Counts, error) {
	if opts.Products < 1 || opts.Products > catalog.MaxID {
		return Counts{}, fmt.Errorf("products must be from 1 to %d", catalog.MaxID)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Counts{}, err
	}
	g := newGenerator(opts)
	// First pass: how many rows each chunk has, hence where its ids start
	// (after the rows of the chunks before it).
	counts := g.countChunks(opts.Workers)
	starts := make([]Counts, g.chunks+1)
	for k, c := range counts {
		starts[k+1] = starts[k].add(c)
	}
	out, err := createFiles(dir)
	if err != nil {
		return Counts{}, err
	}
	defer out.close()

	// Second pass: workers render chunks; this goroutine writes them in order.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slots := make([]chan *[nfiles][]byte, g.chunks)
	for k := range slots {
		slots[k] = make(chan *[nfiles][]byte, 1)
	}
	jobs := make(chan int)
	inFlight := make(chan struct{}, 2*opts.Workers)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				slots[k] <- g.renderChunk(k, starts[k])
			}
		}()
	}
	go func() {
		defer close(jobs)
		for k := range g.chunks {
			select {
			case inFlight <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer wg.Wait()
	for k := range g.chunks {
		var bufs *[nfiles][]byte
		select {
		case bufs = <-slots[k]:
		case <-ctx.Done():
			return Counts{}, ctx.Err()
		}
		<-inFlight
		if err := out.write(bufs); err != nil {
			cancel()
			return Counts{}, err
		}
		if opts.Progress != nil {
			opts.Progress(min((k+1)*chunkSize, opts.Products))
		}
	}
	if err := out.close(); err != nil {
		return Counts{}, err
	}
	return starts[g.chunks], nil
}

const nfiles = 13

const (
	fileProducts = iota
	fileFeatures
	fileStyles
	filePhotos
	fileSKUs
	fileRelated
	fileReviews
	fileReviewPhotos
	fileCharacteristics
	fileVotes
	fileQuestions
	fileAnswers
	fileAnswerPhotos
)

var fileNames = [nfiles]string{csv.Products.File, csv.Features.File, csv.Styles.File, csv.Photos.File, csv.SKUs.File, csv.Related.File,
	csv.Reviews.File, csv.ReviewPhotos.File, csv.Characteristics.File, csv.CharacteristicVotes.File,
	csv.Questions.File, csv.Answers.File, csv.AnswerPhotos.File}

var headers = [nfiles]string{csv.Products.Header(), csv.Features.Header(), csv.Styles.Header(), csv.Photos.Header(), csv.SKUs.Header(), csv.Related.Header(),
	csv.Reviews.Header(), csv.ReviewPhotos.Header(), csv.Characteristics.Header(), csv.CharacteristicVotes.Header(),
	csv.Questions.Header(), csv.Answers.Header(), csv.AnswerPhotos.Header()}

type files struct {
	f      [nfiles]*os.File
	w      [nfiles]*bufio.Writer
	closed bool
}

func createFiles(dir string) (*files, error) {
	out := &files{}
	for i, name := range fileNames {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			out.close()
			return nil, err
		}
		out.f[i], out.w[i] = f, bufio.NewWriterSize(f, 1<<20)
		if _, err := out.w[i].WriteString(headers[i]); err != nil {
			out.close()
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	return out, nil
}

func (o *files) write(bufs *[nfiles][]byte) error {
	for i, b := range bufs {
		if _, err := o.w[i].Write(b); err != nil {
			return fmt.Errorf("write %s: %w", fileNames[i], err)
		}
	}
	return nil
}

// close flushes and closes the files, reporting the first error: a full disk
// shows here if not before.
func (o *files) close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	var first error
	for i, f := range o.f {
		if f == nil {
			continue
		}
		if err := o.w[i].Flush(); err != nil && first == nil {
			first = fmt.Errorf("write %s: %w", fileNames[i], err)
		}
		if err := f.Close(); err != nil && first == nil {
			first = fmt.Errorf("close %s: %w", fileNames[i], err)
		}
	}
	return first
}

// generator holds what every chunk shares: the options and the text pools.
type generator struct {
	opts   Options
	chunks int
	pools  pools
}

func newGenerator(opts Options) *generator {
	return &generator{
		opts:   opts,
		chunks: (opts.Products + chunkSize - 1) / chunkSize,
		pools:  newPools(opts.Seed),
	}
}

// streams returns chunk k's two random streams: shape draws the row counts
// (and the categories, on which the characteristics depend), which both
// passes draw alike; content draws everything else.
func (g *generator) streams(k int) (shape, content *rand.Rand) {
	shape = rand.New(rand.NewPCG(g.opts.Seed, uint64(k)<<1))
	content = rand.New(rand.NewPCG(g.opts.Seed, uint64(k)<<1|1))
	return shape, content
}

// chunkProducts returns the first product id of chunk k and how many it has.
func (g *generator) chunkProducts(k int) (first int64, n int) {
	first = int64(k)*chunkSize + 1
	n = min(chunkSize, g.opts.Products-k*chunkSize)
	return first, n
}

// productShape is what the shape stream decides for one product: its
// category too, since the characteristics depend on it.
type productShape struct {
	styles, features, related int
	category                  int
	characteristics           []string
	reviews                   int
}

// drawProduct draws a product's row counts; drawStyle a style's.
func drawProduct(r *rand.Rand) productShape {
	p := productShape{
		styles:   pick(r, stylesPerProduct),
		features: pick(r, featuresPerProduct),
		related:  2 + r.IntN(6), // 2 to 7: 4.5 on average
		category: r.IntN(len(categories)),
	}
	p.characteristics = categories[p.category].characteristics.draw(r)
	p.reviews = drawReviews(r)
	return p
}

func drawStyle(r *rand.Rand) (photos, skus int) {
	return pick(r, photosPerStyle), pick(r, skusPerStyle)
}

// Distributions of row counts, as weights of 0, 1, 2, …, tuned to the real
// dataset's averages: 1.96 styles, 2.22 features per product; 2.9 photos,
// 5.8 SKUs per style.
var (
	stylesPerProduct   = []int{2, 43, 31, 13, 6, 3, 2}
	featuresPerProduct = []int{6, 26, 30, 21, 12, 5}
	photosPerStyle     = []int{3, 15, 20, 25, 22, 15}
	skusPerStyle       = []int{2, 0, 0, 0, 4, 6, 80, 8}
)

// pick draws an index with probability proportional to its weight.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// countChunks returns every chunk's rows, counted by workers in parallel.
func (g *generator) countChunks(workers int) []Counts {
	counts := make([]Counts, g.chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < g.chunks; k = int(next.Add(1) - 1) {
				counts[k] = g.countChunk(k)
			}
		})
	}
	wg.Wait()
	return counts
}

func (g *generator) countChunk(k int) Counts {
	shape, _ := g.streams(k)
	qaShape, _ := g.qaStreams(k)
	_, n := g.chunkProducts(k)
	var c Counts
	for range n {
		p := drawProduct(shape)
		c.Products++
		c.Features += int64(p.features)
		c.Related += int64(p.related)
		c.Styles += int64(p.styles)
		for range p.styles {
			photos, skus := drawStyle(shape)
			c.Photos += int64(photos)
			c.SKUs += int64(skus)
		}
		countReviews(shape, p, &c)
		countQA(qaShape, &c)
	}
	return c
}

// renderChunk writes chunk k's rows of every file.
func (g *generator) renderChunk(k int, at Counts) *[nfiles][]byte {
	shape, r := g.streams(k)
	qaShape, qaR := g.qaStreams(k)
	first, n := g.chunkProducts(k)
	var bufs [nfiles][]byte
	bufs[fileProducts] = make([]byte, 0, n*300)
	bufs[fileFeatures] = make([]byte, 0, n*100)
	bufs[fileStyles] = make([]byte, 0, n*120)
	bufs[filePhotos] = make([]byte, 0, n*800)
	bufs[fileSKUs] = make([]byte, 0, n*150)
	bufs[fileRelated] = make([]byte, 0, n*100)
	bufs[fileReviews] = make([]byte, 0, n*2600)
	bufs[fileReviewPhotos] = make([]byte, 0, n*450)
	bufs[fileCharacteristics] = make([]byte, 0, n*90)
	bufs[fileVotes] = make([]byte, 0, n*560)
	bufs[fileQuestions] = make([]byte, 0, n*420)
	bufs[fileAnswers] = make([]byte, 0, n*880)
	bufs[fileAnswerPhotos] = make([]byte, 0, n*360)
	var rs reviewState
	var qs qaState
	for i := range n {
		id := first + int64(i)
		ps := drawProduct(shape)
		cat := &categories[ps.category]
		product := g.pools.product(r, id, ps.category)
		bufs[fileProducts] = csv.Products.Append(bufs[fileProducts], product)

		// A product's features are its kind's, each once: from a drawn one on.
		first := r.IntN(len(cat.features))
		for j := range ps.features {
			at.Features++
			kind := &cat.features[(first+j)%len(cat.features)]
			bufs[fileFeatures] = csv.Features.Append(bufs[fileFeatures], g.pools.feature(r, at.Features, id, kind))
		}

		defaultStyle := -1
		if ps.styles > 0 && r.IntN(100) >= 8 { // a few products have no default style
			defaultStyle = 0
			if r.IntN(4) == 0 {
				defaultStyle = r.IntN(ps.styles)
			}
		}
		for s := range ps.styles {
			at.Styles++
			style := g.pools.style(r, at.Styles, id, product.DefaultPrice, s == defaultStyle)
			bufs[fileStyles] = csv.Styles.Append(bufs[fileStyles], style)
			photos, skus := drawStyle(shape)
			for range photos {
				at.Photos++
				bufs[filePhotos] = csv.Photos.Append(bufs[filePhotos], g.pools.photo(r, at.Photos, at.Styles))
			}
			sizes := clothingSizes
			if cat.shoes {
				sizes = shoeSizes
			}
			start := 0
			if skus < len(sizes) {
				start = r.IntN(len(sizes) - skus + 1)
			}
			for j := range skus {
				at.SKUs++
				size := sizes[min(start+j, len(sizes)-1)] // past the last size: a duplicate, as in the real data
				bufs[fileSKUs] = csv.SKUs.Append(bufs[fileSKUs], catalog.SKU{
					ID: at.SKUs, StyleID: at.Styles, Size: size, Quantity: quantity(r),
				})
			}
		}

		prev := int64(0)
		for range ps.related {
			at.Related++
			var target int64
			switch x := r.IntN(200); {
			case x == 0:
				target = id // a self-reference
			case x <= 2 && prev != 0:
				target = prev // a duplicate
			default:
				target = 1 + r.Int64N(int64(g.opts.Products))
			}
			prev = target
			bufs[fileRelated] = csv.Related.Append(bufs[fileRelated], catalog.Related{ID: at.Related, ProductID: id, RelatedID: target})
		}
		g.renderReviews(shape, r, &rs, &bufs, &at, &product, ps)
		g.renderQA(qaShape, qaR, &qs, &bufs, &at, &product, ps)
	}
	return &bufs
}

// quantity draws a stock level: a few SKUs are sold out.
func quantity(r *rand.Rand) int64 {
	if r.IntN(100) < 3 {
		return 0
	}
	return 1 + r.Int64N(60)
}

// pools are text fragments made once from the seed and drawn from for every
// row, so rows cost no text building.
type pools struct {
	names        [][][]string // by category, noun, then adjective
	slogans      [][]string   // by category, then pick
	descriptions [][][]string // by category, noun, then pick
	styleNames   []string
	photos       []catalog.Photo
	reviewPools
	qaPools
}

func newPools(seed uint64) pools {
	r := rand.New(rand.NewPCG(seed, 1<<62))
	var p pools
	for i := range categories {
		c := &categories[i]
		var names, descs [][]string
		for _, noun := range c.nouns {
			var byAdjective, about []string
			for _, adj := range adjectives {
				byAdjective = append(byAdjective, adj+" "+noun)
			}
			for range 50 {
				about = append(about, description(r, c, noun))
			}
			names = append(names, byAdjective)
			descs = append(descs, about)
		}
		var slogans []string
		for range 60 {
			slogans = append(slogans, oneOf(r, c.slogans)+oneOf(r, sloganEnds))
		}
		p.names = append(p.names, names)
		p.slogans = append(p.slogans, slogans)
		p.descriptions = append(p.descriptions, descs)
	}
	for _, c := range colours {
		for _, pat := range patterns {
			p.styleNames = append(p.styleNames, c+pat)
		}
	}
	for range 2000 {
		photo := unsplash(r)
		p.photos = append(p.photos, catalog.Photo{
			URL:          catalog.Some(photo + "&w=" + photoWidths[r.IntN(len(photoWidths))] + "&q=80"),
			ThumbnailURL: catalog.Some(photo + "&w=300&q=80"),
		})
	}
	p.reviewPools = newReviewPools(seed)
	p.qaPools = newQAPools(seed)
	return p
}

// description draws one to three sentences of a kind, each once, about
// one of its nouns.
func description(r *rand.Rand, c *category, noun string) string {
	pool := append(slices.Clip(c.sentences), sharedSentences...)
	var b strings.Builder
	for j, i := range r.Perm(len(pool))[:1+r.IntN(3)] {
		if j > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, pool[i], strings.ToLower(noun))
	}
	return b.String()
}

// unsplash draws an Unsplash photo's URL, without its width and quality,
// in the real files' style.
func unsplash(r *rand.Rand) string {
	return "https://images.unsplash.com/photo-" + strconv.FormatInt(1_400_000_000_000+r.Int64N(200_000_000_000), 10) +
		"-" + strconv.FormatUint(r.Uint64()&(1<<48-1)|1<<44, 16) + "?ixlib=rb-1.2.1&ixid=eyJhcHBfaWQiOjEyMDd9&auto=format&fit=crop"
}

func (p *pools) product(r *rand.Rand, id int64, ci int) catalog.Product {
	price := catalog.Cents(5+r.IntN(60)) * 500 // $25 to $320 in $5 steps
	if r.IntN(50) == 0 {
		price = catalog.Cents(1+r.IntN(5000)) * 100
	}
	// The name and the description are of one noun: a sundress is not
	// described as a romper.
	noun := r.IntN(len(categories[ci].nouns))
	return catalog.Product{
		ID:           id,
		Name:         oneOf(r, p.names[ci][noun]),
		Slogan:       catalog.Some(oneOf(r, p.slogans[ci])),
		Description:  catalog.Some(oneOf(r, p.descriptions[ci][noun])),
		Category:     catalog.Some(categories[ci].name),
		DefaultPrice: price,
	}
}

func (p *pools) feature(r *rand.Rand, id, productID int64, kind *featureKind) catalog.Feature {
	f := catalog.Feature{ID: id, ProductID: productID, Name: kind.name}
	if len(kind.values) > 0 {
		f.Value = catalog.Some(kind.values[r.IntN(len(kind.values))])
	}
	return f
}

func (p *pools) style(r *rand.Rand, id, productID int64, price catalog.Cents, isDefault bool) catalog.Style {
	s := catalog.Style{ID: id, ProductID: productID, Name: p.styleNames[r.IntN(len(p.styleNames))], OriginalPrice: price, Default: isDefault}
	if r.IntN(5) == 0 { // some styles cost more or less than the product's default
		s.OriginalPrice = max(100, price+catalog.Cents(r.IntN(11)-5)*500)
	}
	if r.IntN(10) == 0 { // one style in ten is on sale, at 50-89% in whole units
		if sale := s.OriginalPrice * catalog.Cents(50+r.IntN(40)) / 100 / 100 * 100; sale > 0 {
			s.SalePrice = catalog.Some(sale)
		}
	}
	return s
}

func (p *pools) photo(r *rand.Rand, id, styleID int64) catalog.Photo {
	ph := p.photos[r.IntN(len(p.photos))]
	ph.ID, ph.StyleID = id, styleID
	return ph
}
