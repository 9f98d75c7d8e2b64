-- The one wrk script of the bench (bench/loadgen.py sets it up through the environment).
--
-- BENCH_REQUESTS  a file of requests, one a line: METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY
--                 (cookie and body may be empty). Without it, wrk GETs the URL it was given.
-- BENCH_MODE      "per-thread" (default): wrk thread k replays line k (mod the number of
--                 lines) for its whole run, so each thread is one logged-in user with its own
--                 cookie and CSRF token; wrk builds that request once (its fast path).
--                 "rotate": every thread cycles through all the lines, one after the other.
-- BENCH_RSS_PID, BENCH_RSS_AT, BENCH_RSS_LOG
--                 after the responses numbered in BENCH_RSS_AT (e.g. "10000,50000"), append
--                 "<count> <VmRSS kB> <VmHWM kB>" of process BENCH_RSS_PID to BENCH_RSS_LOG.
--                 Counts are per wrk thread: run with -t1 for totals.
--
-- At the end, one line "BENCH_JSON {...}" with the counts, errors and latency percentiles.

local requests_file = os.getenv("BENCH_REQUESTS")
local mode = os.getenv("BENCH_MODE") or "per-thread"
local rss_pid = os.getenv("BENCH_RSS_PID")

local function fields(line)
  local list = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(list, field)
  end
  return list
end

local function load_requests()
  local list = {}
  for line in io.lines(requests_file) do
    if line ~= "" then
      local f = fields(line)
      table.insert(list, { method = f[1], path = f[2], cookie = f[3] or "", body = f[4] or "" })
    end
  end
  return list
end

local function add_headers(headers, r)
  if r.cookie ~= "" then headers["Cookie"] = r.cookie end
  if r.body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return headers
end

local counter = 0
function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

if requests_file and mode == "rotate" then
  local built, next_one = {}, 0
  function init(args)
    for _, r in ipairs(load_requests()) do
      local body = r.body ~= "" and r.body or nil
      table.insert(built, wrk.format(r.method, r.path, add_headers({}, r), body))
    end
    next_one = thread_index
  end
  function request()
    next_one = next_one % #built + 1
    return built[next_one]
  end
elseif requests_file then
  function init(args)
    local list = load_requests()
    local r = list[thread_index % #list + 1]
    wrk.method, wrk.path = r.method, r.path
    add_headers(wrk.headers, r)
    if r.body ~= "" then wrk.body = r.body end
  end
end

if rss_pid then
  local at = {}
  for n in (os.getenv("BENCH_RSS_AT") or ""):gmatch("%d+") do at[tonumber(n)] = true end
  local log_path = os.getenv("BENCH_RSS_LOG")
  local responses = 0
  function response(status, headers, body)
    responses = responses + 1
    if at[responses] then
      local status_file = io.open("/proc/" .. rss_pid .. "/status")
      local text = status_file:read("*a")
      status_file:close()
      local rss = text:match("VmRSS:%s+(%d+)")
      local hwm = text:match("VmHWM:%s+(%d+)")
      local log = io.open(log_path, "a")
      log:write(responses, " ", rss, " ", hwm, "\n")
      log:close()
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
