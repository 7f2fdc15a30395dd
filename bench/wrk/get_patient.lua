-- wrk scenario: GET /api/v1/patients/{id} with a bearer token.
-- Env: OPENKAP_TOKEN (required), OPENKAP_ID_MIN / OPENKAP_ID_MAX (ids drawn uniformly; default 1..1000).
-- Usage: OPENKAP_TOKEN=... wrk -t1 -c32 -d10s --latency -s bench/wrk/get_patient.lua http://127.0.0.1:PORT

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_index", counter)
end

function init(args)
  local token = os.getenv("OPENKAP_TOKEN")
  if not token or token == "" then
    error("OPENKAP_TOKEN is not set")
  end
  id_min = tonumber(os.getenv("OPENKAP_ID_MIN") or "1")
  id_max = tonumber(os.getenv("OPENKAP_ID_MAX") or "1000")
  headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
  math.randomseed(os.time() * 1000 + (thread_index or 1))
end

function request()
  return wrk.format("GET", "/api/v1/patients/" .. math.random(id_min, id_max), headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f req_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
