// Package csv reads and writes the dataset's CSV files: a decoder that keeps
// every physical line accounted for and repairs known defects by rule, the
// row formats of the dataset's files, and the import that feeds a store.
package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"catalog"
)

// Repair is a set of defects the decoder repaired in a record.
type Repair uint8

// The defects the decoder repairs.
const (
	// RepairUnterminatedQuote: a quoted last field had no closing quote at
	// the end of its line, and the next line starts a new record (or there is
	// none); the field was closed at the end of the line.
	RepairUnterminatedQuote Repair = 1 << iota
	// RepairSpaceAroundQuotes: spaces before an opening or after a closing
	// quote were dropped.
	RepairSpaceAroundQuotes
	// RepairSpaceAroundNumber: spaces around a number were dropped.
	RepairSpaceAroundNumber
)

// String describes the repairs in words.
func (r Repair) String() string {
	var parts []string
	if r&RepairUnterminatedQuote != 0 {
		parts = append(parts, "closed a quoted field left unterminated at the end of the line")
	}
	if r&RepairSpaceAroundQuotes != 0 {
		parts = append(parts, "dropped spaces around quotes")
	}
	if r&RepairSpaceAroundNumber != 0 {
		parts = append(parts, "dropped spaces around a number")
	}
	if len(parts) == 0 {
		return "none"
	}
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// Record is one logical record: one physical line, or several when a quoted
// field holds line breaks.
type Record struct {
	// Fields holds the record's fields; Quoted tells which were quoted. Both
	// are valid until the next call of Next. Nil when Err is set.
	Fields []string
	Quoted []bool
	// Line is the record's first physical line, counting from 1; Lines is
	// how many physical lines it spans.
	Line  int
	Lines int
	// Raw is the record's text as in the file, its lines joined by "\n"
	// (cut at MaxRecordBytes). Valid until the next call of Next.
	Raw []byte
	// Blank reports an empty line: no fields, nothing to load.
	Blank bool
	// Err says why the record cannot be read; the record is to be rejected.
	Err error
	// Repaired lists the defects repaired in the record.
	Repaired Repair
}

// Default limits of a record; a quoted field that would run past them is
// taken as unterminated. The line limit also bounds the work of re-reading
// lines after a rejected first line: at most that many times the input.
const (
	DefaultMaxRecordBytes = 1 << 20
	DefaultMaxRecordLines = 100
)

const bom = "\xef\xbb\xbf"

// Decoder reads the records of a CSV file (RFC 4180, as the dataset writes
// it) and accounts for every physical line: each ends up in exactly one
// record, loaded or rejected, or in a blank record.
//
// Its rule for a quoted field that reaches the end of a line: the field goes
// on to the next line, as RFC 4180 says, unless it is the record's last field
// and the next line is itself a well-formed record of the file (its leading
// fields are ids) or there is no next line; then the quote is taken as
// unterminated and closed at the end of the line (RepairUnterminatedQuote).
// A record that spans several lines and is still malformed costs only its
// first line: that line is rejected and the lines after it are read again.
type Decoder struct {
	// MaxRecordBytes and MaxRecordLines bound a record; see the defaults.
	MaxRecordBytes int
	MaxRecordLines int

	br     *bufio.Reader
	fields int // the file's field count; 0 until known
	lead   int // how many leading fields of a record are ids
	line   int // physical lines read from br
	pushed []pushedLine
	eof    bool
	bom    bool
	crlf   bool

	long   []byte       // a line longer than br's buffer
	cut    map[int]bool // lines of the record being parsed that were cut
	raw    []byte
	text   []byte // unescaped field text
	ends   []int
	quoted []bool
	out    []string
}

type pushedLine struct {
	no   int
	text []byte
	// tooLong marks a line cut at MaxRecordBytes: read again, it is still
	// rejected, not loaded cut short.
	tooLong bool
}

// NewDecoder returns a decoder of r for a file whose records have the given
// number of fields, the first lead of which are ids. fields may be 0 when it
// is unknown; the repair of unterminated quotes then needs SetFields.
func NewDecoder(r io.Reader, fields, lead int) *Decoder {
	return &Decoder{
		MaxRecordBytes: DefaultMaxRecordBytes,
		MaxRecordLines: DefaultMaxRecordLines,
		br:             bufio.NewReaderSize(r, 64<<10),
		fields:         fields,
		lead:           lead,
	}
}

// SetFields sets the number of fields a record of the file has.
func (d *Decoder) SetFields(n int) { d.fields = n }

// SawBOM reports whether the file began with a UTF-8 byte order mark, which
// was dropped.
func (d *Decoder) SawBOM() bool { return d.bom }

// SawCRLF reports whether any line ended in CR LF; the CR was dropped.
func (d *Decoder) SawCRLF() bool { return d.crlf }

// Lines returns the number of physical lines read so far.
func (d *Decoder) Lines() int { return d.line }

var errLineTooLong = errors.New("line too long")

// nextLine returns the next physical line without its line end, and its
// number. The text is valid until the next call. At the end of input it
// returns io.EOF.
func (d *Decoder) nextLine() ([]byte, int, error) {
	if n := len(d.pushed); n > 0 {
		l := d.pushed[0]
		d.pushed = d.pushed[1:]
		if l.tooLong {
			return l.text, l.no, errLineTooLong
		}
		return l.text, l.no, nil
	}
	if d.eof {
		return nil, 0, io.EOF
	}
	line, err := d.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		d.long = append(d.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = d.br.ReadSlice('\n')
			if len(d.long) <= d.MaxRecordBytes {
				d.long = append(d.long, line...)
			}
		}
		line = d.long
	}
	switch {
	case err == io.EOF:
		d.eof = true
		if len(line) == 0 {
			return nil, 0, io.EOF
		}
	case err != nil:
		return nil, 0, err
	}
	d.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	// CR LF ends a line; so does a lone CR at the end of the file.
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
		d.crlf = true
	}
	if d.line == 1 && bytes.HasPrefix(line, []byte(bom)) {
		line = line[len(bom):]
		d.bom = true
	}
	if len(line) > d.MaxRecordBytes {
		return line[:d.MaxRecordBytes], d.line, errLineTooLong
	}
	return line, d.line, nil
}

