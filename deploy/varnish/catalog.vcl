vcl 4.1;
# Varnish in front of several `catalog serve` instances: it keeps the
# catalog's responses as their Cache-Control says, revalidates them with
# their ETags, serves them stale while instances are down, and drops
# exactly what a new catalog changed when an instance purges their
# surrogate keys (catalog serve --purge-url http://varnish/, the xkey
# module). The instances below are examples: list yours. Varnish asks the
# instances for gzip and keeps that (http_gzip_support), so clients behind
# it get gzip or identity, not Brotli.

import directors;
import std;
import xkey;

probe ready {
    .url = "/readyz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend instance1 { .host = "127.0.0.1"; .port = "3001"; .probe = ready; }
backend instance2 { .host = "127.0.0.1"; .port = "3002"; .probe = ready; }

# Who may purge: the instances.
acl purgers {
    "127.0.0.1";
}

sub vcl_init {
    new instances = directors.round_robin();
    instances.add_backend(instance1);
    instances.add_backend(instance2);
}

sub vcl_recv {
    set req.backend_hint = instances.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # The keys, space-separated: each changed product's, "products"
        # for every list page, "catalog" for everything.
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }
    if (req.url ~ "^(/api/fec2/[^/]+)?/cart") {
        return (pass); # a shopper's own
    }
    if (req.url ~ "^/(healthz|readyz)") {
        return (pass); # about the instance that answers, now
    }
    # Every campus in the hosted prefix serves the same bodies (they carry
    # catalog serve's --campus): one object for each response, not one per
    # campus, so that made-up campuses neither miss the tier nor fill it.
    # With --campuses set, rewrite only those, e.g. "^/api/fec2/(hr-rfp|hratx)/".
    set req.url = regsub(req.url, "^/api/fec2/[^/]+/", "/");
    # The catalog is the same for every shopper: neither the session
    # cookie nor a token (hosted-API clients send one with every request;
    # only the cart reads it) makes a response of its own. Kept, either
    # would make Varnish pass the request.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # A stale response is served while it is revalidated for 60 s (catalog
    # serve's --stale-while-revalidate by default: keep the two alike);
    # when no instance is up, for as long as its stale-if-error allows.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 60s;
    }
}

sub vcl_backend_response {
    # An instance that fails a background revalidation leaves the stale
    # response in place, rather than an error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # xkey indexes an object by the keys in its xkey header.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Kept past its max-age for as long as its stale-if-error allows.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.keep = std.duration(regsub(beresp.http.Cache-Control, ".*stale-if-error=([0-9]+).*", "\1s"), 0s);
        set beresp.grace = beresp.keep;
    }
}

sub vcl_deliver {
    # The keys are the tier's business, not the client's.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    # What answered: the tier, or an instance behind it.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
