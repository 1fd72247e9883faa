#!/usr/bin/env bash
# The middleware-overhead baseline (see bench/README.md): the service's GET /health/live, which
# goes through all of the service's middleware (tracing, security headers, error pages, Origin
# check, CSRF cookie, compression) but does no work of its own, next to a bare actix-web server
# answering the same JSON with no middleware (`loadgen bare`). Both run one actix worker on
# 127.0.0.1; the load generator runs one tokio thread.
#
#   bench/health.sh            # from anywhere; about 3 minutes after an up-to-date build
#
# 1. closed loop: CONNECTIONS keep-alive connections as fast as they go, WARMUP + DURATION s,
#    against the service, then the bare server: req/s, latency, the ratio, and each server's
#    CPU time per response (from /proc/PID/stat);
# 2. open loop: RATE req/s over the same connections against both: p99, the ratio, CPU time.
#
# The target — the service's middleware costs at most MAX_OVERHEAD % of a bare actix handler —
# is judged in the closed loop on (service user CPU − bare user CPU) per response over the bare
# server's whole CPU per response (user + system). The middleware runs in user space; the
# kernel's share (loopback TCP, ~2/3 of the cost) is the same work for both but varies by ±15%
# from run to run on the 2-core VM, which swamps the difference in req/s and in total CPU time
# (both printed too). The generator needs about as much CPU per request as the server, so
# on 2 cores req/s is bounded by both.
#
# Settings (environment): PORT (18180; the bare server uses PORT+1), DURATION (10), WARMUP (3),
# ROUNDS (3: each load runs ROUNDS times, service and bare alternating; the summary gives
# medians), CONNECTIONS (32), RATE (5000), THREADS (1, load-generator threads), MAX_OVERHEAD (25),
# QUIET_WAIT (120: before each load, wait up to this many seconds for the machine to be at most
# 10% busy, i.e. for other builds to finish), STRICT=1 (also fail when the target is missed),
# BENCH_KEEP=1 (keep logs and results).
#
# Exits 1 when any response is not 2xx or a connection error or timeout happened.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
trap stop_all EXIT

PORT=${PORT:-18180}
BARE_PORT=$((PORT + 1))
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-32}
RATE=${RATE:-5000}
THREADS=${THREADS:-1}
MAX_OVERHEAD=${MAX_OVERHEAD:-25}
STRICT=${STRICT:-0}
QUIET_WAIT=${QUIET_WAIT:-120}
ROUNDS=${ROUNDS:-3}

say "Machine"
machine_info

say "Build (cargo build --release --bin legami --example loadgen)"
bench_build
require_free_port "$PORT" "$BARE_PORT"

say "Servers"
start_server service env -u LEGAMI__REDIS__URL \
    LEGAMI__DATABASE__URL="sqlite://$BENCH_TMP/bench.sqlite3" \
    LEGAMI__DATABASE__DATA_DIR="$BENCH_TMP" \
    LEGAMI__DEMO__SEED_ON_FIRST_START=false \
    LEGAMI__LOG__FILTER=warn \
    LEGAMI__MAIL__TRANSPORT=memory \
    LEGAMI__SERVER__WORKERS=1 \
    "$LEGAMI_BIN" serve --bind "127.0.0.1:$PORT"
SERVICE_PID=$SERVER_PID
wait_http "http://127.0.0.1:$PORT/health/ready" 120 "$SERVICE_PID"
start_server bare "$LOADGEN" bare --bind "127.0.0.1:$BARE_PORT" --workers 1
BARE_PID=$SERVER_PID
wait_http "http://127.0.0.1:$BARE_PORT/health/live" 30 "$BARE_PID"
# What each answers (the service adds its headers).
for port in "$PORT" "$BARE_PORT"; do
    echo "--- GET http://127.0.0.1:$port/health/live" >&2
    curl -s -D - -o - "http://127.0.0.1:$port/health/live" | tr -d '\r' | sed 's/^/    /' >&2
    echo >&2
done
sleep 2 # let the service's start-up work finish
echo "VmRSS before: service $(rss_mib "$SERVICE_PID") MiB, bare $(rss_mib "$BARE_PID") MiB" >&2

# Service and bare server alternate, ROUNDS times, so slow drifts of the machine hit both.
for ((round = 1; round <= ROUNDS; round++)); do
    say "Closed loop, round $round/$ROUNDS: $CONNECTIONS connections, ${WARMUP}s warmup + ${DURATION}s"
    health_run "service closed" "$PORT" "$SERVICE_PID" --threads "$THREADS"
    health_run "bare closed" "$BARE_PORT" "$BARE_PID" --threads "$THREADS"
done
for ((round = 1; round <= ROUNDS; round++)); do
    say "Open loop, round $round/$ROUNDS: $RATE req/s over $CONNECTIONS connections, ${WARMUP}s warmup + ${DURATION}s"
    health_run "service open" "$PORT" "$SERVICE_PID" --threads "$THREADS" --rate "$RATE"
    health_run "bare open" "$BARE_PORT" "$BARE_PID" --threads "$THREADS" --rate "$RATE"
done
echo "VmRSS after: service $(rss_mib "$SERVICE_PID") MiB, bare $(rss_mib "$BARE_PID") MiB" >&2

say "Summary ($( ((ROUNDS > 1)) && echo "medians of $ROUNDS rounds" || echo "1 round"))"
echo "closed loop: $(ratio_line "service closed" "bare closed")"
echo "open loop:   $(ratio_line "service open" "bare open" --metric p99_ms)"
for mode in closed open; do
    # shellcheck disable=SC2086 # the lists are meant to split
    {
        sc=$(median ${CPU_US[service $mode]}) su=$(median ${USER_US[service $mode]}) ss=$(median ${SYS_US[service $mode]})
        bc=$(median ${CPU_US[bare $mode]}) bu=$(median ${USER_US[bare $mode]}) bs=$(median ${SYS_US[bare $mode]})
    }
    echo "server CPU per response, $mode loop: service $sc µs (user $su, system $ss) | bare $bc µs (user $bu, system $bs) | overhead $(overhead "$sc" "$bc")% (user time alone $(overhead "$su" "$bu")%)"
    if [[ $mode == closed ]]; then
        middleware=$(awk -v s="$su" -v b="$bu" -v t="$bc" 'BEGIN {printf "%+.1f", (t > 0 ? 100 * (s - b) / t : 0)}')
        echo "middleware cost, closed loop: service user time − bare user time = $(awk -v s="$su" -v b="$bu" 'BEGIN {printf "%.2f", s - b}') µs per response = ${middleware}% of the bare server's $bc µs"
    fi
done
warn_disturbed "service closed" "bare closed" "service open" "bare open"
while read -r line; do
    missed=$(json_get missed "$line")
    if [[ "$missed" != 0 ]]; then
        echo "warning: '$(json_get label "$line")' could not keep up with $RATE req/s ($missed requests never sent)" >&2
    fi
done < <(grep -F '"mode":"open"' "$BENCH_RESULTS")

status=0
require_clean "service closed" "bare closed" "service open" "bare open" || status=1
# The target is judged on the middleware cost line (see the top of this file).
if awk -v o="$middleware" -v m="$MAX_OVERHEAD" 'BEGIN {exit !(o <= m)}'; then
    verdict=met
else
    verdict="NOT met"
    if [[ "$STRICT" == 1 ]]; then status=1; fi
fi
echo "target: the service's middleware costs ≤ ${MAX_OVERHEAD}% of a bare actix handler: ${middleware}%, $verdict"
echo "results: $BENCH_RESULTS" >&2
exit "$status"
