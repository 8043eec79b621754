package csv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"catalog"
)

// Options tune an import.
type Options struct {
	// Rejects receives one JSON line per rejected record:
	// {"file","line","reason","record"}. Nil discards them (they are still
	// counted).
	Rejects io.Writer
	// Progress, if set, is told how far each file has been read.
	Progress Progress
}

// Progress follows an import file by file.
type Progress interface {
	// StartFile is called as a file's import begins, with its size in bytes.
	StartFile(name string, size int64) FileProgress
}

// FileProgress follows one file.
type FileProgress interface {
	// Read is told each run of bytes read.
	Read(n int)
	// Rows is told how many more records were accepted (handed to the
	// store) and rejected, after each batch and at the end.
	Rows(accepted, rejected int64)
	// Done is called when the file is finished, or abandoned.
	Done()
}

// Report accounts for every line of every file of an import.
type Report struct {
	Files []FileReport
}

// Rejected returns the number of records rejected in all files.
func (r *Report) Rejected() int64 {
	var n int64
	for _, f := range r.Files {
		n += f.Rejected
	}
	return n
}

// FileReport accounts for every physical line of one file:
// Lines = HeaderLines + BlankLines + LoadedLines + RejectedLines.
type FileReport struct {
	File string
	// Absent reports an optional file that was not there.
	Absent bool
	Lines  int64
	// HeaderLines is 1 when the file has a header line, else 0.
	HeaderLines int64
	BlankLines  int64
	// Loaded and Rejected count records; a record spans LoadedLines /
	// RejectedLines physical lines.
	Loaded, LoadedLines     int64
	Rejected, RejectedLines int64
	// Repaired counts loaded records that needed a repair.
	Repaired int64
	// Notes tell what was repaired in the file as a whole: its header, byte
	// order mark, line ends.
	Notes []string
	// Repairs lists the first MaxRepairNotes repaired records.
	Repairs []RepairNote
}

// Balanced reports whether every line is accounted for.
func (f *FileReport) Balanced() bool {
	return f.Lines == f.HeaderLines+f.BlankLines+f.LoadedLines+f.RejectedLines
}

// RepairNote says what was repaired in a record.
type RepairNote struct {
	Line  int
	Lines int
	What  string
}

// MaxRepairNotes bounds FileReport.Repairs.
const MaxRepairNotes = 100

// batchSize is how many rows go to the store at once.
const batchSize = 2048

