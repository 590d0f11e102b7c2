-- One wrk script for every scenario; run.mjs chooses the scenario through the environment:
--   BENCH_MODE    static | by-id | by-id-stats | by-external-id | update | create | create-charge
--   BENCH_AUTH    Authorization header value
--   BENCH_IDS     file of customer ids, one a line (by-id, by-id-stats, update, create-charge)
--   BENCH_SIZE    number of seeded customers (by-external-id: ext_1 … ext_N)
--   BENCH_BODIES  file of form bodies, one a line, with {n} where a unique tag goes (create)
--   BENCH_TAG     prefix making tags unique across runs on the same database
-- Static scenarios define no request() function, so wrk sends one pre-built request (cheapest).
-- done() prints one line `BENCH_RESULT {json}` for run.mjs to read.

local mode = os.getenv("BENCH_MODE") or "static"
local tag = os.getenv("BENCH_TAG") or "t"
local auth = os.getenv("BENCH_AUTH")
wrk.headers["Authorization"] = auth

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

local ids, bodies, size
local counter = 0

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  if mode == "by-id" or mode == "by-id-stats" or mode == "update" or mode == "create-charge" then ids = lines(os.getenv("BENCH_IDS")) end
  if mode == "create" then bodies = lines(os.getenv("BENCH_BODIES")) end
  if mode == "by-external-id" then size = tonumber(os.getenv("BENCH_SIZE")) end
end

local function unique()
  counter = counter + 1
  return tag .. "t" .. tostring(tid or 0) .. "n" .. tostring(counter)
end

if mode == "by-id" then
  request = function()
    return wrk.format("GET", "/v1/customers/" .. ids[math.random(#ids)])
  end
elseif mode == "by-id-stats" then
  request = function()
    return wrk.format("GET", "/v1/customers/" .. ids[math.random(#ids)] .. "?expand%5B%5D=stats")
  end
elseif mode == "by-external-id" then
  request = function()
    return wrk.format("GET", "/v1/customers/external/ext_" .. tostring(math.random(size)))
  end
elseif mode == "update" then
  -- wrk.format does not merge wrk.headers into a table passed to it (it only adds Host).
  local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth }
  local tiers = { "free", "starter", "pro", "business", "enterprise" }
  request = function()
    local body = "metadata%5Btier%5D=" .. tiers[math.random(#tiers)] .. "&metadata%5Blast_seen%5D=" .. unique()
    return wrk.format("POST", "/v1/customers/" .. ids[math.random(#ids)], form, body)
  end
elseif mode == "create-charge" then
  local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth }
  local currencies = { "usd", "eur", "gbp", "jpy" }
  request = function()
    local body = "amount=" .. tostring(100 + math.random(50000)) .. "&currency=" .. currencies[math.random(#currencies)] ..
      "&customer=" .. ids[math.random(#ids)] .. "&description=Bench%20charge&metadata%5Border%5D=" .. unique()
    return wrk.format("POST", "/v1/charges", form, body)
  end
elseif mode == "create" then
  -- wrk.format does not merge wrk.headers into a table passed to it (it only adds Host).
  local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth }
  request = function()
    local n = unique()
    local body = string.gsub(bodies[(counter % #bodies) + 1], "{n}", n)
    return wrk.format("POST", "/v1/customers", form, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