// pushBack makes lines be read again, before any other; tooLong holds the
// numbers of those that were cut.
func (d *Decoder) pushBack(first int, text []byte, tooLong map[int]bool) {
	var again []pushedLine
	for no := first; ; no++ {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			again = append(again, pushedLine{no, bytes.Clone(text), tooLong[no]})
			break
		}
		again = append(again, pushedLine{no, bytes.Clone(text[:i]), tooLong[no]})
		text = text[i+1:]
	}
	d.pushed = append(again, d.pushed...)
}

// Next returns the next record, or io.EOF at the end of input. Any other
// error is a failure to read; a malformed record is not an error but a
// Record with Err set.
func (d *Decoder) Next() (Record, error) {
	line, no, err := d.nextLine()
	if errors.Is(err, errLineTooLong) {
		d.raw = append(d.raw[:0], line...)
		return Record{Line: no, Lines: 1, Raw: d.raw, Err: fmt.Errorf("line is longer than %d bytes", d.MaxRecordBytes)}, nil
	}
	if err != nil {
		return Record{}, err
	}
	d.raw = append(d.raw[:0], line...)
	rec := Record{Line: no, Lines: 1}
	if len(line) == 0 {
		rec.Raw = d.raw
		rec.Blank = true
		return rec, nil
	}
	return d.parse(rec)
}

