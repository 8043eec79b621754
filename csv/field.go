package csv

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"catalog"
)

// field is one field of a record, in the file's canonical column order.
type field struct {
	s      string
	quoted bool
}

// isNull reports whether a field is the dataset's missing value: null (any
// case) or nothing, unquoted.
func (f field) isNull() bool {
	return !f.quoted && (f.s == "" || strings.EqualFold(f.s, "null"))
}

// rowParser turns fields into typed values, noting repairs.
type rowParser struct {
	repaired Repair
}

// number returns a numeric field's text with surrounding spaces dropped.
func (p *rowParser) number(f field) string {
	s := strings.TrimSpace(f.s)
	if len(s) != len(f.s) {
		p.repaired |= RepairSpaceAroundNumber
	}
	return s
}

func (p *rowParser) id(name string, f field) (int64, error) {
	s := p.number(f)
	id, ok := catalog.ParseID(s)
	if !ok {
		return 0, fmt.Errorf("%s %q is not an id (a whole number from 1 to %d)", name, f.s, catalog.MaxID)
	}
	return id, nil
}

func (p *rowParser) quantity(name string, f field) (int64, error) {
	s := p.number(f)
	if s == "0" {
		return 0, nil
	}
	n, ok := catalog.ParseID(s)
	if !ok {
		return 0, fmt.Errorf("%s %q is not a whole number from 0 to %d", name, f.s, catalog.MaxID)
	}
	return n, nil
}

func (p *rowParser) price(name string, f field) (catalog.Cents, error) {
	c, ok := ParseCents(p.number(f))
	if !ok {
		return 0, fmt.Errorf("%s %q is not a price (a non-negative number with at most 2 decimals)", name, f.s)
	}
	return c, nil
}

func (p *rowParser) nullPrice(name string, f field) (catalog.Null[catalog.Cents], error) {
	if f.isNull() {
		return catalog.Null[catalog.Cents]{}, nil
	}
	c, err := p.price(name, f)
	return catalog.Some(c), err
}

func (p *rowParser) flag(name string, f field) (bool, error) {
	v, ok := parseBool(p.number(f))
	if !ok {
		return false, fmt.Errorf("%s %q is not 1 or 0", name, f.s)
	}
	return v, nil
}

// boolean is flag for the files that write true and false.
func (p *rowParser) boolean(name string, f field) (bool, error) {
	v, ok := parseBool(p.number(f))
	if !ok {
		return false, fmt.Errorf("%s %q is not true or false", name, f.s)
	}
	return v, nil
}

func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "1", "true", "t":
		return true, true
	case "0", "false", "f":
		return false, true
	}
	return false, false
}

// stars parses a rating or a vote: a whole number from 1 to 5.
func (p *rowParser) stars(name string, f field) (int64, error) {
	s := p.number(f)
	if len(s) != 1 || s[0] < '1' || s[0] > '5' {
		return 0, fmt.Errorf("%s %q is not a whole number from 1 to 5", name, f.s)
	}
	return int64(s[0] - '0'), nil
}

// MinDate and MaxDate bound the dates accepted, MaxDate excluded: a date
// outside them is a wrong unit (epoch seconds read as milliseconds) or a
// wrong value, not a review's.
var (
	MinDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// dateLayouts are the ISO-like forms of the 2020 variant's dates; a
// layout without a zone is read as UTC.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// date parses epoch milliseconds (the dataset's form) or, as the 2020
// variant writes them, an ISO-like date, into a UTC time from MinDate to
// before MaxDate.
func (p *rowParser) date(name string, f field) (time.Time, error) {
	t, ok := parseDate(p.number(f))
	if !ok {
		return time.Time{}, fmt.Errorf("%s %q is not a date (epoch milliseconds, or like 2020-07-30 or 2020-07-30T00:00:00.000Z)", name, f.s)
	}
	if t.Before(MinDate) || !t.Before(MaxDate) {
		return time.Time{}, fmt.Errorf("%s %q is %s, not from %d to %d", name, f.s, t.Format(time.RFC3339Nano), MinDate.Year(), MaxDate.Year()-1)
	}
	return t, nil
}

func parseDate(s string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && s[0] != '+' && s[0] != '-' {
		return time.UnixMilli(ms).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func (p *rowParser) text(name string, f field) (string, error) {
	if f.isNull() {
		return "", fmt.Errorf("%s is missing", name)
	}
	return f.s, nil
}

// optionalText returns a text field that may be missing, as "".
func (p *rowParser) optionalText(f field) string {
	if f.isNull() {
		return ""
	}
	return f.s
}

// requiredText returns a text field that must hold something but spaces.
func (p *rowParser) requiredText(name string, f field) (string, error) {
	if f.isNull() || strings.TrimSpace(f.s) == "" {
		return "", fmt.Errorf("%s is missing", name)
	}
	return f.s, nil
}

func (p *rowParser) nullText(f field) catalog.Null[string] {
	if f.isNull() {
		return catalog.Null[string]{}
	}
	return catalog.Some(f.s)
}

// MaxCents is the largest price accepted: a bit under ten trillion units.
const MaxCents = 999_999_999_999_99

// ParseCents parses a non-negative decimal amount with at most two decimals
// ("140", "140.5", "0.99") into cents.
func ParseCents(s string) (catalog.Cents, bool) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasPoint && frac == "") {
		return 0, false
	}
	var c int64
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, false
			}
			c = c*10 + int64(part[i]-'0')
			if c > MaxCents {
				return 0, false
			}
		}
	}
	for range 2 - len(frac) {
		c *= 10
	}
	if c > MaxCents {
		return 0, false
	}
	return catalog.Cents(c), true
}
