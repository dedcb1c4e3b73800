package catalog

import (
	"errors"
	"fmt"
	"slices"
)

// Code is one of the handful of error kinds the rest of usecat speaks.
type Code string

// The error codes. The HTTP layer maps each to one status.
const (
	ErrMalformed            Code = "malformed"             // input that cannot be read: bad JSON, wrong type, garbage cursor
	ErrInvalid              Code = "invalid"               // readable input with values the rules refuse
	ErrNotFound             Code = "not_found"             // absent, or invisible to the reader
	ErrConflict             Code = "conflict"              // clashes with existing state (a taken id, an idempotency key reused)
	ErrPreconditionRequired Code = "precondition_required" // a write without If-Match
	ErrPreconditionFailed   Code = "precondition_failed"   // a write with a stale If-Match
	ErrUnauthorized         Code = "unauthorized"          // no key, or a bad one, where one is needed
	ErrForbidden            Code = "forbidden"             // a key without the right
	ErrGone                 Code = "gone"                  // a feed cursor from another database, or from its future (restored from an older copy)
	ErrUnavailable          Code = "unavailable"           // the database cannot be reached or is shutting down
	ErrNotSupported         Code = "not_supported"         // something this engine leaves to its own tools (backups of PostgreSQL)
	ErrInternal             Code = "internal"              // anything unexpected; its text never leaves the server
)

// FieldError names one bad field (or query parameter) and why it is bad.
type FieldError struct {
	Field   string `json:"field" example:"title"`
	Code    string `json:"code" example:"too_short"`
	Message string `json:"message" example:"must be at least 3 characters"`
}

// Error is a domain error: a code, a message safe to show users, and the bad fields.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s (%d fields)", e.Code, e.Message, len(e.Fields))
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, ErrInternal for errors that are not *Error, "" for nil.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return ErrInternal
	}
}

// FieldErrors collects field errors so a request is refused once, naming every bad field.
type FieldErrors []FieldError

// Add records a bad field.
func (fe *FieldErrors) Add(field, code, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether any recorded error has one of codes.
func (fe FieldErrors) Has(codes ...string) bool {
	for _, f := range fe {
		if slices.Contains(codes, f.Code) {
			return true
		}
	}
	return false
}

// Err returns nil when nothing was recorded, else an *Error: ErrMalformed when any field could
// not be read at all (a value of the wrong type or form, or a field the resource does not
// have), ErrInvalid otherwise. DESIGN 4.1 makes unknown fields a 400 like wrong types.
func (fe FieldErrors) Err(message string) error {
	if len(fe) == 0 {
		return nil
	}
	code := ErrInvalid
	for _, f := range fe {
		if f.Code == FieldMalformed || f.Code == FieldUnknown {
			code = ErrMalformed
		}
	}
	return &Error{Code: code, Message: message, Fields: fe}
}

// Field error codes shared by validation everywhere.
const (
	FieldRequired     = "required"
	FieldTooShort     = "too_short"
	FieldTooLong      = "too_long"
	FieldTooMany      = "too_many"
	FieldNotAllowed   = "not_allowed" // a value outside an enumeration or a pattern
	FieldMalformed    = "malformed"   // a value of the wrong type or form
	FieldOutOfRange   = "out_of_range"
	FieldPersonalData = "personal_data"
	FieldUnknown      = "unknown_field"
)
