#!/usr/bin/env bash
# Dashboard latency benchmark: every /app page under load on a large store.
#
#   benchmarks/dashboard/run.sh DB BINARY [options]
#
# DB is a SQLite file made by benchmarks/dashboard/generate.py (which leaves DB.keys.json with the
# store's secret key and DB.meta.json with customer ids worth looking at); BINARY is a patron release
# binary. The script:
#   1. migrates DB and creates the dashboard user (`patron users create`, password on stdin);
#   2. starts `patron serve` on DB (no scheduled refreshes, no job workers, so nothing runs beside the
#      pages), then runs an analytics refresh (POST /api/v1/analytics/refresh with the secret key) and
#      records its time and the server's peak memory (VmHWM);
#   3. signs in like a browser (GET /app/login, the hidden _csrf of form#login-form, POST /app/login)
#      and keeps the session cookie;
#   4. checks each page answers 200 when signed in, then loads it with `hey -z DURATION -c CONCURRENCY`
#      (or wrk) and prints a table of requests/s, p50/p95/p99 and non-200 answers, also written to the
#      results file (raw tool output beside it).
#
# Options:
#   --results FILE      results file (default: DIR/dashboard-results-YYYYmmdd-HHMMSS.md beside DB)
#   --port N            port for patron serve (default 8099)
#   --duration D        load duration per page, hey/wrk syntax (default 10s)
#   --concurrency N     concurrent connections (default 4)
#   --tool hey|wrk      load generator (default: hey if installed, else wrk)
#   --no-refresh        skip the analytics refresh (the database was refreshed already)
#   --refresh-only      run the refresh, report time and memory, and stop (no user, no pages)
#   --pages LIST        space-separated paths to load instead of the default list
#   --no-login          no user and no sign-in: load the pages anonymously (only /healthz makes sense;
#                       for binaries without the dashboard)
# Environment: BENCH_EMAIL (bench@example.com), BENCH_PASSWORD (a fixed benchmark password),
#   CUSTOMER_ID / TYPICAL_CUSTOMER_ID (default: the heaviest and a typical buyer from DB.meta.json).
#   CAMPAIGN_ID (default: the campaign with the most messages; its results page is loaded).
set -euo pipefail

usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

[[ $# -ge 2 ]] || usage
DB=$1
BIN=$2
shift 2
PORT=8099
DURATION=10s
CONCURRENCY=4
TOOL=""
REFRESH=1
REFRESH_ONLY=0
RESULTS=""
PAGES_OVERRIDE=""
LOGIN=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --results) RESULTS=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --concurrency) CONCURRENCY=$2; shift 2 ;;
        --tool) TOOL=$2; shift 2 ;;
        --no-refresh) REFRESH=0; shift ;;
        --refresh-only) REFRESH_ONLY=1; shift ;;
        --pages) PAGES_OVERRIDE=$2; shift 2 ;;
        --no-login) LOGIN=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown option $1" >&2; usage ;;
    esac
done

EMAIL=${BENCH_EMAIL:-bench@example.com}
PASSWORD=${BENCH_PASSWORD:-bench-dashboard-password-2026}
BASE="http://127.0.0.1:$PORT"

die() { echo "run.sh: $*" >&2; exit 1; }
[[ -f $DB ]] || die "no database at $DB (make one with benchmarks/dashboard/generate.py)"
[[ -x $BIN ]] || die "$BIN is not an executable"
command -v curl >/dev/null || die "curl is needed"
command -v python3 >/dev/null || die "python3 is needed"
if [[ -z $TOOL ]]; then
    if command -v hey >/dev/null; then TOOL=hey; elif command -v wrk >/dev/null; then TOOL=wrk; fi
fi
if [[ $REFRESH_ONLY == 0 ]]; then
    [[ $TOOL == hey || $TOOL == wrk ]] || die "install hey or wrk (apt-get install -y hey wrk)"
    command -v "$TOOL" >/dev/null || die "$TOOL is not installed"
fi
if curl -s -o /dev/null "$BASE/healthz"; then die "something already listens on port $PORT (use --port)"; fi

