package catalog

import (
	"context"
	"errors"
	"fmt"
)

// Error codes: the few kinds of failure a caller can act on.
const (
	ENOTFOUND      = "not_found"     // the thing asked for does not exist
	EINVALID       = "invalid"       // the request is malformed
	EUNPROCESSABLE = "unprocessable" // well-formed, but breaks a business rule
	EUNAVAILABLE   = "unavailable"   // the store cannot answer now; retry later
	EINTERNAL      = "internal"      // a bug or an unexpected failure
)

// Error is a failure meant for the caller: Message is safe to show a client.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// errTimeout is what a call whose time ran out failed with: the one place
// a deadline becomes a domain error, wherever it ran out (in a store's
// driver, waiting for a connection, or for a turn).
var errTimeout = Errorf(EUNAVAILABLE, "the store did not answer in time; retry shortly")

// asError returns the first Error in err's chain, errTimeout for a
// deadline that ran out, or nil.
func asError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, context.DeadlineExceeded):
		return errTimeout
	}
	return nil
}

// ErrorCode returns the code of the first Error in err's chain, EUNAVAILABLE
// for a deadline that ran out, EINTERNAL for any other error, and "" for
// nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e := asError(err); e != nil {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of ErrorCode's error, and a generic
// message for any other error, whose text may hold internals.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e := asError(err); e != nil {
		return e.Message
	}
	return "internal error"
}
