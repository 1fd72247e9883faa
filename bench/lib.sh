# bench/lib.sh — helpers the benchmark scripts share (bash; `set -euo pipefail` friendly).
#
#   source "$(dirname "$0")/lib.sh"
#   trap stop_all EXIT
#   bench_build                                   # sets LEGAMI_BIN and LOADGEN
#   start_server legami env LEGAMI__SERVER__WORKERS=1 "$LEGAMI_BIN" serve --bind 127.0.0.1:18180
#   wait_http http://127.0.0.1:18180/health/ready 60 "$SERVER_PID"
#   loadgen http --host 127.0.0.1:18180 --url /health/live -c 32 -d 10 -w 3 --label service
#   ratio_line service bare
#
# Everything it starts is recorded and stopped by `stop_all`. Logs and the results file live in
# $BENCH_TMP (a fresh /tmp/legami-bench.* directory unless set), which `stop_all` removes after
# a successful run unless BENCH_KEEP=1 (it is kept, and named, when the script fails).
# $BENCH_RESULTS (default $BENCH_TMP/results.jsonl) collects one JSON line per `loadgen http`.
#
# Do not call start_server inside $(…): the PID would be recorded in a subshell and lost.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -z "${BENCH_TMP:-}" ]]; then
    BENCH_TMP=$(mktemp -d /tmp/legami-bench.XXXXXX)
    BENCH_TMP_OWNED=1
else
    mkdir -p "$BENCH_TMP"
    BENCH_TMP_OWNED=0
fi
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_TMP/results.jsonl}
touch "$BENCH_RESULTS"
BENCH_PIDS=()
declare -A BENCH_PID_OF=()
SERVER_PID=""

# say TEXT… — a section title.
say() { printf '\n== %s\n' "$*" >&2; }

# bench_build — release build of the service and the load generator; sets LEGAMI_BIN, LOADGEN.
# With BENCH_BIN_DIR set, nothing is built: DIR/legami and DIR/loadgen are used (an A/B of two
# builds made elsewhere, e.g. copies of target/release/legami and target/release/examples/loadgen).
bench_build() {
    if [[ -n "${BENCH_BIN_DIR:-}" ]]; then
        LEGAMI_BIN=$BENCH_BIN_DIR/legami
        LOADGEN=$BENCH_BIN_DIR/loadgen
    else
        local target=${CARGO_TARGET_DIR:-$BENCH_ROOT/target}
        (cd "$BENCH_ROOT" && cargo build --release --quiet --bin legami --example loadgen)
        LEGAMI_BIN=$target/release/legami
        LOADGEN=$target/release/examples/loadgen
    fi
    export LEGAMI_BIN LOADGEN
}

# machine_info — cores, memory, kernel, load average and the code version, on stderr.
machine_info() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    echo "code: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$BENCH_ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')" >&2
}

# port_in_use PORT — true when something accepts connections on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# require_free_port PORT… — fail when one of the ports is taken.
require_free_port() {
    local p
    for p in "$@"; do
        if port_in_use "$p"; then
            echo "127.0.0.1:$p is already in use; choose another port" >&2
            return 1
        fi
    done
}

# start_server NAME CMD… — start CMD in the background (stdout and stderr to
# $BENCH_TMP/NAME.log); records its PID for stop_all and sets SERVER_PID.
# `server_pid NAME` prints it again later. Use `env VAR=value …` to set its environment.
start_server() {
    local name=$1
    shift
    "$@" >"$BENCH_TMP/$name.log" 2>&1 &
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
    BENCH_PID_OF[$name]=$SERVER_PID
    echo "started $name (pid $SERVER_PID): $*" >&2
}

# server_pid NAME — the PID start_server recorded for NAME.
server_pid() { echo "${BENCH_PID_OF[$1]}"; }

# server_log NAME — the log file of NAME.
server_log() { echo "$BENCH_TMP/$1.log"; }

