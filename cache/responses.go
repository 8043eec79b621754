package cache

import (
	"context"
	"encoding/binary"
	"errors"
	"strconv"
	"time"

	"catalog"
	cataloghttp "catalog/http"
)

// Responses is a source of the catalog's responses that keeps those of
// another source (the store's) in memory, and in a remote tier when given
// one, each with its compressed bodies once made: a decorator of the same
// interface. Each response is kept under its key and its version, so a
// response cached before a change to it is never served again; those of
// older versions are not looked up again, and are evicted as the bound
// requires.
type Responses struct {
	next     cataloghttp.Source
	versions *catalog.Versions
	timeout  time.Duration
	c        *Cache[entryKey, *cataloghttp.Response]
}

var _ cataloghttp.Source = (*Responses)(nil)

// entryKey names a response of a version.
type entryKey struct {
	cataloghttp.Key
	version int64
}

// NewResponses returns a cache of next's responses, holding at most
// maxBytes of them, each kept under the version versions gives it. A load
// from next runs for as long as timeout, whoever waits for it.
func NewResponses(next cataloghttp.Source, versions *catalog.Versions, maxBytes int64, timeout time.Duration) *Responses {
	return &Responses{next: next, versions: versions, timeout: timeout,
		c: New[entryKey](maxBytes, (*cataloghttp.Response).Size)}
}

// WithRemote has the cache share its responses with other instances
// through r.
func (rs *Responses) WithRemote(r Remote) *Responses {
	rs.c.WithRemote(r, remoteName, Codec[*cataloghttp.Response]{Marshal: marshal, Unmarshal: unmarshal})
	return rs
}

// Response returns k's response from the cache, or from the source.
func (rs *Responses) Response(ctx context.Context, k cataloghttp.Key) (*cataloghttp.Response, error) {
	return rs.c.Get(ctx, rs.keyOf(k), rs.timeout, func(ctx context.Context) (*cataloghttp.Response, error) {
		return rs.next.Response(ctx, k)
	})
}

// Encode returns r with its body in encoding e: as cached, or made by the
// source and kept with r in the cache, if r is still what is cached.
func (rs *Responses) Encode(ctx context.Context, k cataloghttp.Key, r *cataloghttp.Response, e cataloghttp.Encoding) (*cataloghttp.Response, error) {
	if r.Encoded(e) != nil {
		return r, nil
	}
	out, err := rs.next.Encode(ctx, k, r, e)
	if err != nil {
		return nil, err
	}
	rs.c.Update(ctx, rs.keyOf(k), rs.timeout, func(cached *cataloghttp.Response) (*cataloghttp.Response, bool) {
		// Another response under the key (a load that came later) is
		// not the one out was made of.
		return out, cached == r
	})
	return out, nil
}

func (rs *Responses) keyOf(k cataloghttp.Key) entryKey {
	return entryKey{Key: k, version: k.Version(rs.versions)}
}

// Stats returns the cache's counters.
func (rs *Responses) Stats() Stats { return rs.c.Stats() }

// remoteFormat names the form marshal writes, in every remote key: an
// instance of a version of the program that writes another form (or wrote
// plain bodies under "<version>:<name>", before this one) never reads an
// entry it cannot, while versions are rolled out.
const remoteFormat = "r1:"

// remoteName is a response's key in the remote tier: the format, its
// version, its name ("r1:7:styles/1").
func remoteName(k entryKey) string {
	return remoteFormat + strconv.FormatInt(k.version, 10) + ":" + k.String()
}

// marshal writes a response as its fields, each after its length: hash,
// surrogate keys, body, gzip, Brotli.
func marshal(r *cataloghttp.Response) []byte {
	b := make([]byte, 0, r.Size())
	for _, f := range [][]byte{[]byte(r.Hash), []byte(r.Keys), r.Body, r.Gzip, r.Brotli} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// isHex reports whether b is a hash as responses carry it: hex digits.
func isHex(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// unmarshal reads what marshal wrote.
func unmarshal(b []byte) (*cataloghttp.Response, error) {
	var fields [5][]byte
	for i := range fields {
		n, w := binary.Uvarint(b)
		if w <= 0 || n > uint64(len(b)-w) || w != len(binary.AppendUvarint(nil, n)) {
			return nil, errors.New("not a cached response: a length cut short or overlong")
		}
		if n > 0 {
			fields[i] = b[w : w+int(n) : w+int(n)]
		}
		b = b[w+int(n):]
	}
	if len(b) > 0 || !isHex(fields[0]) || len(fields[2]) == 0 && len(fields[3]) == 0 {
		return nil, errors.New("not a cached response: bytes after it, no body, or a hash that is not hex")
	}
	return &cataloghttp.Response{Hash: string(fields[0]), Keys: string(fields[1]), Body: fields[2], Gzip: fields[3], Brotli: fields[4]}, nil
}
