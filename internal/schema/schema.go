// Package schema reads a store's embedded schema migrations: the .sql
// files of a folder, in name order. A database's schema version is the
// number of them applied.
package schema

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Migrations returns the text of each .sql file in dir of fsys, in name order.
func Migrations(fsys fs.FS, dir string) ([]string, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// VersionError says that a database's schema is not the version this
// program knows: none yet (Have 0), older, or newer. What to do about it
// is the command's to say.
type VersionError struct {
	Have, Want int
}

func (e *VersionError) Error() string {
	switch {
	case e.Have == 0:
		return "the database has no catalog schema"
	case e.Have < e.Want:
		return fmt.Sprintf("the database schema is at version %d, this program needs %d", e.Have, e.Want)
	}
	return fmt.Sprintf("the database schema is at version %d, newer than this program knows (%d)", e.Have, e.Want)
}
