#!/usr/bin/env bash
# The discovery benchmark (see bench/README.md): a city-sized data set in PostgreSQL, the
# release build serving it on 127.0.0.1, wrk asking for discovery pages of 20 at a 1 km and a
# 5 km radius, and pgbench running the plain indexed SQL equivalent in the same run.
#
#   bench/discovery.sh            # from the repository root; about 2½ minutes after a build
#
# Settings (environment): PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), BENCH_DB
# (legami_bench), PORT (18080), ACTIVITIES (20000), SEED (42), DURATION (20, seconds per
# measured run), WARMUP (5, seconds before each), THREADS (2), CONNECTIONS (32),
# PGBENCH_CLIENTS (8), REUSE_DB=1 (keep an already seeded database), STRICT=1 (also fail when
# a target is missed). The server runs without Redis (discovery does not use it).
#
# Exits non-zero when any response is not 2xx or a socket error/timeout happened (and, with
# STRICT=1, when a target is missed). The database is kept afterwards for inspection.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

BENCH_DB=${BENCH_DB:-legami_bench}
PORT=${PORT:-18080}
ACTIVITIES=${ACTIVITIES:-20000}
SEED=${SEED:-42}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-8}
REUSE_DB=${REUSE_DB:-0}
STRICT=${STRICT:-0}
BASE="http://127.0.0.1:${PORT}"
DB_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${BENCH_DB}"
BIN=target/release/legami

# Targets on the 2-core reference machine: radius → (min req/s, max p99 ms).
declare -A TARGET_RPS=([1000]=5000 [5000]=2000)
declare -A TARGET_P99=([1000]=15 [5000]=25)

WORK=$(mktemp -d /tmp/legami-bench.XXXXXX)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'; }
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$BENCH_DB" -c "$1"; }

say "Tools"
if ! command -v wrk >/dev/null; then
    echo "wrk is missing; installing Debian's wrk"
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi
for tool in psql pgbench curl wrk cargo; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
echo "$(wrk --version 2>&1 | head -1)"
echo "$(pgbench --version)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "code: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes:')"
git status --short 2>/dev/null | sed 's/^/    /' || true

# The baseline and the load script must use the same centres (bench/centres.txt).
centres() { grep -v '^#' bench/centres.txt | awk '{print $1, $2}'; }
lua_centres() { grep -E '^  \{[0-9.]+, [0-9.]+\},' bench/discovery.lua | tr -d '{},' | awk '{print $1, $2}'; }
sql_centres() {
    paste -d' ' \
        <(sed -n '/^\\set lat case/,/else/p' bench/discovery_baseline.sql | grep -oE 'then [0-9.]+' | awk '{print $2}') \
        <(sed -n '/^\\set lon case/,/else/p' bench/discovery_baseline.sql | grep -oE 'then [0-9.]+' | awk '{print $2}')
}
if ! diff <(centres) <(lua_centres) >/dev/null || ! diff <(centres) <(sql_centres) >/dev/null; then
    echo "bench/discovery.lua, bench/discovery_baseline.sql and bench/centres.txt disagree" >&2
    exit 1
fi

say "Build (cargo build --release)"
cargo build --release --quiet
ls -l "$BIN" | awk '{print $5 " bytes  " $9}'

export LEGAMI__DATABASE__URL="$DB_URL"
export LEGAMI__DEMO__SEED_ON_FIRST_START=false
export LEGAMI__LOG__FILTER=warn
export LEGAMI__MAIL__TRANSPORT=memory
unset LEGAMI__REDIS__URL

if [[ "$REUSE_DB" == 1 ]] && psql -X -At -d "$BENCH_DB" -c 'SELECT 1' >/dev/null 2>&1; then
    say "Reusing the database $BENCH_DB"
