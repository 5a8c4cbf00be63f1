-- wrk script for bench/load.py: a fixed request, or JSON POSTs each with a new comment.
-- Settings come from the environment:
--   BENCH_METHOD      GET (default) or POST
--   BENCH_HEADERS     "Name: value" lines separated by newlines
--   BENCH_POST_STYLE  "ours" or "isso": the JSON body of a new comment, unique per request
-- At the end it prints one line: BENCH_JSON {...} with counts, statuses and latency (us).

local method = os.getenv("BENCH_METHOD") or "GET"
local style = os.getenv("BENCH_POST_STYLE")
local headers = {}
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.-)%s*$")
  if name then headers[name] = value end
end

local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local words = {
  "the", "river", "rose", "faster", "than", "anyone", "expected", "and", "wall", "was",
  "overtopped", "council", "agency", "funding", "homes", "evacuated", "figures", "rescue",
  "boats", "school", "rainfall", "record", "gauge", "bridge", "engineers", "review",
}
local function sentence(n)
  local out = {}
  for i = 1, n do out[i] = words[math.random(#words)] end
  return table.concat(out, " ")
end

local fixed = nil
local counter = 0
statuses = {}

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
  if style == nil then fixed = wrk.format(method, nil, headers, nil) end
end

function request()
  if fixed then return fixed end
  counter = counter + 1
  local text = string.format("Bench comment %d-%d: %s.\\n\\nThe *%s* was %s.",
    tid, counter, sentence(14), sentence(1), sentence(10))
  local name = "Bench Reader " .. tid
  local email = string.format("reader%d@example.org", counter % 50)
  local body
  if style == "ours" then
    body = string.format('{"body": "%s", "author_name": "%s", "author_email": "%s"}',
      text, name, email)
  else
    body = string.format('{"text": "%s", "author": "%s", "email": "%s"}', text, name, email)
  end
  return wrk.format("POST", nil, headers, body)
end

function response(status, hdrs, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for k, v in pairs(counts) do merged[k] = (merged[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%s": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d,'
      .. ' "write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f,'
      .. ' "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    table.concat(parts, ", ")))
end
