-- interactions keeps storefronts' clicks, a row per click, written in
-- batches (catalog.Clicks): the element and widget clicked, the time the
-- storefront sent (not parsed), and when the service took it, in epoch
-- milliseconds. Nothing reads them back through the API; the retention
-- deletes the oldest by at. It is not a catalog table: loads keep it.
CREATE TABLE interactions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    element text NOT NULL,
    widget text NOT NULL,
    time text NOT NULL,
    at bigint NOT NULL
);
CREATE INDEX interactions_at ON interactions (at);
