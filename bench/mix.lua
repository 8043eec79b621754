-- The classic mix for wrk: equal shares of /products/{id}, /styles,
-- /related and /products?page=..., ids uniform over a range.
--   wrk -s bench/mix.lua URL -- FIRST LAST
-- FIRST..LAST is the id range: the last 10% of ids is the classic test.
--   wrk -s bench/mix.lua URL -- page FIRST LAST
-- plays a storefront's product page instead, for one product after
-- another: /products/{id}, /styles, /related, /reviews/meta twice (the
-- overview's stars, and the product's card on another page) and
-- /reviews?product_id={id}&sort=relevant&count=5.
--   wrk -s bench/mix.lua URL -- qapage FIRST LAST
-- plays the same page with its Q&A too: /qa/questions?product_id={id}&count=5
-- and one answers call, of the product's first question as the generator
-- numbers them (about 3.52 questions a product, in product order).
--   wrk -s bench/mix.lua URL -- ROUTE FIRST LAST
-- requests one route for ids uniform over the range: product, styles,
-- related, meta, reviews, questions (of a product) or answers (of a
-- question) (GET), or a write: post (POST /reviews of a product, no
-- votes), helpful (PUT /reviews/{id}/helpful of a review), ask (POST
-- /qa/questions of a product), answer (POST /qa/questions/{id}/answers),
-- qhelpful (PUT /qa/questions/{id}/helpful) or click (POST /interactions).
--   wrk -s bench/mix.lua URL -- PATH
-- requests PATH (e.g. '/products?page=200000&count=5') every time instead,
-- counted the same way: bench/run.sh's deep pages.
-- done() prints one JSON line (prefixed "RESULT ") for bench/run.sh and
-- bench/closed.sh:
--   requests       every response wrk read, whatever its status
--   rps            requests per second, whatever the status: NOT throughput
--   ok             the 2xx among requests: the only ones that count as served
--   ok_rps         ok per second: the throughput (a fast 503 is not a
--                  request served)
--   non2xx         requests - ok (before ok was added, non2xx was wrk's
--                  count of statuses over 399)
--   status         the non-2xx by status code, e.g. {"503":1234}; "unseen"
--                  holds any response wrk counted that response() did not see
--   socket_errors  connect + read + write + timeout, as wrk counts them
-- wrk's own summary.errors.status lumps together every status over 399 and
-- says nothing of 1xx or 3xx, so each thread counts statuses in response()
-- and done() collects the counts through setup(thread) and thread:get.
-- Defining response() makes wrk copy every response's headers and body
-- and hand them to Lua, whatever the function does with them: that
-- copying, which no script can avoid, is most of the cost (the counting is
-- one table increment), and wrk counts nothing else by status. Against
-- bench/ceiling on the 2-core machine, -t2 -c64, 20 alternating pairs of
-- 2 s runs with and without it: wrk's CPU per answer 5.60 -> 6.07 us
-- (+8%), answers/s 4% lower on the mean (9% on the median pair), inside
-- the noise of a machine then under load (pairs -46% to +43%). The ceiling
-- pays it as the service does, for each answer.
local first, last, fixed, page, route
local count = 5

-- One route's request for an id.
local routes = {
  product = function(id) return wrk.format("GET", "/products/" .. id) end,
  styles = function(id) return wrk.format("GET", "/products/" .. id .. "/styles") end,
  related = function(id) return wrk.format("GET", "/products/" .. id .. "/related") end,
  meta = function(id) return wrk.format("GET", "/reviews/meta?product_id=" .. id) end,
  reviews = function(id) return wrk.format("GET", "/reviews?product_id=" .. id .. "&sort=relevant&count=5") end,
  post = function(id)
    return wrk.format("POST", "/reviews", {["Content-Type"] = "application/json"}, string.format(
      '{"product_id":%d,"rating":%d,"summary":"Load test","body":"Posted by bench/mix.lua under load.",' ..
      '"recommend":true,"name":"bench","email":"bench@example.com","photos":[],"characteristics":{}}',
      id, math.random(1, 5)))
  end,
  helpful = function(id) return wrk.format("PUT", "/reviews/" .. id .. "/helpful") end,
  questions = function(id) return wrk.format("GET", "/qa/questions?product_id=" .. id .. "&count=5") end,
  answers = function(id) return wrk.format("GET", "/qa/questions/" .. id .. "/answers") end,
  ask = function(id)
    return wrk.format("POST", "/qa/questions", {["Content-Type"] = "application/json"}, string.format(
      '{"product_id":%d,"body":"Asked by bench/mix.lua under load?","name":"bench","email":"bench@example.com"}', id))
  end,
  answer = function(id)
    return wrk.format("POST", "/qa/questions/" .. id .. "/answers", {["Content-Type"] = "application/json"},
      '{"body":"Answered by bench/mix.lua under load.","name":"bench","email":"bench@example.com","photos":[]}')
  end,
  qhelpful = function(id) return wrk.format("PUT", "/qa/questions/" .. id .. "/helpful") end,
  click = function(id)
    return wrk.format("POST", "/interactions", {["Content-Type"] = "application/json"}, string.format(
      '{"element":"img.thumbnail-%d","widget":"Overview","time":"2026-12-07T12:00:00.000Z"}', id))
  end,
}