# wait_http URL [TIMEOUT_SECS=60] [PID] — poll URL until it answers 200; with PID, give up as
# soon as that process has exited (its log is shown).
wait_http() {
    local url=$1 timeout=${2:-60} pid=${3:-}
    local deadline=$((SECONDS + timeout)) code
    while ((SECONDS < deadline)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
        [[ "$code" == 200 ]] && return 0
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            echo "process $pid exited before $url answered" >&2
            local name
            for name in "${!BENCH_PID_OF[@]}"; do
                if [[ "${BENCH_PID_OF[$name]}" == "$pid" ]]; then tail -n 30 "$BENCH_TMP/$name.log" >&2; fi
            done
            return 1
        fi
        sleep 0.2
    done
    echo "$url did not answer 200 within ${timeout}s (last status ${code:-none})" >&2
    return 1
}

# rss_kib PID — resident memory (VmRSS) in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# rss_mib PID — the same in MiB with one decimal.
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# cpu_ticks PID — user + system CPU time of PID so far, in clock ticks (usually 1/100 s).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wait_idle PID [TIMEOUT] — waits until PID has used under 5% of a core for two seconds in a
# row (a fresh server's start-up jobs — the sessions' horizon, the index — are done), so that
# a measurement sees the steady state. Gives up after TIMEOUT seconds (default 120).
wait_idle() {
    local pid=$1 timeout=${2:-120} hz quiet=0 a b
    hz=$(getconf CLK_TCK)
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        a=$(cpu_ticks "$pid")
        sleep 1
        b=$(cpu_ticks "$pid")
        if (((b - a) * 20 <= hz)); then
            quiet=$((quiet + 1))
            ((quiet >= 2)) && return 0
        else
            quiet=0
        fi
    done
    echo "process $pid still busy after ${timeout}s; measuring anyway" >&2
}

# cpu_times PID — "USER SYSTEM" CPU time of PID so far, in clock ticks (`getconf CLK_TCK`).
cpu_times() { awk '{print $14, $15}' "/proc/$1/stat"; }

# machine_busy_ticks — CPU time used on the whole machine so far (every core; user, nice,
# system, irq, softirq, steal), in clock ticks.
machine_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }

# machine_busy_pct SECS — how busy the whole machine was over the next SECS seconds, in % of
# all its cores (integer).
machine_busy_pct() {
    local a b
    a=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)
    sleep "$1"
    b=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN {split(a, x, " "); split(b, y, " "); t = y[2] - x[2];
        printf "%.0f", (t > 0 ? 100 * (y[1] - x[1]) / t : 0)}'
}

# wait_quiet [MAX_SECS=60] [MAX_BUSY_PCT=10] — wait until the machine (servers idle) is at most
# MAX_BUSY_PCT % busy over 2 s, for at most MAX_SECS; then go on anyway, with a warning.
# Other builds on a shared 2-core machine change the figures a lot.
wait_quiet() {
    local max=${1:-60} limit=${2:-10} busy start=$SECONDS
    while :; do
        busy=$(machine_busy_pct 2)
        ((busy <= limit)) && return 0
        if ((SECONDS - start >= max)); then
            echo "warning: the machine is still ${busy}% busy after waiting ${max}s; measuring anyway" >&2
            return 0
        fi
    done
}

# Per label, space-separated, one value per run (filled by `health_run`).
declare -A CPU_US=() USER_US=() SYS_US=() OTHER_PCT=()

# us_per_response TICKS RESPONSES — CPU clock ticks as µs per response (two decimals).
us_per_response() {
    awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.2f", (n > 0 ? t / hz * 1e6 / n : 0)}'
}

# health_run LABEL PORT PID [loadgen options…] — one load against /health/live (CONNECTIONS
# keep-alive connections, WARMUP + DURATION s), once the machine is quiet (at most QUIET_WAIT s,
# default 120); also the server's CPU time per response (user + system, warmup included, over
# every response) and what the server, the generator and everything else used of the machine
# meanwhile. Appends to CPU_US, USER_US, SYS_US and OTHER_PCT under LABEL.
health_run() {
    local label=$1 port=$2 pid=$3 u0 s0 u1 s1 m0 m1 t0 t1 line n gen u s c other hz
    shift 3
    hz=$(getconf CLK_TCK)
    wait_quiet "${QUIET_WAIT:-120}"
    read -r u0 s0 < <(cpu_times "$pid")
    m0=$(machine_busy_ticks)
    t0=$(date +%s.%N)
    line=$(loadgen http --host "127.0.0.1:$port" --url /health/live --label "$label" \
        -c "$CONNECTIONS" -d "$DURATION" -w "$WARMUP" "$@")
    t1=$(date +%s.%N)
    m1=$(machine_busy_ticks)
    read -r u1 s1 < <(cpu_times "$pid")
    n=$(json_get responses_total "$line")
    gen=$(json_get gen_cpu_s "$line")
    if [[ "$gen" == null ]]; then gen=0; fi
    u=$(us_per_response $((u1 - u0)) "$n")
    s=$(us_per_response $((s1 - s0)) "$n")
    c=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
    other=$(awk -v m=$((m1 - m0)) -v srv=$((u1 - u0 + s1 - s0)) -v g="$gen" -v hz="$hz" -v t="$t0" -v e="$t1" \
        'BEGIN {o = 100 * ((m - srv) / hz - g) / (e - t); printf "%.0f", (o < 0 ? 0 : o)}')
    CPU_US[$label]+=" $c"
    USER_US[$label]+=" $u"
    SYS_US[$label]+=" $s"
    OTHER_PCT[$label]+=" $other"
    echo "   server CPU per response $c µs (user $u, system $s); CPU use in % of one core (the machine has $(nproc)): $(awk -v t=$((u1 - u0 + s1 - s0)) -v hz="$hz" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 100 * t / hz / (b - a)}') server, $(json_get gen_cpu_pct "$line") generator, $other other processes" >&2
}

