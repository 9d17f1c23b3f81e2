# Helpers for the collector's integration tests (sourced after lib.sh).
COLLECTOR="$BIN_DIR/sahab-collector"
PUSH="$(dirname "${BASH_SOURCE[0]}")/sahab_push.py"
ENROL_TOKEN_FILE="$WORK/enrolment-token"
API_TOKEN_FILE="$WORK/api-token"
echo "enrolment-$RANDOM-$RANDOM-0123456789" >"$ENROL_TOKEN_FILE"
echo "admin-$RANDOM-$RANDOM-0123456789" >"$API_TOKEN_FILE"
API_AUTH="Authorization: Bearer $(cat "$API_TOKEN_FILE")"

# The store the collector runs on: $WORK/sahab.db, or the PostgreSQL server SAHAB_TEST_STORE names
# when the test runs through with_postgres.sh (the same test then proves the PostgreSQL store).
if [[ -n "${SAHAB_TEST_STORE:-}" ]]; then
  # No database file to keep the sources' key beside.
  STORE_FLAGS=(--store "$SAHAB_TEST_STORE" --sources.key-file "$WORK/sources.key")
else
  STORE_FLAGS=(--db "$WORK/sahab.db")
fi

# start_collector [EXTRA FLAGS...]: runs the collector on a free port with its store (above);
# sets URL and COLLECTOR_PID.
start_collector() {
  local port
  port=$(free_port)
  URL="http://127.0.0.1:$port"
  start collector "$COLLECTOR" --listen "127.0.0.1:$port" "${STORE_FLAGS[@]}" \
    --enrolment-token-file "$ENROL_TOKEN_FILE" --api-token-file "$API_TOKEN_FILE" "$@"
  COLLECTOR_PID=$LAST_PID
  wait_http "$URL/healthz"
}

# start_two_collectors [EXTRA FLAGS...]: start_collector twice, same flags, same store: URL_A and
# PID_A (its log collector-a.log), URL_B and PID_B (collector.log).
start_two_collectors() {
  start_collector "$@"
  URL_A=$URL PID_A=$COLLECTOR_PID
  mv "$WORK/collector.log" "$WORK/collector-a.log"
  start_collector "$@"
  URL_B=$URL PID_B=$COLLECTOR_PID
}

# api PATH: GET an admin API path, failing the test on a non-200 answer.
api() { curl -fsS -H "$API_AUTH" "$URL$1"; }


# ingest CRED FILE [CURL ARGS...]: POSTs FILE to /api/v1/ingest; prints the HTTP status.
ingest() {
  local cred="$1" file="$2"; shift 2
  curl -s -o "$WORK/reply.json" -w '%{http_code}' -H "Authorization: Bearer $cred" \
    -H 'Content-Type: application/json' --data-binary @"$file" "$@" "$URL/api/v1/ingest"
}

# sql QUERY: runs a read-only query on the collector's database (columns joined by '|').
sql() {
  if [[ -n "${SAHAB_TEST_STORE:-}" ]]; then
    psql -X -A -t -q -F '|' -v ON_ERROR_STOP=1 "$SAHAB_TEST_STORE" -c "$1"
    return
  fi
  python3 -c "import sqlite3,sys; c=sqlite3.connect('file:$WORK/sahab.db?mode=ro', uri=True); print('\n'.join('|'.join(map(str,r)) for r in c.execute(sys.argv[1])))" "$1"
}

# store_intact: SQLite's integrity check of the database file (PostgreSQL checks its own pages).
store_intact() {
  [[ -n "${SAHAB_TEST_STORE:-}" ]] && return 0
  [[ "$(sql "PRAGMA integrity_check")" == ok ]]
}

# report_inventory HOST_ID "PROTO/PORT/PROCESS ..." "SERVICE ...": enrols HOST_ID and pushes one
# inventory whose network section listens on those ports and whose software section runs those
# services (a migrated server's source or target, for the before/after validation).
report_inventory() {
  local cred
  cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" "$1")
  python3 - "$2" "$3" >"$WORK/inv-$1.json" <<'PY'
import json, sys
listening = [{"protocol": p.split("/")[0], "address": "0.0.0.0", "port": int(p.split("/")[1]), "process": p.split("/")[2]}
             for p in sys.argv[1].split()]
services = [{"name": n, "state": "running", "enabled": True, "running": True} for n in sys.argv[2].split()]
print(json.dumps({"format": "sahab-inventory/1", "full": True, "sections": {
    "network": {"hash": "n-" + sys.argv[1], "data": {"listening": listening}},
    "software": {"hash": "s-" + sys.argv[2], "data": {"services": services}}}}))
PY
  python3 "$PUSH" doc "$1" 1 --inventory "$WORK/inv-$1.json" >"$WORK/batch-$1.json"
  [[ "$(ingest "$cred" "$WORK/batch-$1.json")" == 200 ]] || fail "ingest $1: $(cat "$WORK/reply.json")"
}

# Signed-in web UI users against the API, as the browser calls it (session cookie + CSRF token).
# login USER PASSWORD JAR: signs in, keeps the cookie in JAR, prints the CSRF token.
login() {
  curl -fsS -c "$3" -H 'Content-Type: application/json' \
    -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/login" | json 'd["csrf_token"]'
}
# session_user BASE JAR [CURL ARGS...]: whom the session cookie in JAR (login's) signs in at BASE
# (GET /api/v1/session; the answer left in $WORK/answer.json), empty when not signed in there.
# The cookie goes as the browser sends it to the site's name: the jar holds it for the address
# the user signed in at.
session_user() {
  local base="$1" jar="$2" cookie
  shift 2
  cookie=$(awk -F'\t' 'NF >= 7 { print $6 "=" $7 }' "$jar")
  [[ -n $cookie ]] || fail "no session cookie: $(cat "$jar")"
  [[ "$(curl -s -o "$WORK/answer.json" -w '%{http_code}' -H "Cookie: $cookie" "$@" "$base/api/v1/session")" == 200 ]] ||
    return 0
  json 'd.get("user", "")' <"$WORK/answer.json"
}
# as USER METHOD PATH [BODY]: USER's request (cookie jar $WORK/USER, CSRF token in the variable
# named USER); prints the HTTP status, leaves the answer in $WORK/answer.json.
as() {
  local user="$1" method="$2" path="$3" body="${4-}" token
  token="${!user}"
  curl -s -o "$WORK/answer.json" -w '%{http_code}' -b "$WORK/$user" -H "X-CSRF-Token: $token" \
    -H 'Content-Type: application/json' -X "$method" ${body:+-d "$body"} "$URL$path"
}
# expect STATUS USER METHOD PATH [BODY]: as, and the answer must have STATUS.
expect() {
  local want="$1"; shift
  local got
  got=$(as "$@")
  [[ "$got" == "$want" ]] || fail "$* -> HTTP $got (want $want): $(head -c 2000 "$WORK/answer.json")"
}
# code: the error code of the last answer.
code() { json 'd["code"]' <"$WORK/answer.json"; }
