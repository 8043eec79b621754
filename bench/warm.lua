-- Fills the service's cache with every response of the classic test's hot
-- set, once each: for each id in FIRST..LAST, /products/{id}, its styles and
-- related, and the page of five holding it. Threads split the ids; each
-- stops when its share is done, so -d is only an upper bound.
--   wrk -t2 -c64 -d300s -s bench/warm.lua URL -- FIRST LAST 2 [page|qapage]
-- (the third argument is wrk's -t: the threads that split the ids). With
-- page, each id's review meta and first page of reviews too: the
-- responses of bench/mix.lua's page mix; with qapage, its questions and
-- the answers call of that mix too.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local first, last, nthreads, tid, page
local queue = {}
local id

function init(args)
  first = tonumber(args[1]) or 1
  last = tonumber(args[2]) or first
  nthreads = tonumber(args[3]) or 1
  page = args[4]
  tid = tonumber(wrk.thread:get("tid")) or 0
  id = first + tid
end

local done = false
function request()
  if #queue == 0 then
    if id > last then
      done = true
      return wrk.format("GET", "/products/" .. last)
    end
    table.insert(queue, "/products/" .. id)
    table.insert(queue, "/products/" .. id .. "/styles")
    table.insert(queue, "/products/" .. id .. "/related")
    if page then
      table.insert(queue, "/reviews/meta?product_id=" .. id)
      table.insert(queue, "/reviews?product_id=" .. id .. "&sort=relevant&count=5")
    end
    if page == "qapage" then
      table.insert(queue, "/qa/questions?product_id=" .. id .. "&count=5")
      table.insert(queue, "/qa/questions/" .. (math.floor((id - 1) * 3.52) + 1) .. "/answers")
    end
    if (id - 1) % 5 == 0 or id == first then
      table.insert(queue, "/products?page=" .. (math.floor((id - 1) / 5) + 1) .. "&count=5")
    end
    id = id + nthreads
  end
  return wrk.format("GET", table.remove(queue, 1))
end

function response(status, headers, body)
  if done then
    wrk.thread:stop()
  end
end
