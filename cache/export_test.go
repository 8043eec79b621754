package cache

// The codec of responses, for the tests.
var (
	Marshal   = marshal
	Unmarshal = unmarshal
)