else
    say "Fresh database $BENCH_DB"
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $BENCH_DB"
    say "Seed ($ACTIVITIES activities, seed $SEED)"
    seed_start=$(date +%s.%N)
    "$BIN" seed-bench --activities "$ACTIVITIES" --seed "$SEED"
    echo "seed-bench wall time (including migrations): $(since "$seed_start") s"
    psql_db "VACUUM ANALYZE"
fi

say "Data set"
UPCOMING=$(psql_db "SELECT count(*) FROM activity_sessions s JOIN activities a ON a.id = s.activity_id
    JOIN organizations o ON o.id = a.organization_id
    WHERE s.starts_at >= now() AT TIME ZONE 'UTC' AND s.deleted_at IS NULL AND s.status = 'scheduled'
      AND a.status = 'published' AND a.deleted_at IS NULL AND o.status = 'accredited'")
UPCOMING_30=$(psql_db "SELECT count(*) FROM activity_sessions s JOIN activities a ON a.id = s.activity_id
    JOIN organizations o ON o.id = a.organization_id
    WHERE s.starts_at >= now() AT TIME ZONE 'UTC' AND s.starts_at < now() AT TIME ZONE 'UTC' + interval '30 days'
      AND s.deleted_at IS NULL AND s.status = 'scheduled'
      AND a.status = 'published' AND a.deleted_at IS NULL AND o.status = 'accredited'")
echo "activities:          $(psql_db 'SELECT count(*) FROM activities')"
echo "organizations:       $(psql_db "SELECT count(*) FROM organizations WHERE status = 'accredited'") accredited"
echo "upcoming sessions:   $UPCOMING (next 30 days: $UPCOMING_30)"
echo "database size:       $(psql_db "SELECT pg_size_pretty(pg_database_size('$BENCH_DB'))")"
echo "postgres jit:        $(psql_db 'SHOW jit')"

say "Server (release, 127.0.0.1:$PORT, no Redis)"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "something already listens on 127.0.0.1:$PORT; choose another port with PORT=…" >&2
    exit 1
fi
start=$(date +%s.%N)
"$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready=0
for _ in $(seq 1 600); do
    if curl -fsS --max-time 2 "$BASE/health/ready" >/dev/null 2>&1; then ready=1; break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.2
done
if [[ $ready != 1 ]] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server did not become ready; its log:" >&2
    cat "$WORK/server.log" >&2
    exit 1
fi
echo "ready after $(since "$start") s (pid $SERVER_PID)"

# Background work right after start (e.g. the horizon pass over every series) must not
# overlap the load: wait until the server's CPU use stays below 5% for 3 s (at most 180 s).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
hz=$(getconf CLK_TCK)
quiet=0
waited=0
prev=$(cpu_ticks)
while ((quiet < 3 && waited < 180)); do
    sleep 1
    waited=$((waited + 1))
    now=$(cpu_ticks)
    if (((now - prev) * 100 < hz * 5)); then quiet=$((quiet + 1)); else quiet=0; fi
    prev=$now
done
echo "server idle after ${waited} s more (CPU time so far: $(awk -v t="$(cpu_ticks)" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}') s)"
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$SERVER_PID/status"; }
RSS_IDLE=$(rss)
echo "resident memory before the load: $RSS_IDLE"

probe=$(curl -fsS "$BASE/api/v1/sessions?lat=45.4642&lon=9.19&radius_m=1000&limit=20&sort=time")
echo "probe (Duomo, 1 km): $(echo "$probe" | grep -oE '"total":[0-9]+'), $(echo "$probe" | grep -oE '"id":' | wc -l) ids in the page"

declare -A RPS P50 P99 P999 BRES RSS_LOAD
failed=0
for radius in 1000 5000; do
    say "Load: radius $radius m (wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up, ${DURATION} s measured)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/discovery.lua "$BASE" -- "$radius" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/discovery.lua "$BASE" -- "$radius" \
        | tee "$WORK/wrk-$radius.txt"
    line=$(grep '^LUA ' "$WORK/wrk-$radius.txt")
    field() { echo "$line" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
    RPS[$radius]=$(field rps)
    P50[$radius]=$(field p50_ms)
    P99[$radius]=$(field p99_ms)
    P999[$radius]=$(field p99.9_ms)
    non2xx=$(field non2xx)
    errors=$(($(field socket_errors) + $(field timeouts)))
    RSS_LOAD[$radius]=$(rss)
    echo "non-2xx responses: $non2xx, socket errors and timeouts: $errors"
    echo "server resident memory after this load: ${RSS_LOAD[$radius]}"
    if ((non2xx != 0 || errors != 0)); then
        echo "FAIL: radius $radius had $non2xx non-2xx responses and $errors socket errors/timeouts"
        failed=1
    fi

    say "Baseline: radius $radius m (pgbench -c$PGBENCH_CLIENTS -j$THREADS, plain indexed SQL)"
    pgbench -n -c "$PGBENCH_CLIENTS" -j "$THREADS" -T "$WARMUP" -D radius="$radius" \
        -f bench/discovery_baseline.sql "$BENCH_DB" >/dev/null 2>&1
    mkdir -p "$WORK/pgbench-$radius"
    (cd "$WORK/pgbench-$radius" && pgbench -n -c "$PGBENCH_CLIENTS" -j "$THREADS" -T "$DURATION" \
        -D radius="$radius" -l --log-prefix=tx -f "$ROOT/bench/discovery_baseline.sql" "$BENCH_DB") \
        2>&1 | grep -E 'number of (transactions|failed)|latency average|latency stddev|^tps' | tee "$WORK/pgbench-$radius.txt"
    tps=$(awk '/^tps/ {print $3}' "$WORK/pgbench-$radius.txt")
    pct=$(cat "$WORK/pgbench-$radius"/tx* | awk '{print $3}' | sort -n | awk '
        {v[NR] = $1}
        END {
            i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
            i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
            printf "%.2f %.2f", v[i50] / 1000, v[i99] / 1000
        }')
    BRES[$radius]="$(printf '%.1f' "$tps") tps, p50 ${pct% *} ms, p99 ${pct#* } ms"
    echo "baseline latency (per-transaction log): p50 ${pct% *} ms, p99 ${pct#* } ms"
done

RSS_AFTER=$(rss)

say "Summary"
echo "data set: $UPCOMING upcoming sessions ($UPCOMING_30 in the next 30 days), database $(psql_db "SELECT pg_size_pretty(pg_database_size('$BENCH_DB'))")"
echo "server resident memory (VmRSS): $RSS_IDLE before the load, ${RSS_LOAD[1000]} after the 1 km load, ${RSS_LOAD[5000]} after the 5 km load, $RSS_AFTER at the end"
printf '%-8s %12s %10s %10s %10s   %-22s %s\n' radius "req/s" "p50 ms" "p99 ms" "p99.9 ms" "target" "baseline (same run)"
missed=0
for radius in 1000 5000; do
    rps=${RPS[$radius]} p99=${P99[$radius]}
    if awk -v r="$rps" -v p="$p99" -v tr="${TARGET_RPS[$radius]}" -v tp="${TARGET_P99[$radius]}" \
        'BEGIN {exit !(r >= tr && p <= tp)}'; then
        verdict="met"
    else
        verdict="NOT met"
        missed=1
    fi
    printf '%-8s %12s %10s %10s %10s   %-22s %s\n' "${radius} m" "$rps" "${P50[$radius]}" "$p99" "${P999[$radius]}" \
        "≥${TARGET_RPS[$radius]}/s p99≤${TARGET_P99[$radius]}: $verdict" "${BRES[$radius]}"
done

if ((failed)); then
    echo "FAILED: some responses were not 2xx (or the load had socket errors)" >&2
    exit 1
fi
if ((missed)) && [[ "$STRICT" == 1 ]]; then
    echo "FAILED: a target was missed (STRICT=1)" >&2
    exit 1
fi