// Import reads a dataset directory (product.csv, features.csv, styles.csv,
// photos.csv, skus.csv, related.csv, if present cart.csv, the review files
// reviews.csv, reviews_photos.csv, characteristics.csv and
// characteristic_reviews.csv, all four or none, and the Q&A files
// questions.csv, answers.csv and answers_photos.csv, all three or none)
// into a new catalog of dst and makes it live. Without the review files or
// the Q&A files it loads the rest, and the report says so. A record that
// cannot be loaded, because it is malformed, duplicates an earlier id or
// refers to a row that does not exist, is rejected: reported to
// opts.Rejects and counted, and the import goes on. Import fails, leaving
// the old catalog in place, only when a file is missing or unreadable, a
// header cannot be understood, or the store fails.
func Import(ctx context.Context, dir string, dst catalog.Loader, opts Options) (*Report, error) {
	for _, name := range []string{Products.File, Features.File, Styles.File, Photos.File, SKUs.File, Related.File} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", dir, err)
		}
	}
	absent, err := absentFiles(dir)
	if err != nil {
		return nil, err
	}
	load, err := dst.BeginLoad(ctx)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = load.Rollback()
		}
	}()
	im := &importer{dir: dir, opts: opts, rejects: &rejectWriter{w: opts.Rejects}}
	var features, photos, related, cart idSet
	var rc *reviewChecks // about 2 MiB of page tables: only for review files
	if !absent[Reviews.File] {
		rc = &reviewChecks{products: &im.products}
	}
	var qc *qaChecks // and these only for Q&A files
	if !absent[Questions.File] {
		qc = &qaChecks{products: &im.products}
	}
	// Parents before children: a child's reference is checked against the
	// ids its parent file loaded.
	steps := []struct {
		file string
		run  func() (FileReport, error)
	}{
		{Products.File, func() (FileReport, error) {
			return importFile(ctx, im, Products, load.AddProducts, func(r catalog.Product) error {
				return unique(&im.products, r.ID)
			})
		}},
		{Styles.File, func() (FileReport, error) {
			return importFile(ctx, im, Styles, load.AddStyles, func(r catalog.Style) error {
				return checked(refers(&im.products, "product", r.ProductID), &im.styles, r.ID)
			})
		}},
		{Features.File, func() (FileReport, error) {
			return importFile(ctx, im, Features, load.AddFeatures, func(r catalog.Feature) error {
				return checked(refers(&im.products, "product", r.ProductID), &features, r.ID)
			})
		}},
		{Photos.File, func() (FileReport, error) {
			return importFile(ctx, im, Photos, load.AddPhotos, func(r catalog.Photo) error {
				return checked(refers(&im.styles, "style", r.StyleID), &photos, r.ID)
			})
		}},
		{SKUs.File, func() (FileReport, error) {
			return importFile(ctx, im, SKUs, load.AddSKUs, func(r catalog.SKU) error {
				return checked(refers(&im.styles, "style", r.StyleID), &im.skus, r.ID)
			})
		}},
		{Related.File, func() (FileReport, error) {
			return importFile(ctx, im, Related, load.AddRelated, func(r catalog.Related) error {
				if err := refers(&im.products, "product", r.ProductID); err != nil {
					return err
				}
				return checked(refers(&im.products, "related product", r.RelatedID), &related, r.ID)
			})
		}},
		{CartLines.File, func() (FileReport, error) {
			return importFile(ctx, im, CartLines, load.AddCartLines, func(r catalog.CartLine) error {
				return checked(refers(&im.skus, "sku", r.SKUID), &cart, r.ID)
			})
		}},
		{Reviews.File, func() (FileReport, error) {
			return importFile(ctx, im, Reviews, load.AddReviews, rc.checkReview)
		}},
		{ReviewPhotos.File, func() (FileReport, error) {
			return importFile(ctx, im, ReviewPhotos, load.AddReviewPhotos, rc.checkPhoto)
		}},
		{Characteristics.File, func() (FileReport, error) {
			return importFile(ctx, im, Characteristics, load.AddCharacteristics, rc.checkCharacteristic)
		}},
		{CharacteristicVotes.File, func() (FileReport, error) {
			return importFile(ctx, im, CharacteristicVotes, load.AddCharacteristicVotes, rc.checkVote)
		}},
		{Questions.File, func() (FileReport, error) {
			return importFile(ctx, im, Questions, load.AddQuestions, qc.checkQuestion)
		}},
		{Answers.File, func() (FileReport, error) {
			return importFile(ctx, im, Answers, load.AddAnswers, qc.checkAnswer)
		}},
		{AnswerPhotos.File, func() (FileReport, error) {
			return importFile(ctx, im, AnswerPhotos, load.AddAnswerPhotos, qc.checkPhoto)
		}},
	}
	notes := absentNotes(absent)
	rep := &Report{}
	for _, step := range steps {
		if absent[step.file] {
			rep.Files = append(rep.Files, FileReport{File: step.file, Absent: true, Notes: notes[step.file]})
			continue
		}
		fr, err := step.run()
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, fr)
		if step.file == Products.File && fr.Loaded == 0 {
			// A truncated or failed copy of the files must not empty the
			// catalog being served.
			return nil, fmt.Errorf("%s: no product could be loaded (%d rejected): the catalog being served stays", Products.File, fr.Rejected)
		}
	}
	if err := im.rejects.err; err != nil {
		return nil, fmt.Errorf("write rejects: %w", err)
	}
	if err := load.Commit(ctx); err != nil {
		return nil, err
	}
	committed = true
	return rep, nil
}

// fileGroup is a group of optional files that come together: a dataset
// has all of them or none.
type fileGroup struct {
	name  string   // the group's, in messages
	files []string // parents first
	count string   // how many, in words
	rows  string   // what they hold
}