# warn_disturbed LABEL… — a warning for each label one of whose `health_run`s saw other
# processes use more than 15% of a core.
warn_disturbed() {
    local label other
    for label in "$@"; do
        for other in ${OTHER_PCT[$label]}; do
            if ((other > 15)); then
                echo "warning: other processes used up to ${other}% of a core during a '$label' run: the figures are disturbed" >&2
                break
            fi
        done
    done
}

# median VALUES… — the median of numbers.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

# overhead VALUE BASELINE — (VALUE / BASELINE − 1) in %, signed, one decimal.
overhead() { awk -v v="$1" -v b="$2" 'BEGIN {printf "%+.1f", (b > 0 ? (v / b - 1) * 100 : 0)}'; }

# stop_all — stop everything start_server started (SIGTERM, then SIGKILL after 10 s), newest
# first. Meant for `trap stop_all EXIT`; keeps the exit status.
stop_all() {
    local status=$? i pid n
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${BENCH_PIDS[$i]}
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((n = 0; n < 100; n++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
    if [[ "$status" -ne 0 || "${BENCH_KEEP:-0}" == 1 || "$BENCH_TMP_OWNED" != 1 ]]; then
        echo "logs and results kept in $BENCH_TMP" >&2
    else
        rm -rf "$BENCH_TMP"
    fi
    return "$status"
}

# PostgreSQL of the benchmarks: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), exported
# for psql, pgbench and the URLs the scripts build.
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

# live_envs DB_URL SITE_URL REDIS_PREFIX — sets LIVE_ENVS: the settings bench/live.sh and
# bench/fanout.sh serve websockets with (Redis at $REDIS_URL, $WORKERS workers; per-address
# limits lifted, since every socket comes from a few loopback addresses; pings every 10 s).
live_envs() {
    LIVE_ENVS=(
        LEGAMI__DATABASE__URL="$1"
        LEGAMI__DEMO__SEED_ON_FIRST_START=false
        LEGAMI__LOG__FILTER=warn
        LEGAMI__MAIL__TRANSPORT=memory
        LEGAMI__REDIS__URL="$REDIS_URL"
        LEGAMI__REDIS__PREFIX="$3"
        LEGAMI__SERVER__WORKERS="${WORKERS:-0}"
        LEGAMI__SERVER__SITE_URL="$2"
        LEGAMI__LIVE__MAX_SOCKETS_PER_IP=100000
        LEGAMI__LIVE__MAX_SUBSCRIPTIONS=4
        LEGAMI__LIVE__PING_SECS=10
        LEGAMI__LIVE__PONG_TIMEOUT_SECS=30
        LEGAMI__PARTICIPATION__GUEST_JOINS_PER_HOUR=1000000000
    )
}

# loadgen ARGS… — run the load generator. For `loadgen http …` the readable summary goes to
# stderr and the JSON line is appended to $BENCH_RESULTS and echoed on stdout.
loadgen() {
    if [[ "${1:-}" != http ]]; then
        "$LOADGEN" "$@"
        return
    fi
    local line
    line=$("$LOADGEN" "$@")
    printf '%s\n' "$line" >>"$BENCH_RESULTS"
    printf '%s\n' "$line"
}

# json_get KEY JSON_LINE — a top-level number, boolean, null or (comma-free) string of a
# loadgen line.
json_get() {
    printf '%s\n' "$2" | sed -nE 's/.*"'"$1"'":"?([^",}]*)"?[,}].*/\1/p'
}

# result LABEL — the last JSON line in $BENCH_RESULTS with that label (`ratio_line` uses the
# median of all of them).
result() {
    grep -F "\"label\":\"$1\"," "$BENCH_RESULTS" | tail -n 1
}

# require_clean LABEL… — fail (return 1) when a result with one of these labels (every run of
# it) had non-2xx responses or errors, or when there is none.
require_clean() {
    local label line bad=0 found
    for label in "$@"; do
        found=0
        while read -r line; do
            found=1
            if [[ "$(json_get non_2xx "$line")" != 0 || "$(json_get errors "$line")" != 0 ]]; then
                echo "'$label': $(json_get non_2xx "$line") non-2xx responses, $(json_get errors "$line") errors" >&2
                bad=1
            fi
        done < <(grep -F "\"label\":\"$label\"," "$BENCH_RESULTS")
        if [[ "$found" == 0 ]]; then
            echo "no result labelled '$label'" >&2
            bad=1
        fi
    done
    return "$bad"
}

# ratio_line VALUE_LABEL BASELINE_LABEL [compare options…] — one comparison line from the
# results so far (`loadgen compare`, e.g. --metric p99_ms, --max-overhead 25); a label run
# several times counts with its medians.
ratio_line() {
    "$LOADGEN" compare "$BENCH_RESULTS" --value "$1" --baseline "$2" "${@:3}"
}