DB_DIR=$(cd "$(dirname "$DB")" && pwd)
STAMP=$(date -u +%Y%m%d-%H%M%S)
RESULTS=${RESULTS:-$DB_DIR/dashboard-results-$STAMP.md}
RAW=${RESULTS%.md}.raw
mkdir -p "$RAW"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

json_field() { # json_field FILE python-expression-on-d
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null || true
}

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

"$BIN" migrate --database "$DB" >/dev/null

# --- the dashboard user (before the server starts, so the CLI has the database to itself)
if [[ $REFRESH_ONLY == 0 && $LOGIN == 1 ]]; then
    log "creating dashboard user $EMAIL"
    if ! printf '%s\n' "$PASSWORD" | "$BIN" users create --database "$DB" --store 1 --email "$EMAIL" --role owner \
        >"$WORK/user.out" 2>&1; then
        # A second run finds the user there already: give it this run's password (newer binaries have
        # `users set-password`); signing in below tells whether that worked.
        log "users create: $(head -c 400 "$WORK/user.out")"
        if printf '%s\n' "$PASSWORD" | "$BIN" users set-password --database "$DB" --email "$EMAIL" >"$WORK/user.out" 2>&1; then
            log "password of $EMAIL set with users set-password"
        else
            log "users set-password: $(head -c 400 "$WORK/user.out")"
        fi
    fi
fi

# --- the server
log "starting $BIN serve on $DB (port $PORT)"
"$BIN" serve --database "$DB" --port "$PORT" --host 127.0.0.1 --analytics-interval 0 --workers 0 \
    >"$RAW/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$BASE/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "patron serve exited; see $RAW/serve.log"
    sleep 0.2
done
curl -fs -o /dev/null "$BASE/healthz" || die "patron serve did not answer /healthz; see $RAW/serve.log"

peak_rss_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?"; }
current_rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?"; }

REFRESH_NOTE="not run (--no-refresh)"
if [[ $REFRESH == 1 || $REFRESH_ONLY == 1 ]]; then
    SECRET=$(json_field "$DB.keys.json" 'd["secretKey"]')
    [[ -n $SECRET ]] || die "no secret key in $DB.keys.json (needed for POST /api/v1/analytics/refresh)"
    log "analytics refresh (POST /api/v1/analytics/refresh) ..."
    RSS_BEFORE=$(current_rss_mib)
    started=$(date +%s.%N)
    status=$(curl -sS -o "$RAW/refresh.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $SECRET" \
        "$BASE/api/v1/analytics/refresh")
    finished=$(date +%s.%N)
    REFRESH_SECONDS=$(python3 -c "print(f'{$finished - $started:.1f}')")
    [[ $status == 200 ]] || die "the refresh answered $status: $(head -c 600 "$RAW/refresh.json")"
    REFRESH_PEAK=$(peak_rss_mib)
    REFRESH_NOTE="$REFRESH_SECONDS s wall clock; server peak RSS $REFRESH_PEAK MiB (VmHWM; $RSS_BEFORE MiB before the refresh)"
    log "refresh: $REFRESH_NOTE"
    log "refresh answer: $(head -c 600 "$RAW/refresh.json")"
    if [[ $REFRESH_ONLY == 1 ]]; then
        printf '# Analytics refresh\n\n- database: %s\n- binary: %s\n- refresh: %s\n- answer: `%s`\n' \
            "$DB" "$BIN" "$REFRESH_NOTE" "$(head -c 2000 "$RAW/refresh.json")" >"$RESULTS"
        log "written $RESULTS"
        exit 0
    fi
fi

# --- sign in like a browser
# The value of the hidden _csrf input inside form#login-form of an HTML file.
login_csrf() {
    python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser

class Finder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 inside form#login-form
        self.token = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "login-form":
            self.depth = 1
        elif tag == "form" and self.depth:
            self.depth += 1
        elif self.depth and tag == "input" and attrs.get("name") == "_csrf" and self.token is None:
            self.token = attrs.get("value")

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1

finder = Finder()
finder.feed(open(sys.argv[1], encoding="utf-8", errors="replace").read())
print(finder.token or "")
PY
}

