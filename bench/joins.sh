#!/usr/bin/env bash
# The joins benchmark (issue 5): many concurrent joins over loopback — (a) all at one session
# of CAPACITY seats, (b) spread over SPREAD_SESSIONS sessions of CAPACITY seats — on PostgreSQL
# (with Redis) and on SQLite (embedded, no Redis), each verified afterwards from the database
# (`legami check-joins`: exactly capacity confirmed per full session, the rest waitlisted in
# arrival order, none lost, none duplicated, counters right). In the same run, the raw-SQL
# ceiling on PostgreSQL: pgbench running the service's own statement per join, prepared
# (`-M prepared`) as the service runs it — the guarded UPDATE and the INSERT in one
# data-modifying CTE (bench/joins_sql.sql) — on sessions of their own, hot and spread, with as
# many clients as the service has pooled connections.
#
#   bench/joins.sh           # from the repository root; ~3 minutes after a release build
#
# Each join is a guest's (a first name and a unique phone number: `POST
# /api/v1/sessions/{id}/bookings`), sent exactly once (`loadgen http --once`), over CONNECTIONS
# keep-alive connections, closed loop. The request count bounds every run (no time limit
# needed; a 10-minute cap stops a stuck run).
#
# Settings (environment): PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), JOIN_DB
# (legami_joins), REDIS_URL (redis://127.0.0.1:6379), PORT (18380), CAPACITY (20), HOT_JOINS
# (4000), SPREAD_SESSIONS (1000), SPREAD_JOINS (20000), WARMUP_JOINS (2000), CONNECTIONS (32),
# POOL (10: the service's database pool, and pgbench's clients), WORKERS (0 = one per core),
# BACKENDS ("postgres sqlite"), STRICT=1 (also fail when a ratio target is missed).
#
# Exits non-zero when a join got a non-2xx answer or a transport error, when a hard rule broke
# (overbooking, a lost or duplicated join, counters off, order broken), or with STRICT=1 when
# a target ratio is missed.
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/lib.sh
trap stop_all EXIT

