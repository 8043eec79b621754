-- The classic mix for wrk: equal shares of /products/{id}, /styles,
-- /related and /products?page=..., ids uniform over a range.
--   wrk -s bench/mix.lua URL -- FIRST LAST
-- FIRST..LAST is the id range: the last 10% of ids is the classic test.
-- done() prints one JSON line (prefixed "RESULT ") for bench/run.sh.
local first, last
local count = 5

function init(args)
  first = tonumber(args[1]) or 1
  last = tonumber(args[2]) or first
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

local kinds = 4
local n = 0
function request()
  n = n + 1
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
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"socket_errors":%d,"bytes":%d}\n',
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
