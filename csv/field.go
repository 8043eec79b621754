package csv

import (
	"fmt"
	"strings"

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
	switch strings.ToLower(p.number(f)) {
	case "1", "true", "t":
		return true, nil
	case "0", "false", "f":
		return false, nil
	}
	return false, fmt.Errorf("%s %q is not 1 or 0", name, f.s)
}

func (p *rowParser) text(name string, f field) (string, error) {
	if f.isNull() {
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