JOIN_DB=${JOIN_DB:-legami_joins}
REDIS_URL=${REDIS_URL-redis://127.0.0.1:6379}
PORT=${PORT:-18380}
CAPACITY=${CAPACITY:-20}
HOT_JOINS=${HOT_JOINS:-4000}
SPREAD_SESSIONS=${SPREAD_SESSIONS:-1000}
SPREAD_JOINS=${SPREAD_JOINS:-20000}
WARMUP_JOINS=${WARMUP_JOINS:-2000}
CONNECTIONS=${CONNECTIONS:-32}
POOL=${POOL:-10}
WORKERS=${WORKERS:-0}
BACKENDS=${BACKENDS:-postgres sqlite}
STRICT=${STRICT:-0}
SITE="http://127.0.0.1:$PORT"

# Targets on the 2-core reference machine (issue 5): joins/s as a share of the raw-SQL ceiling.
TARGET_HOT=0.8
TARGET_SPREAD=0.6

for tool in psql pgbench curl cargo; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

say "Machine"
machine_info
echo "$(pgbench --version)" >&2

say "Build (release: legami, example loadgen)"
bench_build
require_free_port "$PORT"

STATUS=0
declare -A RPS P50 P99 P999 CHECK

# run_backend NAME DB_URL REDIS_URL — seed, serve, warm up, hot run, spread run, check.
run_backend() {
    local name=$1 url=$2 redis=$3 dir="$BENCH_TMP/$1"
    mkdir -p "$dir"
    local envs=(
        LEGAMI__DATABASE__URL="$url"
        LEGAMI__DATABASE__POOL_SIZE="$POOL"
        LEGAMI__DEMO__SEED_ON_FIRST_START=false
        LEGAMI__LOG__FILTER=warn
        LEGAMI__MAIL__TRANSPORT=memory
        LEGAMI__REDIS__URL="$redis"
        LEGAMI__REDIS__PREFIX="legami-joins-$$:"
        LEGAMI__SERVER__WORKERS="$WORKERS"
        LEGAMI__SERVER__SITE_URL="$SITE"
        # Every join here comes from 127.0.0.1: lift the per-address limit on guests' joins.
        LEGAMI__PARTICIPATION__GUEST_JOINS_PER_HOUR=1000000000
    )
    say "$name: data (sessions of $CAPACITY seats)"
    env "${envs[@]}" "$LEGAMI_BIN" migrate >&2
    env "${envs[@]}" "$LEGAMI_BIN" seed-joins --out-dir "$dir" --site-url "$SITE" \
        --hot-joins "$HOT_JOINS" --spread-sessions "$SPREAD_SESSIONS" \
        --spread-joins "$SPREAD_JOINS" --capacity "$CAPACITY" --warmup-joins "$WARMUP_JOINS" >&2
    if [[ "$name" == postgres ]]; then
        psql -X -q -d "$JOIN_DB" -c "VACUUM ANALYZE"
    fi
    # shellcheck disable=SC1091
    source "$dir/plan.env"

    say "$name: server"
    start_server "$name" env "${envs[@]}" "$LEGAMI_BIN" serve --bind "127.0.0.1:$PORT"
    local pid=$SERVER_PID
    wait_http "$SITE/health/ready" 120 "$pid"
    wait_quiet 30 10
    echo "--- first hot request:" >&2
    head -n 1 "$dir/hot.tsv" | cut -f2,5 >&2

    say "$name: warm-up ($WARMUP_JOINS joins to a session without a limit)"
    loadgen http --host "127.0.0.1:$PORT" --requests "$dir/warmup.tsv" --once -c "$CONNECTIONS" \
        -d 600 --label "$name warmup" >/dev/null
    local run line
    for run in hot spread; do
        say "$name: $run ($(wc -l <"$dir/$run.tsv") joins, $CONNECTIONS connections, each once)"
        line=$(loadgen http --host "127.0.0.1:$PORT" --requests "$dir/$run.tsv" --once \
            -c "$CONNECTIONS" -d 600 --label "$name $run")
        RPS[$name $run]=$(json_get rps "$line")
        P50[$name $run]=$(json_get p50_ms "$line")
        P99[$name $run]=$(json_get p99_ms "$line")
        P999[$name $run]=$(json_get p999_ms "$line")
        require_clean "$name $run" || STATUS=1
    done
    echo "server VmRSS: $(rss_mib "$pid") MiB" >&2
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true

    say "$name: check from the database"
    local out
    if out=$(env "${envs[@]}" "$LEGAMI_BIN" check-joins --dir "$dir" 2>&1); then
        CHECK[$name]=ok
    else
        CHECK[$name]=FAILED
        STATUS=1
    fi
    echo "$out" >&2
    CHECKS+="$out"$'\n'
}
CHECKS=""

# pgbench_run LABEL LO HI JOINS — the raw-SQL ceiling; sets BRPS/BP50/BP99 for the label.
declare -A BRPS BP50 BP99
pgbench_run() {
    local label=$1 lo=$2 hi=$3 joins=$4 work="$BENCH_TMP/pgbench-$1"
    local per_client=$(((joins + POOL - 1) / POOL))
    mkdir -p "$work"
    (cd "$work" && pgbench -n -M prepared -c "$POOL" -j 2 -t "$per_client" -D lo="$lo" -D hi="$hi" \
        -l --log-prefix=tx -f "$BENCH_ROOT/bench/joins_sql.sql" "$JOIN_DB") \
        2>&1 | grep -E 'number of (transactions|failed)|latency average|^tps' | tee "$work.txt" >&2
    BRPS[$label]=$(awk '/^tps/ {printf "%.1f", $3}' "$work.txt")
    local pct
    pct=$(cat "$work"/tx* | awk '{print $3}' | sort -n | awk '
        {v[NR] = $1}
        END {
            i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
            i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
            printf "%.2f %.2f", v[i50] / 1000, v[i99] / 1000
        }')
    BP50[$label]=${pct% *}
    BP99[$label]=${pct#* }
}

for backend in $BACKENDS; do
    case $backend in
    postgres)
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $JOIN_DB" -c "CREATE DATABASE $JOIN_DB"
        run_backend postgres "postgres://${PGUSER}@${PGHOST}:${PGPORT}/${JOIN_DB}?sslmode=disable" "$REDIS_URL"
        say "postgres: raw-SQL ceiling (pgbench -c $POOL, bench/joins_sql.sql)"
        pgbench_run hot "$HOT_BASE" "$HOT_BASE" "$HOT_JOINS"
        pgbench_run spread "$SPREAD_BASE_LO" "$SPREAD_BASE_HI" "$SPREAD_JOINS"
        over=$(psql -X -At -d "$JOIN_DB" -c "SELECT count(*) FROM session_seats WHERE capacity IS NOT NULL AND taken > capacity")
        echo "sessions over capacity after everything (service and pgbench): $over" >&2
        [[ "$over" == 0 ]] || STATUS=1
        ;;
    sqlite)
        run_backend sqlite "sqlite://$BENCH_TMP/joins.sqlite3" ""
        ;;
    *)
        echo "unknown backend $backend" >&2
        exit 2
        ;;
    esac
done

say "Summary (joins/s, latency; raw-SQL ceiling of the same run on PostgreSQL)"
printf '%-9s %-7s %10s %9s %9s %10s   %-34s %s\n' backend run "joins/s" "p50 ms" "p99 ms" "p99.9 ms" "raw SQL (pgbench)" "ratio / target"
for backend in $BACKENDS; do
    for run in hot spread; do
        k="$backend $run"
        base="" ratio=""
        if [[ "$backend" == postgres ]]; then
            base="${BRPS[$run]} tps, p50 ${BP50[$run]} ms, p99 ${BP99[$run]} ms"
            target=$([[ $run == hot ]] && echo $TARGET_HOT || echo $TARGET_SPREAD)
            ratio=$(awk -v a="${RPS[$k]}" -v b="${BRPS[$run]}" -v t="$target" \
                'BEGIN {r = (b > 0 ? a / b : 0); printf "%.2f× (≥ %.1f×: %s)", r, t, (r >= t ? "met" : "MISSED")}')
            if [[ "$STRICT" == 1 && "$ratio" == *MISSED* ]]; then STATUS=1; fi
        fi
        printf '%-9s %-7s %10s %9s %9s %10s   %-34s %s\n' "$backend" "$run" "${RPS[$k]}" "${P50[$k]}" \
            "${P99[$k]}" "${P999[$k]}" "$base" "$ratio"
    done
    echo "$backend: database check ${CHECK[$backend]}"
done
echo "database checks (legami check-joins, per backend in the order run):"
printf '%s' "$CHECKS"
exit "$STATUS"
