#!/usr/bin/env bash
# Fan-out A/B (issue 6): one session watched by WATCHERS sockets, ROUNDS joins, the time from a
# join's HTTP request to the LAST watcher having its `seats` frame — for one or more builds,
# interleaved, each run on a freshly started server (PostgreSQL + Redis, bench/live.sh's
# settings), so that builds are compared on the same machine minutes apart.
#
#   bench/fanout.sh                                  # the current code, RUNS times
#   bench/fanout.sh /tmp/bins/old /tmp/bins/new      # two builds, alternating
#
# A build is a directory holding `legami` and `wsbench` (copies of target/release/legami and
# target/release/examples/wsbench); with no argument the release build of this checkout is made
# and used. Prints one line per run (p50, p99 of the rounds, the client's CPU) and the medians
# per build; the JSON lines of wsbench stay in the kept results.
#
# Settings (environment): WATCHERS (10000), ROUNDS (60), INTERVAL_MS (300), RUNS (2 per build),
# PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), FANOUT_DB (legami_fanout), REDIS_URL
# (redis://127.0.0.1:6379), PORT (18490), WORKERS (0 = one per core).
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/lib.sh
trap stop_all EXIT

FANOUT_DB=${FANOUT_DB:-legami_fanout}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
PORT=${PORT:-18490}
WATCHERS=${WATCHERS:-10000}
ROUNDS=${ROUNDS:-60}
INTERVAL_MS=${INTERVAL_MS:-300}
RUNS=${RUNS:-2}
WORKERS=${WORKERS:-0}
SOURCES=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4

for tool in psql curl cargo; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= WATCHERS + 1000)) || { echo "the open-files limit ($(ulimit -n)) is too low for $WATCHERS watchers" >&2; exit 1; }

say "Machine"
machine_info

BUILDS=("$@")
if ((${#BUILDS[@]} == 0)); then
    say "Build (release: legami, example wsbench)"
    target=${CARGO_TARGET_DIR:-$BENCH_ROOT/target}
    (cd "$BENCH_ROOT" && cargo build --release --quiet --bin legami --example wsbench)
    mkdir -p "$BENCH_TMP/current"
    cp "$target/release/legami" "$target/release/examples/wsbench" "$BENCH_TMP/current/"
    BUILDS=("$BENCH_TMP/current")
fi
for b in "${BUILDS[@]}"; do
    [[ -x "$b/legami" && -x "$b/wsbench" ]] || { echo "$b must hold legami and wsbench" >&2; exit 1; }
done
require_free_port "$PORT"

DB_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${FANOUT_DB}?sslmode=disable"
live_envs "$DB_URL" "http://127.0.0.1:$PORT" "legami-fanout-$$:"
envs=("${LIVE_ENVS[@]}")

say "Data: a one-off session of 10,000 seats (made with the first build)"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $FANOUT_DB" -c "CREATE DATABASE $FANOUT_DB"
env "${envs[@]}" "${BUILDS[0]}/legami" migrate >&2
env "${envs[@]}" "${BUILDS[0]}/legami" seed-joins --out-dir "$BENCH_TMP/sessions" \
    --site-url "http://127.0.0.1:$PORT" --hot-joins 1 --spread-sessions 1 --spread-joins 1 \
    --capacity 10000 --warmup-joins 1 >&2
# shellcheck disable=SC1091
source "$BENCH_TMP/sessions/plan.env"
psql -X -q -d "$FANOUT_DB" -c "VACUUM ANALYZE"

declare -A P50S P99S
STATUS=0
n=0
for ((run = 1; run <= RUNS; run++)); do
    for b in "${BUILDS[@]}"; do
        n=$((n + 1))
        say "Run $run of $RUNS: $b ($WATCHERS watchers, $ROUNDS rounds every $INTERVAL_MS ms)"
        start_server "fanout-$n" env "${envs[@]}" "$b/legami" serve --bind "127.0.0.1:$PORT"
        pid=$SERVER_PID
        wait_http "http://127.0.0.1:$PORT/health/ready" 120 "$pid"
        wait_quiet 30 10
        if ! line=$("$b/wsbench" fanout --url "ws://127.0.0.1:$PORT/ws" --http "http://127.0.0.1:$PORT" \
            --session "$HOT" --watchers "$WATCHERS" --rounds "$ROUNDS" --interval-ms "$INTERVAL_MS" \
            --source-ips "$SOURCES" --label "$b run $run"); then
            echo "wsbench failed for $b (run $run)" >&2
            STATUS=1
        fi
        printf '%s\n' "$line" >>"$BENCH_RESULTS"
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        p50=$(json_get round_p50_ms "$line")
        p99=$(json_get round_p99_ms "$line")
        printf '%s, run %s: join → last watcher p50 %s ms, p99 %s ms; client CPU %s s\n' \
            "$b" "$run" "$p50" "$p99" "$(json_get client_cpu_s "$line")"
        P50S[$b]="${P50S[$b]:-} $p50"
        P99S[$b]="${P99S[$b]:-} $p99"
    done
done

say "Summary ($WATCHERS watchers, $(nproc) cores, client on the same machine; target p99 ≤ $([[ $WATCHERS -le 1000 ]] && echo 10 || echo 100) ms)"
for b in "${BUILDS[@]}"; do
    # shellcheck disable=SC2086
    printf '%s: median p50 %s ms, median p99 %s ms over %s runs (p99s:%s)\n' \
        "$b" "$(median ${P50S[$b]})" "$(median ${P99S[$b]})" "$RUNS" "${P99S[$b]}"
done
exit "$STATUS"