-- Per thread (each wrk thread has its own Lua state): responses by status.
-- A global, so that thread:get can read it.
statuses = {}

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

-- In the main Lua state, which runs setup() and done().
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  if args[1] and args[1]:sub(1, 1) == "/" then
    fixed = wrk.format("GET", args[1])
    return
  end
  if args[1] == "page" or args[1] == "qapage" then
    page = table.remove(args, 1)
  elseif routes[args[1]] then
    route = routes[table.remove(args, 1)]
  end
  first = tonumber(args[1]) or 1
  last = tonumber(args[2]) or first
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

-- The calls of a product page, in the order a storefront makes them.
local pageCalls = {
  "/products/%d", "/products/%d/styles", "/products/%d/related", "/reviews/meta?product_id=%d",
  "/reviews/meta?product_id=%d", "/reviews?product_id=%d&sort=relevant&count=5",
}
local qaPageCalls = {(unpack or table.unpack)(pageCalls)}
qaPageCalls[#qaPageCalls + 1] = "/qa/questions?product_id=%d&count=5"
qaPageCalls[#qaPageCalls + 1] = "/qa/questions/%d/answers"
local pageID

local kinds = 4
local n = 0
function request()
  if fixed then return fixed end
  n = n + 1
  if route then return route(math.random(first, last)) end
  if page then
    local calls = page == "qapage" and qaPageCalls or pageCalls
    local k = (n - 1) % #calls + 1
    if k == 1 then pageID = math.random(first, last) end
    local id = pageID
    if calls[k]:find("/answers") then id = math.floor((pageID - 1) * 3.52) + 1 end
    return wrk.format("GET", string.format(calls[k], id))
  end
  local id = math.random(first, last)
  local k = n % kinds
  local path
  if k == 0 then
    path = "/products/" .. id
  elseif k == 1 then
    path = "/products/" .. id .. "/styles"
  elseif k == 2 then
    path = "/products/" .. id .. "/related"
  else
    path = "/products?page=" .. (math.floor((id - 1) / count) + 1) .. "&count=" .. count
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ok, seen, bad = 0, 0, {}
  for _, t in ipairs(threads) do
    for code, c in pairs(t:get("statuses")) do
      code = math.floor(code)
      seen = seen + c
      if code >= 200 and code <= 299 then
        ok = ok + c
      else
        bad[code] = (bad[code] or 0) + c
      end
    end
  end
  local codes = {}
  for code in pairs(bad) do codes[#codes + 1] = code end
  table.sort(codes)
  local parts = {}
  for _, code in ipairs(codes) do
    parts[#parts + 1] = string.format('"%d":%d', code, bad[code])
  end
  if seen ~= summary.requests then
    parts[#parts + 1] = string.format('"unseen":%d', summary.requests - seen)
  end
  io.write(string.format(
    'RESULT {"requests":%d,"ok":%d,"seconds":%.3f,"rps":%.1f,"ok_rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"status":{%s},"socket_errors":%d,"bytes":%d}\n',
    summary.requests, ok, secs, summary.requests / secs, ok / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests - ok, table.concat(parts, ","), e.connect + e.read + e.write + e.timeout, summary.bytes))
end