// parse splits d.raw, reading more lines while a quoted field goes on.
func (d *Decoder) parse(rec Record) (Record, error) {
	d.text, d.ends, d.quoted, d.cut = d.text[:0], d.ends[:0], d.quoted[:0], nil
	firstLen := len(d.raw)
	pos := 0
	for {
		// One field starts at pos.
		q := pos
		for q < len(d.raw) && d.raw[q] == ' ' {
			q++
		}
		if q == len(d.raw) || d.raw[q] != '"' {
			i := bytes.IndexByte(d.raw[pos:], ',')
			if i < 0 {
				d.text = append(d.text, d.raw[pos:]...)
				d.endField(false)
				break
			}
			d.text = append(d.text, d.raw[pos:pos+i]...)
			d.endField(false)
			pos += i + 1
			continue
		}
		if q > pos {
			rec.Repaired |= RepairSpaceAroundQuotes
		}
		pos = q + 1
		closed := false
		for !closed {
			i := bytes.IndexByte(d.raw[pos:], '"')
			if i >= 0 {
				d.text = append(d.text, d.raw[pos:pos+i]...)
				pos += i + 1
				if pos < len(d.raw) && d.raw[pos] == '"' {
					d.text = append(d.text, '"')
					pos++
					continue
				}
				closed = true
				continue
			}
			// The line ends inside the quoted field.
			d.text = append(d.text, d.raw[pos:]...)
			pos = len(d.raw)
			if d.fields > 0 && len(d.ends)+1 == d.fields {
				starts, err := d.nextStartsRecord()
				if err != nil {
					return Record{}, err
				}
				if starts {
					rec.Repaired |= RepairUnterminatedQuote
					break
				}
			}
			next, no, err := d.nextLine()
			if err == io.EOF {
				return d.rejectFirstLine(rec, firstLen, "quoted field is not terminated before the end of the file")
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				return Record{}, err
			}
			if errors.Is(err, errLineTooLong) {
				d.cut = map[int]bool{no: true}
			}
			d.raw = append(d.raw, '\n')
			pos = len(d.raw)
			d.raw = append(d.raw, next...)
			d.text = append(d.text, '\n')
			rec.Lines++
			if errors.Is(err, errLineTooLong) || rec.Lines > d.MaxRecordLines || len(d.raw) > d.MaxRecordBytes {
				return d.rejectFirstLine(rec, firstLen, fmt.Sprintf("quoted field runs past %d lines or %d bytes", d.MaxRecordLines, d.MaxRecordBytes))
			}
		}
		// After the quoted field: optional spaces, then a comma or the end.
		s := pos
		for pos < len(d.raw) && d.raw[pos] == ' ' {
			pos++
		}
		if pos > s {
			rec.Repaired |= RepairSpaceAroundQuotes
		}
		d.endField(true)
		if pos == len(d.raw) {
			break
		}
		if d.raw[pos] != ',' {
			return d.rejectFirstLine(rec, firstLen, fmt.Sprintf("text after the closing quote of field %d", len(d.ends)))
		}
		pos++
	}
	if d.fields > 0 && len(d.ends) != d.fields {
		return d.rejectFirstLine(rec, firstLen, fmt.Sprintf("has %d fields, want %d", len(d.ends), d.fields))
	}
	all := string(d.text)
	d.out = d.out[:0]
	start := 0
	for _, end := range d.ends {
		d.out = append(d.out, all[start:end])
		start = end
	}
	rec.Fields, rec.Quoted, rec.Raw = d.out, d.quoted, d.raw
	return rec, nil
}

func (d *Decoder) endField(quoted bool) {
	d.ends = append(d.ends, len(d.text))
	d.quoted = append(d.quoted, quoted)
}

// rejectFirstLine returns a record to reject. When the record spans several
// lines, only its first is rejected and the others are read again.
func (d *Decoder) rejectFirstLine(rec Record, firstLen int, reason string) (Record, error) {
	if rec.Lines > 1 {
		d.pushBack(rec.Line+1, d.raw[firstLen+1:], d.cut)
		reason += fmt.Sprintf(" (it would span lines %d-%d; only line %d is rejected)", rec.Line, rec.Line+rec.Lines-1, rec.Line)
	}
	return Record{Line: rec.Line, Lines: 1, Raw: d.raw[:firstLen], Err: errors.New(reason)}, nil
}

// nextStartsRecord reports whether there is no next line, or the next line
// is a well-formed record of the file on its own: d.fields fields, the first
// d.lead of them ids. The line stays to be read.
func (d *Decoder) nextStartsRecord() (bool, error) {
	line, no, err := d.nextLine()
	if err == io.EOF {
		return true, nil
	}
	if err != nil && !errors.Is(err, errLineTooLong) {
		return false, err
	}
	tooLong := errors.Is(err, errLineTooLong)
	d.pushed = append([]pushedLine{{no, bytes.Clone(line), tooLong}}, d.pushed...)
	if tooLong {
		return false, nil
	}
	return isRecordStart(line, d.fields, d.lead), nil
}

// isRecordStart reports whether line alone is a record of n fields whose
// first lead fields are ids.
func isRecordStart(line []byte, n, lead int) bool {
	fields := 0
	pos := 0
	for {
		var field []byte
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					return false
				}
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					pos++
					continue
				}
				break
			}
		} else {
			i := bytes.IndexByte(line[pos:], ',')
			if i < 0 {
				i = len(line) - pos
			}
			field = line[pos : pos+i]
			pos += i
		}
		if fields < lead {
			if _, ok := catalog.ParseID(string(bytes.TrimSpace(field))); !ok {
				return false
			}
		}
		fields++
		if pos == len(line) {
			return fields == n
		}
		if line[pos] != ',' {
			return false
		}
		pos++
	}
}