sign_in() {
    local jar=$WORK/cookies.txt answer session
    curl -sS -c "$jar" -b "$jar" -o "$WORK/login.html" "$BASE/app/login"
    CSRF=$(login_csrf "$WORK/login.html")
    if [[ -z $CSRF ]]; then
        cp "$WORK/login.html" "$RAW/login.html"
        die "no _csrf input in form#login-form of GET /app/login (page saved in $RAW/login.html)"
    fi
    answer=$(curl -sS -c "$jar" -b "$jar" -o "$WORK/login-post.html" -w '%{http_code} %{redirect_url}' \
        --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$CSRF" \
        "$BASE/app/login")
    case $answer in
        30[0-9]*) ;;
        *) cp "$WORK/login-post.html" "$RAW/login-post.html"
           die "signing in answered $answer, not a redirect (page saved in $RAW/login-post.html)" ;;
    esac
    session=$(awk -F '\t' '$6 == "patron_session" {print $7}' "$jar" | tail -1)
    [[ -n $session ]] || die "no patron_session cookie after signing in (answer: $answer)"
    # Every cookie the jar holds (the sign-in cookie is cleared by then; only the session is left).
    COOKIE=$(awk -F '\t' 'NF >= 7 && $1 !~ /^# / {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")
    log "signed in as $EMAIL ($answer)"
}

COOKIE=""
if [[ $LOGIN == 1 ]]; then sign_in; fi

# --- pages
HEAVY=${CUSTOMER_ID:-$(json_field "$DB.meta.json" 'd["heaviest_customer"]["id"]')}
TYPICAL=${TYPICAL_CUSTOMER_ID:-$(json_field "$DB.meta.json" 'd["typical_customer"]["id"]')}
if [[ -z $HEAVY ]]; then # no DB.meta.json: the customer with the most orders after the refresh
    HEAVY=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT customer_id FROM customer_metrics WHERE store_id = 1 ORDER BY orders_count DESC LIMIT 1").fetchone()[0])' "$DB" 2>/dev/null || true)
fi
TYPICAL=${TYPICAL:-$HEAVY}
PROFILES=()
if [[ -n $HEAVY ]]; then PROFILES=("/app/customers/$HEAVY" "/app/customers/$TYPICAL"); else log "no customer id found: profile pages skipped (set CUSTOMER_ID)"; fi
# The campaign with the most messages (its results page groups all of them).
CAMPAIGN=${CAMPAIGN_ID:-$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT campaign_id FROM messages WHERE store_id = 1 AND campaign_id IS NOT NULL GROUP BY campaign_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0])' "$DB" 2>/dev/null || true)}
CAMPAIGNS=()
if [[ -n $CAMPAIGN ]]; then CAMPAIGNS=("/app/campaigns/$CAMPAIGN"); fi
if [[ -n $PAGES_OVERRIDE ]]; then
    read -r -a PAGES <<<"$PAGES_OVERRIDE"
else
    PAGES=(/healthz /app "/app?period=7" /app/customers "/app/customers?sort=clv" "/app/customers?q=smith"
        "${PROFILES[@]}" /app/segments /app/cohorts /app/flows
        /app/flows/order-thank-you /app/campaigns "${CAMPAIGNS[@]}" /app/messages /app/settings)
fi

cat >"$WORK/pct.lua" <<'LUA'
-- wrk: p50/p95/p99 in ms, requests/s and non-200 answers, one line for run.sh to parse
local threads = {}
function setup(thread) table.insert(threads, thread) end
non200 = 0
function response(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
function done(summary, latency, requests)
    local bad = 0
    for _, thread in ipairs(threads) do bad = bad + (thread:get("non200") or 0) end
    io.write(string.format("RESULT %.2f %.2f %.2f %.1f %d %d\n", latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency:percentile(99) / 1000,
        summary.requests / (summary.duration / 1e6), bad + summary.errors.connect + summary.errors.read
        + summary.errors.write + summary.errors.timeout, summary.requests))
end
LUA

# hey's report -> "p50 p95 p99 rps non200 requests" (latencies in ms)
parse_hey() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def pct(p):
    m = re.search(r"^\s*%d%%+ in ([0-9.]+) secs" % p, text, re.M)
    return float(m.group(1)) * 1000 if m else float("nan")
rps = re.search(r"Requests/sec:\s*([0-9.]+)", text)
codes = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", text)}
errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s+Get ", text))
total = sum(codes.values())
bad = total - codes.get(200, 0) + errors
print(f"{pct(50):.2f} {pct(95):.2f} {pct(99):.2f} {float(rps.group(1)) if rps else 0:.1f} {bad} {total}")
PY
}

