-- Written by the acceptance suite (src/Support/Load/WrkEngine.cs). After wrk's own text it prints one line
-- "@@load-json {...}": wrk's summary and errors, wrk's own percentiles on a fine grid (0.5 % steps, then 99.6 ... 99.99,
-- then the max), status codes and responses per second. wrk keeps no per-request values, so the grid is the distribution.
local threads = {}
local delay_ms = tonumber(os.getenv("LOAD_DELAY_MS") or "0") or 0
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} seconds = {} end
if delay_ms > 0 then function delay() return delay_ms end end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local s = os.time()
  seconds[s] = (seconds[s] or 0) + 1
end
function done(summary, latency, requests)
  local st, sec = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do st[k] = (st[k] or 0) + v end
    for k, v in pairs(t:get("seconds")) do sec[k] = (sec[k] or 0) + v end
  end
  local out = {}
  local function add(s) out[#out + 1] = s end
  local function map(m)
    local parts = {}
    for k, v in pairs(m) do parts[#parts + 1] = string.format('"%d":%d', k, v) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  local e = summary.errors
  add(string.format('{"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
  add(',"statuses":' .. map(st) .. ',"seconds":' .. map(sec) .. ',"percentiles":[')
  if summary.requests > 0 then
    local grid = {}
    for i = 1, 199 do grid[#grid + 1] = i * 0.5 end
    for _, p in ipairs({99.6, 99.7, 99.8, 99.9, 99.95, 99.99}) do grid[#grid + 1] = p end
    for i, p in ipairs(grid) do add(string.format('%s[%g,%d]', i > 1 and "," or "", p, latency:percentile(p))) end
    add(string.format(',[100,%d]', latency.max))
  end
  add(string.format('],"min_us":%d,"max_us":%d,"mean_us":%.1f}', latency.min, latency.max, latency.mean))
  io.write("\n@@load-json ", table.concat(out), "\n")
end
