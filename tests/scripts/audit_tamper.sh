#!/usr/bin/env bash
# Black-box check of the audit hash chain: events from real HTTP requests land in audit_log,
# `openkap audit verify` accepts the untouched chain and rejects an edited or deleted row.
# Needs: $OPENKAP_BIN (default build/openkap), sqlite3, curl. Usage: tests/scripts/audit_tamper.sh
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${OPENKAP_BIN:-build/openkap}"
[[ "$BIN" = /* ]] || BIN="$REPO_ROOT/$BIN"

FAILED=0
pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; FAILED=1; }
die() { printf 'FAIL %s\n' "$*"; exit 1; }

for tool in sqlite3 curl; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[[ -x "$BIN" ]] || die "openkap binary not found at $BIN (set OPENKAP_BIN)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/openkap-audit-tamper.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB="$WORK/openkap.db"
PASSWORD="tamper-admin-password"

"$BIN" migrate --db "$DB" >/dev/null || die "openkap migrate"
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "$DB" --username admin --role admin --password-stdin >/dev/null \
  || die "openkap user add"
pass "fresh database with an admin"

"$BIN" serve --db "$DB" --listen 127.0.0.1:0 >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER_PID=$!
BASE=""
for _ in $(seq 1 300); do
  BASE="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/stdout" | head -n1 || true)"
  [[ -n "$BASE" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited early: $(tail -n 5 "$WORK/stderr")"
  sleep 0.05
done
[[ -n "$BASE" ]] || die "server did not print its listening line"
pass "server listening on $BASE"

# json_get FIELD: first value of a top-level-ish "FIELD": scalar (good enough for our small bodies).
json_get() { grep -oE "\"$1\"[[:space:]]*:[[:space:]]*(\"[^\"]*\"|[0-9]+)" | head -n1 | sed -E 's/^[^:]*:[[:space:]]*"?([^"]*)"?$/\1/'; }

LOGIN="$(curl -sS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  --data "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}")"
TOKEN="$(printf '%s' "$LOGIN" | json_get token)"
[[ "$TOKEN" =~ ^[0-9a-f]{64}$ ]] || die "login: $LOGIN"
pass "logged in"

CREATE_HDRS="$WORK/create.hdrs"
CREATE="$(curl -sS -D "$CREATE_HDRS" -X POST "$BASE/api/v1/patients" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H 'X-Request-Id: tamper-create-1' \
  --data '{"given_name":"Tamper","family_name":"Evident","birth_date":"1980-05-06","sex_at_birth":"female"}')"
grep -qE '^HTTP/1\.[01] 201' "$CREATE_HDRS" || die "create patient: $(head -n1 "$CREATE_HDRS") $CREATE"
PID_="$(printf '%s' "$CREATE" | json_get id)"
[[ "$PID_" =~ ^[0-9]+$ ]] || die "no patient id in $CREATE"
pass "created patient $PID_"

READ_CODE="$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'X-Request-Id: tamper-read-1' "$BASE/api/v1/patients/$PID_")"
[[ "$READ_CODE" == 200 ]] || die "read patient: $READ_CODE"
pass "read patient $PID_"

AUDIT="$(curl -sS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/audit?patient=$PID_")"
if grep -q '"patient.create"' <<<"$AUDIT" && grep -q '"tamper-create-1"' <<<"$AUDIT"; then
  pass "patient.create is in /api/v1/audit"
else
  fail "patient.create missing from /api/v1/audit: $AUDIT"
fi
if grep -q '"patient.read"' <<<"$AUDIT" && grep -q '"tamper-read-1"' <<<"$AUDIT"; then
  pass "patient.read is in /api/v1/audit"
else
  fail "patient.read missing from /api/v1/audit: $AUDIT"
fi

kill -TERM "$SERVER_PID"
set +e
wait "$SERVER_PID"
SERVE_RC=$?
set -e
SERVER_PID=""
if [[ "$SERVE_RC" -eq 0 ]]; then pass "server stopped on SIGTERM with exit 0"; else fail "server exit code after SIGTERM: $SERVE_RC"; fi

if OUT="$("$BIN" audit verify --db "$DB" 2>&1)"; then
  pass "audit verify accepts the untouched chain ($OUT)"
else
  fail "audit verify rejects the untouched chain: $OUT"
fi

CREATE_ID="$(sqlite3 "$DB" "SELECT id FROM audit_log WHERE action='patient.create' AND request_id='tamper-create-1' ORDER BY id LIMIT 1;")"
READ_ID="$(sqlite3 "$DB" "SELECT id FROM audit_log WHERE action='patient.read' AND request_id='tamper-read-1' ORDER BY id LIMIT 1;")"
[[ "$CREATE_ID" =~ ^[0-9]+$ ]] || die "patient.create row not found in audit_log"
[[ "$READ_ID" =~ ^[0-9]+$ ]] || die "patient.read row not found in audit_log"
ROWS="$(sqlite3 "$DB" "SELECT count(*) FROM audit_log;")"
pass "audit_log has $ROWS rows; create is id $CREATE_ID, read is id $READ_ID"

# expect_broken LABEL DBFILE ENTRY_ID: verify must fail and name ENTRY_ID in its one-line message.
expect_broken() {
  local label="$1" db="$2" id="$3" out rc
  set +e
  out="$("$BIN" audit verify --db "$db" 2>&1)"
  rc=$?
  set -e
  if [[ "$rc" -eq 0 ]]; then
    fail "$label: audit verify exited 0 ($out)"
    return
  fi
  pass "$label: audit verify exits $rc"
  if grep -qE "(^|[^0-9])$id([^0-9]|$)" <<<"$out"; then
    pass "$label: message names entry $id: $out"
  else
    fail "$label: message does not name entry $id: $out"
  fi
  local lines
  lines="$(grep -c . <<<"$out" || true)"
  if [[ "$lines" -eq 1 ]]; then pass "$label: one-line message"; else fail "$label: $lines lines of output: $out"; fi
}

# 1) Edit one row (the create becomes a read): the chain must break at that entry.
cp "$DB" "$WORK/edited.db"
sqlite3 "$WORK/edited.db" "UPDATE audit_log SET action='patient.read' WHERE id=$CREATE_ID;"
expect_broken "edited row" "$WORK/edited.db" "$CREATE_ID"

# 2) Edit another column of another row: every column must be covered by the hash.
cp "$DB" "$WORK/edited2.db"
sqlite3 "$WORK/edited2.db" "UPDATE audit_log SET outcome='denied' WHERE id=$READ_ID;"
expect_broken "edited outcome" "$WORK/edited2.db" "$READ_ID"

# 3) Delete a row in a second copy: the entry after the gap no longer links to its predecessor.
cp "$DB" "$WORK/deleted.db"
NEXT_ID="$(sqlite3 "$WORK/deleted.db" "SELECT min(id) FROM audit_log WHERE id > $CREATE_ID;")"
sqlite3 "$WORK/deleted.db" "DELETE FROM audit_log WHERE id=$CREATE_ID;"
set +e
OUT="$("$BIN" audit verify --db "$WORK/deleted.db" 2>&1)"
RC=$?
set -e
if [[ "$RC" -ne 0 ]]; then
  pass "deleted row: audit verify exits $RC ($OUT)"
  if grep -qE "(^|[^0-9])($CREATE_ID|$NEXT_ID)([^0-9]|$)" <<<"$OUT"; then
    pass "deleted row: message names entry $CREATE_ID or its successor $NEXT_ID"
  else
    fail "deleted row: message names neither $CREATE_ID nor $NEXT_ID: $OUT"
  fi
else
  fail "deleted row: audit verify exited 0 ($OUT)"
fi

# 4) Deleting the newest row (truncating the tail) cannot be seen from the chain alone; we only
#    report what verify says, without failing.
cp "$DB" "$WORK/tail.db"
sqlite3 "$WORK/tail.db" "DELETE FROM audit_log WHERE id=(SELECT max(id) FROM audit_log);"
set +e
OUT="$("$BIN" audit verify --db "$WORK/tail.db" 2>&1)"
RC=$?
set -e
printf 'INFO truncated tail: audit verify exits %s (%s)\n' "$RC" "$OUT"

# The original is still intact after all this.
if "$BIN" audit verify --db "$DB" >/dev/null 2>&1; then
  pass "original database still verifies"
else
  fail "original database no longer verifies"
fi

if [[ "$FAILED" -ne 0 ]]; then
  echo "audit_tamper: FAILED"
  exit 1
fi
echo "audit_tamper: all checks passed"
