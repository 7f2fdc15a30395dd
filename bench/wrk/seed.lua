-- wrk script that seeds exactly OPENKAP_SEED_COUNT patients through POST /api/v1/patients, then stops.
-- Once it has issued all creates it sends GET /healthz instead (no writes); when every create has
-- been answered it ends wrk early by sending itself SIGINT (wrk's own "stop" signal; LuaJIT FFI).
-- Use exactly one thread (-t1) and a long -d as a cap, e.g.:
--   OPENKAP_TOKEN=... OPENKAP_SEED_COUNT=100000 wrk -t1 -c32 -d3600s -s bench/wrk/seed.lua http://127.0.0.1:PORT
-- Prints one line: SEED created=N failed=F min_id=A max_id=B seconds=S per_second=R
-- Names come from fixed lists whose 3-letter prefixes are the defaults of search_patients.lua.

local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("thread_index", nthreads)
  table.insert(threads, thread)
end

local given = { "Alice", "Benjamin", "Carmen", "David", "Elif", "Fatima", "Gabriel", "Hannah", "Isabel", "James",
  "Kaito", "Leah", "María", "Noah", "Olivia", "Paulo", "Ravi", "Samira", "Tomás", "Victoria" }
local family = { "Anderson", "Brown", "Chávez", "Diallo", "Evans", "García", "Henriksen", "Ivanova", "Johnson", "Kim",
  "López", "Müller", "Nakamura", "Okafor", "Patel", "Quispe", "Rossi", "Singh", "Tanaka", "Zhang" }
local sexes = { "female", "male", "intersex", "unknown" }
local statuses = { "referred", "screening", "eligible", "in_treatment", "maintenance", "discharged" }

function init(args)
  local token = os.getenv("OPENKAP_TOKEN")
  if not token or token == "" then
    error("OPENKAP_TOKEN is not set")
  end
  if thread_index ~= 1 then
    error("seed.lua needs exactly one wrk thread (-t1)")
  end
  quota = tonumber(os.getenv("OPENKAP_SEED_COUNT") or "1000")
  post_headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  issued, created, failed, answered = 0, 0, 0, 0
  primed = false
  finished = false
  min_id, max_id = -1, -1
  math.randomseed(1000 + thread_index) -- deterministic data set
end

function request()
  -- wrk calls request() once on the first thread just to inspect it, and discards the result;
  -- so each thread's first request is a harmless GET /healthz and is not counted.
  if not primed then
    primed = true
    return wrk.format("GET", "/healthz")
  end
  if issued >= quota then
    return wrk.format("GET", "/healthz")
  end
  issued = issued + 1
  local body = string.format(
    '{"given_name":"%s","family_name":"%s","birth_date":"%04d-%02d-%02d","sex_at_birth":"%s","status":"%s"}',
    given[math.random(#given)], family[math.random(#family)], math.random(1930, 2005), math.random(1, 12),
    math.random(1, 28), sexes[math.random(#sexes)], statuses[issued % #statuses + 1])
  return wrk.format("POST", "/api/v1/patients", post_headers, body)
end

function response(status, headers, body)
  -- Responses come back in request order on each connection; /healthz answers carry "status".
  if status == 201 then
    created = created + 1
    local id = tonumber(string.match(body, '"id":%s*(%d+)'))
    if id then
      if min_id < 0 or id < min_id then min_id = id end
      if id > max_id then max_id = id end
    end
    answered = answered + 1
  elseif string.find(body, '"status":%s*"ok"') == nil then
    failed = failed + 1
    answered = answered + 1
    if failed <= 3 then
      io.stderr:write("seed: HTTP " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
    end
  end
  if answered >= quota and not finished then
    finished = true
    local ffi = require("ffi")
    ffi.cdef("int kill(int pid, int sig); int getpid(void);")
    ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk stops all threads and prints its summary
  end
end

function done(summary, latency, requests)
  local c, f, lo, hi = 0, 0, -1, -1
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    f = f + (t:get("failed") or 0)
    local a, b = t:get("min_id"), t:get("max_id")
    if a and a >= 0 and (lo < 0 or a < lo) then lo = a end
    if b and b > hi then hi = b end
  end
  local secs = summary.duration / 1e6
  io.write(string.format("SEED created=%d failed=%d min_id=%d max_id=%d seconds=%.3f per_second=%.1f\n",
    c, f, lo, hi, secs, c / secs))
end
