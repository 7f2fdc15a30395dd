-- wrk scenario: POST /api/v1/patients with a unique-ish name per request.
-- Env: OPENKAP_TOKEN (required).
-- Usage: OPENKAP_TOKEN=... wrk -t1 -c32 -d10s --latency -s bench/wrk/create_patient.lua http://127.0.0.1:PORT

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_index", counter)
end

local given = { "Ana", "Ben", "Chloe", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines", "Jonas",
  "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq" }
local sexes = { "female", "male", "intersex", "unknown" }

-- Letters only, so the name passes any "looks like a name" rule: n -> "bcd..." in base 26.
local function letters(n)
  local s = ""
  repeat
    s = string.char(97 + n % 26) .. s
    n = math.floor(n / 26)
  until n == 0
  return s
end

function init(args)
  local token = os.getenv("OPENKAP_TOKEN")
  if not token or token == "" then
    error("OPENKAP_TOKEN is not set")
  end
  headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  seq = 0
  run = os.time() % 100000
  math.randomseed(os.time() * 1000 + (thread_index or 1))
end

function request()
  seq = seq + 1
  local body = string.format(
    '{"given_name":"%s","family_name":"Bench%s","birth_date":"%04d-%02d-%02d","sex_at_birth":"%s"}',
    given[math.random(#given)], letters(run * 1000000 + (thread_index or 1) * 100000000 + seq),
    math.random(1930, 2005), math.random(1, 12), math.random(1, 28), sexes[math.random(#sexes)])
  return wrk.format("POST", "/api/v1/patients", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f req_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
