#!/usr/bin/env bash
# Load benchmark of `openkap serve` with wrk, on loopback, bounded in time. Builds nothing.
#
#   bench/run-wrk.sh [N_PATIENTS]          # default 1000; e.g. 100000 for a large data set
#
# The server runs pinned to one core (SERVER_CPU, default 0) on a fresh temporary database,
# exactly N patients are seeded through the API (wrk with bench/wrk/seed.lua, SEED_CONNECTIONS
# concurrent connections; ~100k patients take well under a minute), then wrk runs pinned
# to another core (WRK_CPU, default 1) for each scenario:
#   get     GET  /api/v1/patients/{id}      (bench/wrk/get_patient.lua)
#   search  GET  /api/v1/patients?q=prefix  (bench/wrk/search_patients.lua)
#   create  POST /api/v1/patients           (bench/wrk/create_patient.lua)
# and a Markdown table of req/s, p50, p99, errors and the server's RSS is printed.
#
# Env: OPENKAP_BIN (default build/openkap), DURATION (10s), CONNECTIONS (32), THREADS (1),
#      SERVER_CPU (0), WRK_CPU (1), SEED_CONNECTIONS (32), SEED_TIMEOUT (1800 s cap),
#      SCENARIOS ("get search create"), KEEP_DB=1 to keep the temp directory,
#      RESULTS_FILE to also write the table there.
# Needs: wrk, curl, taskset.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${OPENKAP_BIN:-build/openkap}"
[[ "$BIN" = /* ]] || BIN="$REPO_ROOT/$BIN"
N="${1:-1000}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
SERVER_CPU="${SERVER_CPU:-0}"
WRK_CPU="${WRK_CPU:-1}"
SEED_CONNECTIONS="${SEED_CONNECTIONS:-32}"
SEED_TIMEOUT="${SEED_TIMEOUT:-1800}"
SCENARIOS="${SCENARIOS:-get search create}"
WRK_DIR="$REPO_ROOT/bench/wrk"

die() { echo "run-wrk: $*" >&2; exit 1; }
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "N_PATIENTS must be a positive integer (got '$N')"
for tool in wrk curl taskset; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
[[ -x "$BIN" ]] || die "no server binary at $BIN (build it first, or set OPENKAP_BIN)"
NCPU="$(nproc)"
if (( SERVER_CPU >= NCPU || WRK_CPU >= NCPU )); then die "need CPUs $SERVER_CPU and $WRK_CPU; this machine has $NCPU"; fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/openkap-wrk.XXXXXX")"
DB="$WORK/openkap.db"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${KEEP_DB:-0}" = 1 ]]; then echo "run-wrk: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?"; }
mib() { [[ "$1" =~ ^[0-9]+$ ]] && awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' || echo "?"; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
# A free loopback port chosen up front, so the first-answer clock can start at exec time.
PORT=""
for _ in $(seq 1 50); do
  candidate=$(( 20000 + RANDOM % 30000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then PORT="$candidate"; break; fi
done
[[ -n "$PORT" ]] || die "no free loopback port found"
BASE="http://127.0.0.1:$PORT"
ADMIN_PASSWORD="bench-admin-password"

"$BIN" migrate --db "$DB" >/dev/null || die "openkap migrate failed"
printf '%s\n' "$ADMIN_PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --password-stdin >/dev/null \
  || die "openkap user add failed"

echo "run-wrk: starting $BIN on $BASE (cpu $SERVER_CPU), db $DB" >&2
T0="$(now_ns)"
taskset -c "$SERVER_CPU" "$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER_PID=$!
T_FIRST=""
for _ in $(seq 1 3000); do
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/healthz" || true)" == 200 ]]; then
    T_FIRST="$(now_ns)"; break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited: $(tail -n 5 "$WORK/stderr")"
  sleep 0.005
done
[[ -n "$T_FIRST" ]] || die "server did not answer /healthz within ~30 s"
START_MS="$(ms_between "$T0" "$T_FIRST")"
grep -q "OpenKAP listening on $BASE" "$WORK/stdout" || echo "run-wrk: warning: listening line not seen on stdout" >&2
sleep 1
RSS_IDLE="$(rss_kib)"

LOGIN="$(curl -sS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  --data "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}")"
TOKEN="$(grep -oE '"token"[[:space:]]*:[[:space:]]*"[0-9a-f]{64}"' <<<"$LOGIN" | grep -oE '[0-9a-f]{64}' || true)"
[[ -n "$TOKEN" ]] || die "login failed: $LOGIN"
export OPENKAP_TOKEN="$TOKEN"

field() { sed -nE "s/.*[[:space:]]$1=([^[:space:]]+).*/\1/p" <<<"$2" | head -n1; }

echo "run-wrk: seeding $N patients ($SEED_CONNECTIONS connections) ..." >&2
SEED_OUT="$(OPENKAP_SEED_COUNT="$N" taskset -c "$WRK_CPU" \
  wrk -t1 -c"$SEED_CONNECTIONS" -d"${SEED_TIMEOUT}s" --timeout 30s -s "$WRK_DIR/seed.lua" "$BASE" 2>&1)" \
  || die "seeding failed: $SEED_OUT"
SEED_LINE="$(grep '^SEED ' <<<"$SEED_OUT" || true)"
SEED_CREATED="$(field created "$SEED_LINE")"
SEED_MIN="$(field min_id "$SEED_LINE")"
SEED_MAX="$(field max_id "$SEED_LINE")"
SEED_RATE="$(field per_second "$SEED_LINE")"
SEED_SECS="$(field seconds "$SEED_LINE")"
[[ "$SEED_CREATED" == "$N" && "$(field failed "$SEED_LINE")" == 0 ]] || die "seeding created ${SEED_CREATED:-?} of $N: $SEED_OUT"
export OPENKAP_ID_MIN="$SEED_MIN" OPENKAP_ID_MAX="$SEED_MAX"
sleep 1
RSS_SEEDED="$(rss_kib)"

ROWS=()
for sc in $SCENARIOS; do
  case "$sc" in
    get) script=get_patient.lua; label='GET /api/v1/patients/{id}' ;;
    search) script=search_patients.lua; label='GET /api/v1/patients?q=prefix' ;;
    create) script=create_patient.lua; label='POST /api/v1/patients' ;;
    *) die "unknown scenario $sc" ;;
  esac
  echo "run-wrk: $sc: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (cpu $WRK_CPU)" >&2
  OUT="$(taskset -c "$WRK_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WRK_DIR/$script" "$BASE" 2>&1)" \
    || die "wrk failed for $sc: $OUT"
  printf '%s\n' "$OUT" >"$WORK/wrk-$sc.txt"
  LINE="$(grep '^BENCH ' <<<"$OUT" || true)"
  [[ -n "$LINE" ]] || die "no BENCH line from $script: $OUT"
  kill -0 "$SERVER_PID" 2>/dev/null || die "server died during $sc: $(tail -n 5 "$WORK/stderr")"
  ROWS+=("| $label | $(field req_s "$LINE") | $(field p50_ms "$LINE") | $(field p99_ms "$LINE") | $(field max_ms "$LINE") | $(field requests "$LINE") | $(field non2xx "$LINE") | $(field socket_errors "$LINE") | $(mib "$(rss_kib)") |")
done

kill -TERM "$SERVER_PID"
set +e
wait "$SERVER_PID"
EXIT_CODE=$?
set -e
SERVER_PID=""

{
  echo "## OpenKAP wrk benchmark"
  echo
  echo "- $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -m), $NCPU CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
  echo "- server: \`$(basename "$BIN") serve\` pinned to CPU $SERVER_CPU; wrk pinned to CPU $WRK_CPU: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`; loopback"
  echo "- start to first /healthz answer: **${START_MS} ms**; RSS idle: $(mib "$RSS_IDLE"); after seeding: $(mib "$RSS_SEEDED")"
  echo "- seeded $N patients through the API in ${SEED_SECS} s (${SEED_RATE}/s, $SEED_CONNECTIONS connections), ids $SEED_MIN..$SEED_MAX"
  echo "- exit code after SIGTERM: $EXIT_CODE"
  echo
  echo "| scenario | req/s | p50 ms | p99 ms | max ms | requests | non-2xx | socket errors | RSS after |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for r in "${ROWS[@]}"; do echo "$r"; done
} | tee "${RESULTS_FILE:-/dev/null}"
