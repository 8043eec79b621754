package http

// JSONKeys lets the external tests read a JSON object's keys in order.
var JSONKeys = keys

// ValidRequestID exposes validRequestID to tests.
var ValidRequestID = validRequestID
