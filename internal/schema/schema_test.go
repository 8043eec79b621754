package schema_test

import (
	"reflect"
	"testing"
	"testing/fstest"

	"catalog/internal/schema"
)

func TestMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte("second")},
		"m/0001_init.sql":  {Data: []byte("first")},
		"m/0010_later.sql": {Data: []byte("tenth")},
		"m/notes.txt":      {Data: []byte("not a migration")},
		"other/0001.sql":   {Data: []byte("another folder")},
	}
	got, err := schema.Migrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"first", "second", "tenth"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
