-- interactions keeps storefronts' clicks, a row per click, written in
-- batches (catalog.Clicks): the element and widget clicked, the time the
-- storefront sent (not parsed), and when the service took it, in epoch
-- milliseconds. Nothing reads them back through the API; the retention
-- deletes the oldest by at. It is not a catalog table: loads keep it.
CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    element TEXT NOT NULL,
    widget TEXT NOT NULL,
    time TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX interactions_at ON interactions (at);