TARGET_MS=150
declare -a ROWS=()
FAILED=0
for page in "${PAGES[@]}"; do
    headers=()
    [[ $page == /healthz || -z $COOKIE ]] || headers=(-H "Cookie: $COOKIE")
    # Signed in and 200? (a redirect to /app/login would otherwise look like a fast page)
    check=$(curl -sS -o "$WORK/page.html" -w '%{http_code} %{size_download} %{time_total}' "${headers[@]}" "$BASE$page")
    read -r code bytes first_seconds <<<"$check"
    safe=$(echo "$page" | tr '/?=&' '____')
    if [[ $code != 200 ]]; then
        log "$page answered $code; not loaded"
        cp "$WORK/page.html" "$RAW/page$safe.html"
        ROWS+=("| \`$page\` | - | - | - | - | $code | $bytes | FAIL (status $code) |")
        FAILED=1
        continue
    fi
    log "$page: first request $(python3 -c "print(f'{$first_seconds * 1000:.0f}')") ms, $bytes bytes; $TOOL $DURATION x $CONCURRENCY"
    if [[ $TOOL == hey ]]; then
        hey -z "$DURATION" -c "$CONCURRENCY" -disable-redirects "${headers[@]}" "$BASE$page" >"$RAW/hey$safe.txt" 2>&1
        read -r p50 p95 p99 rps bad total <<<"$(parse_hey "$RAW/hey$safe.txt")"
    else
        threads=$(( CONCURRENCY < 2 ? CONCURRENCY : 2 ))
        wrk -t "$threads" -c "$CONCURRENCY" -d "$DURATION" --latency -s "$WORK/pct.lua" "${headers[@]}" "$BASE$page" \
            >"$RAW/wrk$safe.txt" 2>&1
        read -r _ p50 p95 p99 rps bad total <<<"$(grep '^RESULT ' "$RAW/wrk$safe.txt")"
    fi
    verdict=ok
    if [[ $bad != 0 ]]; then verdict="FAIL ($bad non-200)"; FAILED=1
    elif python3 -c "import sys; sys.exit(0 if $p95 < $TARGET_MS else 1)"; then verdict=ok
    else verdict="SLOW (p95 >= $TARGET_MS ms)"; FAILED=1; fi
    [[ $page == /healthz ]] && verdict="baseline"
    ROWS+=("| \`$page\` | $rps | $p50 | $p95 | $p99 | $bad / $total | $bytes | $verdict |")
done

{
    echo "# Dashboard benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- database: \`$DB\` ($(du -h "$DB" | cut -f1)); $(json_field "$DB.meta.json" '"%s customers, %s orders, %s order lines, seed %s, window %s to %s" % (d["customers"], d["orders"], d["rows"].get("order_lines"), d["seed"], d["window"]["start"][:10], d["window"]["end"][:10])')"
    echo "- binary: \`$BIN\` ($(stat -c '%y' "$BIN" | cut -d. -f1))"
    echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- load: \`$TOOL\`, $DURATION per page, $CONCURRENCY connections, $([[ -n $COOKIE ]] && echo "signed in as $EMAIL (owner)" || echo "not signed in"); customers: heaviest ${HEAVY:-none}, typical ${TYPICAL:-none}"
    echo "- analytics refresh: $REFRESH_NOTE"
    echo "- server peak RSS over the whole run: $(peak_rss_mib) MiB"
    echo
    echo "| page | requests/s | p50 ms | p95 ms | p99 ms | non-200 / requests | bytes | p95 < $TARGET_MS ms |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
} >"$RESULTS"
cat "$RESULTS"
log "results in $RESULTS, raw output in $RAW"
exit $FAILED
