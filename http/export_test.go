package http

// ValidRequestID exposes validRequestID to tests.
var ValidRequestID = validRequestID

// Decompress exposes decompress to tests.
var Decompress = decompress
