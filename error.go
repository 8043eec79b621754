package catalog

import (
	"errors"
	"fmt"
)

// Error codes: the few kinds of failure a caller can act on.
const (
	ENOTFOUND      = "not_found"     // the thing asked for does not exist
	EINVALID       = "invalid"       // the request is malformed
	EUNPROCESSABLE = "unprocessable" // well-formed, but breaks a business rule
	ETOOLARGE      = "too_large"     // the request body is over its limit
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

// ErrorCode returns the code of the first Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first Error in err's chain, and a
// generic message for any other error, whose text may hold internals.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
