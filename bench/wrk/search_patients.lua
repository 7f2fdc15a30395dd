-- wrk scenario: GET /api/v1/patients?q=<prefix> (name search).
-- Env: OPENKAP_TOKEN (required); OPENKAP_Q_PREFIXES comma-separated prefixes (default: prefixes of
-- the names bench/wrk/seed.lua uses); OPENKAP_SEARCH_LIMIT (page size, default 20).
-- Usage: OPENKAP_TOKEN=... wrk -t1 -c32 -d10s --latency -s bench/wrk/search_patients.lua http://127.0.0.1:PORT

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
  headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
  local list = os.getenv("OPENKAP_Q_PREFIXES") or
    "ali,ben,car,dav,eli,fat,gab,han,isa,jam,kai,lea,mar,noa,oli,pau,rav,sam,tom,vic,and,bro,cha,dia,eva,gar,hen,iva,joh,kim"
  prefixes = {}
  for p in string.gmatch(list, "[^,]+") do
    prefixes[#prefixes + 1] = p
  end
  limit = os.getenv("OPENKAP_SEARCH_LIMIT") or "20"
  math.randomseed(os.time() * 1000 + (thread_index or 1))
end

function request()
  return wrk.format("GET", "/api/v1/patients?q=" .. prefixes[math.random(#prefixes)] .. "&limit=" .. limit, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f req_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
