package http

// ValidRequestID exposes validRequestID to tests.
var ValidRequestID = validRequestID