// fileGroups are the dataset's groups of optional files.
var fileGroups = []fileGroup{
	{"review", reviewFiles, "four", "reviews"},
	{"Q&A", qaFiles, "three", "questions"},
}

// absentFiles returns which optional files dir lacks: cart.csv, and the
// files of the groups, each group all there or all absent.
func absentFiles(dir string) (map[string]bool, error) {
	absent := map[string]bool{}
	names := []string{CartLines.File}
	for _, g := range fileGroups {
		names = append(names, g.files...)
	}
	for _, name := range names {
		_, err := os.Stat(filepath.Join(dir, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			absent[name] = true
		case err != nil:
			return nil, fmt.Errorf("dataset %s: %w", dir, err)
		}
	}
	for _, g := range fileGroups {
		if err := g.whole(absent); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", dir, err)
		}
	}
	return absent, nil
}

// whole fails unless the group's files are all absent or none.
func (g fileGroup) whole(absent map[string]bool) error {
	var missing []string
	for _, name := range g.files {
		if absent[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 && len(missing) < len(g.files) {
		return fmt.Errorf("%s missing: the %s files %s come all %s or none",
			strings.Join(missing, ", "), g.name, strings.Join(g.files, ", "), g.count)
	}
	return nil
}

// absentNotes returns, for the first file of each absent group, the note
// on its report telling what the load made live without the group.
func absentNotes(absent map[string]bool) map[string][]string {
	var loaded []string
	for _, g := range fileGroups {
		if !absent[g.files[0]] {
			loaded = append(loaded, g.rows)
		}
	}
	what := "products only were loaded"
	if len(loaded) > 0 {
		what = "products and " + strings.Join(loaded, " and ") + " were loaded"
	}
	notes := map[string][]string{}
	for _, g := range fileGroups {
		if absent[g.files[0]] {
			notes[g.files[0]] = []string{fmt.Sprintf("absent, as are %s: %s; the new catalog has no %s",
				strings.Join(g.files[1:], ", "), what, g.rows)}
		}
	}
	return notes
}

type importer struct {
	dir                    string
	opts                   Options
	rejects                *rejectWriter
	products, styles, skus idSet
}

// checked returns err, or else records id as the file's with unique: the
// id of a row is taken only once every other check of it has passed.
func checked(err error, ids *idSet, id int64) error {
	if err != nil {
		return err
	}
	return unique(ids, id)
}

// unique adds id to the ids of a file, or says it is a duplicate.
func unique(ids *idSet, id int64) error {
	if !ids.add(id) {
		return duplicate(id)
	}
	return nil
}

// duplicate is the error of a row whose id an earlier row of its file has.
func duplicate(id int64) error { return fmt.Errorf("duplicate id %d: an earlier row has it", id) }

// refers checks a reference to a parent row, among the ids of a file.
func refers(ids interface{ has(int64) bool }, what string, id int64) error {
	if !ids.has(id) {
		return fmt.Errorf("orphan: %s %d does not exist", what, id)
	}
	return nil
}

// importFile decodes and checks one file in one goroutine while the caller's
// goroutine writes the rows to the store.
func importFile[T any](ctx context.Context, im *importer, t *Table[T], add func(context.Context, []T) error, check func(T) error) (FileReport, error) {
	return importChecked(ctx, im, t, add, checker[T]{check: check})
}

// checker decides whether a row is loaded: check says why not. prepare,
// when set, is given each batch of parsed rows before they are checked, in
// order: to look up at once, say, what the checks will ask a store.
type checker[T any] struct {
	prepare func(ctx context.Context, rows []T) error
	check   func(T) error
}

// importChecked is importFile with a checker.
func importChecked[T any](ctx context.Context, im *importer, t *Table[T], add func(context.Context, []T) error, c checker[T]) (FileReport, error) {
	path := filepath.Join(im.dir, t.File)
	f, err := os.Open(path)
	if err != nil {
		return FileReport{}, err
	}
	defer f.Close()
	var in io.Reader = f
	var fp FileProgress = noProgress{}
	if im.opts.Progress != nil {
		st, err := f.Stat()
		if err != nil {
			return FileReport{}, err
		}
		fp = im.opts.Progress.StartFile(t.File, st.Size())
		defer fp.Done()
		in = &progressReader{r: f, p: fp}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []T, 4)
	free := make(chan []T, 6)
	var (
		fr      FileReport
		readErr error
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(batches)
		fr, readErr = decodeFile(ctx, im, t, in, fp, c, batches, free)
	}()
	var writeErr error
	for b := range batches {
		if writeErr == nil {
			if writeErr = add(ctx, b); writeErr != nil {
				cancel()
			}
		}
		select {
		case free <- b[:0]:
		default:
		}
	}
	wg.Wait()
	if writeErr != nil {
		return FileReport{}, fmt.Errorf("load %s: %w", t.File, writeErr)
	}
	if readErr != nil {
		return FileReport{}, fmt.Errorf("%s: %w", path, readErr)
	}
	return fr, nil
}

// decodeFile reads a file's records, sends the good rows in batches and
// rejects the others, accounting for every line.
func decodeFile[T any](ctx context.Context, im *importer, t *Table[T], r io.Reader, fp FileProgress, c checker[T], out chan<- []T, free <-chan []T) (FileReport, error) {
	fr := FileReport{File: t.File}
	// The field count is known once the header has been read.
	dec := NewDecoder(r, 0, t.lead)
	var (
		at      []int // where each column is in a record; nil until the header is read
		fields  = make([]field, len(t.Columns))
		batch   = make([]T, 0, batchSize)
		started = false
	)
	// fp is told of records as they are handed to the store (sent) or
	// rejected; a batch left unsent by an abort is neither.
	var toldRejected int64
	tell := func(sent int) {
		fp.Rows(int64(sent), fr.Rejected-toldRejected)
		toldRejected = fr.Rejected
	}
	defer tell(0)
	send := func() error {
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		tell(len(batch))
		select {
		case batch = <-free:
		default:
			batch = make([]T, 0, batchSize)
		}
		return nil
	}
	reject := func(rec Record, reason string) {
		fr.Rejected++
		fr.RejectedLines += int64(rec.Lines)
		im.rejects.write(t.File, rec.Line, reason, rec.Raw)
	}
	// accept checks a parsed row, and loads or rejects it.
	accept := func(row T, rec Record, repaired Repair) error {
		if err := c.check(row); err != nil {
			reject(rec, err.Error())
			return nil
		}
		fr.Loaded++
		fr.LoadedLines += int64(rec.Lines)
		if repaired |= rec.Repaired; repaired != 0 {
			fr.Repaired++
			if len(fr.Repairs) < MaxRepairNotes {
				fr.Repairs = append(fr.Repairs, RepairNote{Line: rec.Line, Lines: rec.Lines, What: repaired.String()})
			}
		}
		batch = append(batch, row)
		if len(batch) == cap(batch) {
			return send()
		}
		return nil
	}
	// With a prepare, parsed rows wait in pending, their records copied
	// (the decoder reuses its buffers), until a batch of them is prepared.
	type parsed struct {
		row      T
		rec      Record
		repaired Repair
		err      error // why it could not be parsed: rejected in its turn
	}
	var pending []parsed
	flushPending := func() error {
		if len(pending) == 0 {
			return nil
		}
		rows := make([]T, 0, len(pending))
		for _, p := range pending {
			if p.err == nil {
				rows = append(rows, p.row)
			}
		}
		if err := c.prepare(ctx, rows); err != nil {
			return err
		}
		for _, p := range pending {
			if p.err != nil {
				reject(p.rec, p.err.Error())
				continue
			}
			if err := accept(p.row, p.rec, p.repaired); err != nil {
				return err
			}
		}
		pending = pending[:0]
		return nil
	}
	for {
		rec, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fr, err
		}
		if rec.Blank {
			fr.BlankLines++
			continue
		}
		if !started {
			started = true
			if rec.Err != nil {
				if !startsWithID(rec.Raw) {
					return fr, fmt.Errorf("line %d: cannot read the header: %v", rec.Line, rec.Err)
				}
				// A malformed first row of a file without a header.
				fr.Notes = append(fr.Notes, "no header line: line 1 is read as data, in the columns "+strings.Join(t.Columns, ","))
				dec.SetFields(len(t.Columns))
				at = make([]int, len(t.Columns))
				for i := range at {
					at[i] = i
				}
				reject(rec, rec.Err.Error())
				continue
			}
			var notes []string
			var isHeader bool
			at, notes, isHeader, err = t.headerOf(rec.Fields)
			if err != nil {
				return fr, fmt.Errorf("line %d: %v", rec.Line, err)
			}
			fr.Notes = append(fr.Notes, notes...)
			if isHeader {
				dec.SetFields(len(rec.Fields))
				fr.HeaderLines = int64(rec.Lines)
				continue
			}
			dec.SetFields(len(t.Columns))
			if len(rec.Fields) != len(t.Columns) {
				reject(rec, fmt.Sprintf("has %d fields, want %d", len(rec.Fields), len(t.Columns)))
				continue
			}
		}
		var (
			row      T
			repaired Repair
		)
		err = rec.Err
		if err == nil {
			for i, j := range at {
				fields[i] = field{s: rec.Fields[j], quoted: rec.Quoted[j]}
			}
			row, repaired, err = t.parseFields(fields)
		}
		if c.prepare == nil {
			if err != nil {
				reject(rec, err.Error())
			} else if err := accept(row, rec, repaired); err != nil {
				return fr, err
			}
			continue
		}
		rec.Raw, rec.Fields, rec.Quoted = bytes.Clone(rec.Raw), nil, nil
		pending = append(pending, parsed{row, rec, repaired, err})
		if len(pending) == batchSize {
			if err := flushPending(); err != nil {
				return fr, err
			}
		}
	}
	if err := flushPending(); err != nil {
		return fr, err
	}
	if len(batch) > 0 {
		if err := send(); err != nil {
			return fr, err
		}
	}
	if !started {
		return fr, fmt.Errorf("the file is empty: not even a header line")
	}
	if dec.SawBOM() {
		fr.Notes = append(fr.Notes, "dropped a UTF-8 byte order mark")
	}
	if dec.SawCRLF() {
		fr.Notes = append(fr.Notes, "read CR LF line ends")
	}
	fr.Lines = int64(dec.Lines())
	if !fr.Balanced() {
		return fr, fmt.Errorf("bug: %d lines read but %d accounted for", fr.Lines, fr.HeaderLines+fr.BlankLines+fr.LoadedLines+fr.RejectedLines)
	}
	return fr, ctx.Err()
}

// startsWithID reports whether a line begins with an id and a comma, as a
// data row of every file does.
func startsWithID(line []byte) bool {
	i := bytes.IndexByte(line, ',')
	if i < 0 {
		return false
	}
	_, ok := catalog.ParseID(string(bytes.TrimSpace(line[:i])))
	return ok
}

// MaxRejectRecordBytes bounds the record text written to the rejects file.
const MaxRejectRecordBytes = 64 << 10

// rejectWriter writes rejects as JSON lines and keeps the first error.
type rejectWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

type rejectLine struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Record string `json:"record"`
}

func (r *rejectWriter) write(file string, line int, reason string, raw []byte) {
	if r.w == nil {
		return
	}
	if len(raw) > MaxRejectRecordBytes {
		raw = raw[:MaxRejectRecordBytes]
	}
	b, err := json.Marshal(rejectLine{File: file, Line: line, Reason: reason, Record: string(raw)})
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		_, r.err = r.w.Write(append(b, '\n'))
	}
}

// noProgress follows nothing.
type noProgress struct{}

func (noProgress) Read(int)          {}
func (noProgress) Rows(int64, int64) {}
func (noProgress) Done()             {}

type progressReader struct {
	r io.Reader
	p FileProgress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.p.Read(n)
	return n, err
}
