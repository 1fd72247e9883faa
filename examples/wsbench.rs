//! The websocket benchmark client (`GET /ws`): what an idle socket costs the server, how fast a
//! seat change reaches many watchers, and what crossing instances adds to the delivery.
//!
//! ```text
//! wsbench idle   --url ws://127.0.0.1:PORT/ws --conns N [--cookies FILE] [--hold-secs 10]
//!                [--settle-secs 2] [--server-pid PID]
//! wsbench fanout --url ws://127.0.0.1:PORT/ws --http http://127.0.0.1:PORT --session S
//!                --watchers N --rounds R [--interval-ms 200] [--delivery-timeout-ms 5000]
//! wsbench cross  --http http://127.0.0.1:A --url ws://127.0.0.1:B/ws
//!                (--sessions S1,S2,… | --session-range FIRST-LAST) --watchers-per-session W
//!                [--rate 1000] [--secs 10] [--http-connections 32] [--drain-secs 5]
//!
//! every mode:    [--source-ips 127.0.0.1,127.0.0.2,…] [--connect-concurrency 256]
//!                [--connect-timeout-ms 10000] [--threads N] [--label TEXT] [--max-errors 0]
//! fanout, cross: [--phone-offset N] [--join-timeout-ms 5000]
//! ```
//!
//! How to run (from the repository root). The server needs its limits raised for a
//! benchmark: `LEGAMI__LIVE__MAX_SOCKETS_PER_IP` (sockets per source address, default 256),
//! `LEGAMI__LIVE__MAX_SOCKETS_PER_USER` (idle with `--cookies`: sockets per person, default
//! 16) and `LEGAMI__PARTICIPATION__GUEST_JOINS_PER_HOUR` (every join comes from 127.0.0.1);
//! each socket here follows one topic, within `LEGAMI__LIVE__MAX_SUBSCRIPTIONS`. The server
//! pings every `LEGAMI__LIVE__PING_SECS` (default 25): an idle hold shorter than that sees no
//! ping, so set it lower to check that the sockets answer (`pings` in the result).
//!
//! ```text
//! cargo build --release --example wsbench
//! ulimit -n "$(ulimit -Hn)"   # one file per socket: keep sockets per process ≤ ~19,000 of 20,000
//! target/release/examples/wsbench idle --url ws://127.0.0.1:18480/ws --conns 10000 \
//!     --source-ips 127.0.0.1,127.0.0.2 --server-pid "$SERVER_PID"
//! ```
//!
//! The open-files limit is not raised here (no libc): the calling script runs `ulimit -n`, and
//! the client refuses to start when the soft limit is too low for the sockets asked for.
//!
//! Each mode prints a readable summary on stderr and one JSON line on stdout; it exits 1 when
//! more than `--max-errors` things went wrong (sockets that failed to open or were closed by the
//! server, joins answered with an error or not at all) or when an event was lost, 2 on bad
//! arguments. Only loopback targets are accepted.
//!
//! * `idle` reads the server's VmRSS (`--server-pid`), opens `--conns` sockets (socket i sends
//!   the i-th line of `--cookies` modulo their number as its `Cookie` header; none without the
//!   file: anonymous), waits for each `hello` frame, lets the server settle, reads VmRSS again,
//!   holds the sockets open for `--hold-secs` (answering the server's pings) and reads VmRSS a
//!   third time. Bytes per connection = (RSS after settling − RSS before) / sockets opened.
//! * `fanout` opens `--watchers` anonymous sockets subscribed to `session:S` (each waits for
//!   its snapshot), then runs `--rounds` rounds, one every `--interval-ms` (or right after the
//!   previous one when it took longer): one guest join over HTTP at t0, and each socket's first
//!   `seats` frame with an id above the highest id seen before the round is a delivery. The
//!   round's latency is t0 → the last socket's delivery (rounds where every open socket got it);
//!   every delivery also goes into one histogram. A socket without the frame after
//!   `--delivery-timeout-ms` is a missing delivery.
//! * `cross` opens `--watchers-per-session` sockets per session (socket i watches session
//!   i mod sessions), then sends guest joins open loop at `--rate` per second for `--secs`,
//!   round-robin over the sessions, spread over `--http-connections` keep-alive connections
//!   (connection c sends joins c, c + C, c + 2C… at their scheduled times, so one slow answer
//!   delays only its own connection). Latency of a frame = its arrival − the moment the join
//!   that produced it was sent. Matching: the server numbers a session's changes itself, so the
//!   k-th join created on session s (in the order the joins were sent) is taken to produce the
//!   frame with id = snapshot + k. That is exact while the joins to one session are far apart
//!   compared with their latency — with round-robin over ≥ 50 sessions at 1,000 joins/s, one
//!   join per session every ≥ 50 ms — and while nothing else changes those sessions (no other
//!   joins, no waitlist promotions). Frames that cannot be matched count as `unexpected`, frames
//!   that arrived before their matched join was sent as `misattributed`. Run it once with the
//!   watchers on the instance that takes the joins (baseline) and once on another instance:
//!   the difference of the p99s is the cost of crossing instances.
//!
//! Losses are counted per socket: an id more than one above the last one seen opens a gap;
//! an id of the gap that arrives later (two changes of one session announced out of order —
//! joins overlapping on their way through the bus) is delivered late, not lost; what is still
//! missing at the end is lost. Frames with an id seen before are duplicates and are ignored.
//! In `cross`, `lost` = frames expected (joins created × sockets of the session) − frames
//! received, which also counts events missing at the end of the run, and `stale_sockets`
//! counts the sockets whose last id is below their session's last version at the end (a page
//! left showing old seats). Any loss fails the run.
//!
//! The joins are guests' (`POST /api/v1/sessions/{id}/bookings` with
//! `{"name":"Ospite N","phone":"+39 3NNNNNNNNN"}`, as in `src/bench_joins.rs`), each with a
//! phone number of its own: N = `--phone-offset` + the join's number (a random offset by
//! default, so that a second run on the same database does not join the same people again —
//! a repeated join answers 200 instead of 201 and changes nothing; it is counted as an error).
//! No `Origin` header is sent (the server checks it only when present).
//!
//! Sockets: each is a `tokio::net::TcpSocket`, bound to the next address of `--source-ips`
//! (round-robin) when given, with `SO_LINGER` 0; at the end the client sends a Close frame,
//! waits up to 1 s for the server's answer, then drops the socket (a reset, so that no
//! TIME_WAIT is left to exhaust the ports of the next run). A bound source address has about
//! 28,000 ports (`/proc/sys/net/ipv4/ip_local_port_range`) for all its sockets, and the kernel's
//! port search gets slow as they fill up (measured: 19,000 sockets through one address took
//! 9 s of system time to open, through two 0.8 s): from ~7,000 sockets on, give 2–4 addresses.
//!
//! The client runs on the same machine as the server: each report gives the client's own CPU
//! during the measured phase (about 13 µs per frame received, measured), CPU the server could
//! not use. A fan-out round's last-socket latency includes the client reading every socket.

#[path = "common/mod.rs"]
mod common;
use common::bad;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Parser, Subcommand};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, HOST};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

/// Latencies are recorded in microseconds from 1 µs to 60 s with 3 significant digits.
const HIST_LOW_US: u64 = 1;
const HIST_HIGH_US: u64 = 60_000_000;
const HIST_SIGFIG: u8 = 3;
/// How many error texts are kept (and printed) per kind.
const MAX_ERROR_TEXTS: usize = 5;
/// How long a closing socket waits for the server's Close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// Open files the process needs besides its websockets (stdio, epoll, the runtime, joins).
const FD_MARGIN: u64 = 64;
/// Each socket's read buffer: the frames are small, and 19,000 sockets × tungstenite's default
/// 128 KiB would be 2.4 GiB of client memory.
const READ_BUFFER: usize = 4 * 1024;
/// Open loop: joins whose time came more than this after the end are not sent (`missed`).
const LATE_GRACE: Duration = Duration::from_secs(1);
/// Phone numbers are `+39 3` and nine digits.
const PHONES: u64 = 1_000_000_000;

#[derive(Parser)]
#[command(
    name = "wsbench",
    about = "Websocket benchmark client for Legami's GET /ws"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Open many idle sockets and measure the server's memory per socket.
    Idle(IdleArgs),
    /// One session, many watchers: the latency of one join reaching every socket.
    Fanout(FanoutArgs),
    /// Joins open loop over many sessions, watchers on this or another instance: latency, losses.
    Cross(CrossArgs),
}

/// What every mode shares: where the sockets go and how they are opened.
#[derive(Args)]
struct SocketArgs {
    /// The websocket endpoint: ws://127.0.0.1:PORT/ws[?last_id=N] (loopback only).
    #[arg(long)]
    url: String,
    /// Local addresses to bind the sockets to, round-robin (e.g. 127.0.0.1,127.0.0.2); by
    /// default the kernel chooses.
    #[arg(long, value_delimiter = ',', value_name = "IP,IP,…")]
    source_ips: Vec<IpAddr>,
    /// Sockets being opened (connect, handshake, hello, snapshot) at the same time.
    #[arg(long, default_value_t = 256, value_name = "N")]
    connect_concurrency: usize,
    /// Time allowed to one socket from connect to its hello (and snapshot), in ms.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    connect_timeout_ms: u64,
    /// Threads of the client's sockets, each a single-threaded Tokio runtime with its share of
    /// them, and worker threads of its runtime for joins (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Label of the result (default: the mode).
    #[arg(long, default_value = "")]
    label: String,
    /// Exit 1 when more than this many things failed (sockets not opened or closed by the
    /// server, joins answered with an error or not at all). Lost events always fail the run.
    #[arg(long, default_value_t = 0, value_name = "N")]
    max_errors: u64,
}

/// Where the joins go.
#[derive(Args)]
struct JoinArgs {
    /// The instance that takes the joins: http://127.0.0.1:PORT (loopback only).
    #[arg(long, value_name = "URL")]
    http: String,
    /// First person number of the guests (phone +39 3NNNNNNNNN); random by default.
    #[arg(long, value_name = "N")]
    phone_offset: Option<u64>,
    /// Time allowed to one join (connect, request, response), in ms.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    join_timeout_ms: u64,
}

#[derive(Args)]
struct IdleArgs {
    #[command(flatten)]
    socket: SocketArgs,
    /// Sockets to open.
    #[arg(long, value_name = "N")]
    conns: usize,
    /// One `Cookie` header value per line (e.g. `legami_session=abc`); socket i uses line
    /// i mod lines. Without it the sockets are anonymous.
    #[arg(long, value_name = "FILE")]
    cookies: Option<PathBuf>,
    /// Seconds to wait after the last hello before reading the server's memory.
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    settle_secs: f64,
    /// Seconds to keep the sockets open (answering pings) after that.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    hold_secs: f64,
    /// The server's process id, to read its VmRSS from /proc/PID/status.
    #[arg(long, value_name = "PID")]
    server_pid: Option<u32>,
}

#[derive(Args)]
struct FanoutArgs {
    #[command(flatten)]
    socket: SocketArgs,
    #[command(flatten)]
    join: JoinArgs,
    /// The session every socket watches and every round joins.
    #[arg(long, value_name = "ID")]
    session: i64,
    /// Sockets subscribed to the session.
    #[arg(long, value_name = "N")]
    watchers: usize,
    /// Rounds (one join each).
    #[arg(long, value_name = "R")]
    rounds: usize,
    /// Milliseconds from the start of a round to the start of the next.
    #[arg(long, default_value_t = 200, value_name = "MS")]
    interval_ms: u64,
    /// A socket without the round's frame this long after the join misses it.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    delivery_timeout_ms: u64,
}

#[derive(Args)]
struct CrossArgs {
    #[command(flatten)]
    socket: SocketArgs,
    #[command(flatten)]
    join: JoinArgs,
    /// The sessions, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "S1,S2,…",
        conflicts_with = "session_range",
        required_unless_present = "session_range"
    )]
    sessions: Vec<i64>,
    /// The sessions FIRST to LAST (inclusive).
    #[arg(long, value_name = "FIRST-LAST")]
    session_range: Option<String>,
    /// Sockets subscribed to each session.
    #[arg(long, value_name = "W")]
    watchers_per_session: usize,
    /// Joins per second, in total.
    #[arg(long, default_value_t = 1000.0, value_name = "R")]
    rate: f64,
    /// Seconds of joins.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    secs: f64,
    /// HTTP keep-alive connections the joins are spread over.
    #[arg(long, default_value_t = 32, value_name = "N")]
    http_connections: usize,
    /// Seconds to wait after the last join for the last frames.
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    drain_secs: f64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Idle(args) => idle(args),
        Command::Fanout(args) => fanout(args),
        Command::Cross(args) => cross(args),
    };
    common::exit("wsbench", result)
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn new_hist() -> anyhow::Result<Histogram<u64>> {
    Histogram::<u64>::new_with_bounds(HIST_LOW_US, HIST_HIGH_US, HIST_SIGFIG)
        .map_err(|e| anyhow!("histogram: {e:?}"))
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

fn record(h: &mut Histogram<u64>, d: Duration) {
    h.saturating_record(micros(d).max(HIST_LOW_US));
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// A quantile in ms (0 for an empty histogram).
fn q_ms(h: &Histogram<u64>, quantile: f64) -> f64 {
    if h.is_empty() {
        0.0
    } else {
        round_to(h.value_at_quantile(quantile) as f64 / 1000.0, 3)
    }
}

fn max_ms(h: &Histogram<u64>) -> f64 {
    if h.is_empty() {
        0.0
    } else {
        round_to(h.max() as f64 / 1000.0, 3)
    }
}

/// `12345.6` → `12,346`.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Errors of one kind: how many, and the first few distinct texts.
#[derive(Debug, Default, Clone, Serialize)]
struct ErrorLog {
    count: u64,
    first: Vec<String>,
}

impl ErrorLog {
    fn add(&mut self, text: impl Into<String>) {
        self.count += 1;
        self.keep(text.into());
    }

    fn keep(&mut self, text: String) {
        if self.first.len() < MAX_ERROR_TEXTS && !self.first.contains(&text) {
            self.first.push(text);
        }
    }

    fn merge(&mut self, other: ErrorLog) {
        self.count += other.count;
        for t in other.first {
            self.keep(t);
        }
    }

    /// `   <title>: first texts…` lines for the summary (nothing when there were none).
    fn lines(&self, title: &str) -> String {
        let mut s = String::new();
        if self.count > 0 {
            s += &format!("   {title} ({}); first distinct errors:\n", self.count);
            for t in &self.first {
                s += &format!("     - {t}\n");
            }
        }
        s
    }
}

/// `host:port` → a loopback socket address.
fn loopback_addr(host: &str) -> anyhow::Result<SocketAddr> {
    let addrs: Vec<SocketAddr> = host
        .to_socket_addrs()
        .map_err(|e| bad(format!("cannot resolve {host:?}: {e}")))?
        .collect();
    addrs
        .iter()
        .find(|a| a.ip().is_loopback())
        .copied()
        .ok_or_else(|| {
            bad(format!(
                "{host} is not a loopback address; wsbench targets 127.0.0.1 only"
            ))
        })
}

/// The `host:port` of a URL with the given scheme (default port 80), and its path and query.
fn split_url(url: &str, scheme: &str) -> anyhow::Result<(String, String)> {
    let uri: Uri = url
        .parse()
        .map_err(|_| bad(format!("invalid URL {url:?}")))?;
    if uri.scheme_str() != Some(scheme) {
        return Err(bad(format!("{url:?}: want a {scheme}:// URL (no TLS)")));
    }
    let auth = uri
        .authority()
        .ok_or_else(|| bad(format!("{url:?} has no host")))?;
    if auth.as_str().contains('@') {
        return Err(bad(format!("{url:?}: no user info in the URL")));
    }
    let host_port = match auth.port_u16() {
        Some(_) => auth.as_str().to_string(),
        None => format!("{}:80", auth.as_str()),
    };
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    Ok((host_port, path))
}

/// The soft limit of open files (None when unlimited or unknown).
fn open_files_soft_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Ports available to one source address (`ip_local_port_range`), if known.
fn local_ports() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    let mut it = text.split_whitespace().map(|x| x.parse::<u64>().ok());
    let (lo, hi) = (it.next()??, it.next()??);
    Some(hi.saturating_sub(lo) + 1)
}

/// Refuses to start what the open-files limit or the local ports cannot hold.
fn check_budget(sockets: usize, source_ips: usize, http_connections: usize) -> anyhow::Result<()> {
    let files = sockets as u64 + http_connections as u64 + FD_MARGIN;
    if let Some(soft) = open_files_soft_limit() {
        if files > soft {
            return Err(bad(format!(
                "{sockets} sockets need about {files} open files but the soft limit is {soft}: \
                 run `ulimit -n \"$(ulimit -Hn)\"` first, or use fewer sockets per process"
            )));
        }
    }
    if let Some(ports) = local_ports() {
        // Without --source-ips the kernel picks a port per destination, from the same range.
        let per_ip = sockets.div_ceil(source_ips.max(1)) as u64;
        if source_ips > 0 && per_ip + http_connections as u64 > ports {
            return Err(bad(format!(
                "{per_ip} sockets per source address but only {ports} local ports: give more --source-ips"
            )));
        }
        if per_ip > ports / 4 {
            eprintln!(
                "   note: {per_ip} sockets per source address of {ports} local ports: the kernel's \
                 port search slows the connects down as the range fills (seconds of system time \
                 at 19,000); spread them with --source-ips 127.0.0.1,127.0.0.2,…"
            );
        }
    }
    Ok(())
}

/// The host's `TcpExt ListenOverflows` counter (/proc/net/netstat): connections dropped
/// because a listener's accept queue was full (the client retries its SYN after 1 s). The
/// targets are on loopback, so a rise during the connect phase is the server's.
fn listen_overflows() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/net/netstat").ok()?;
    let mut tcp_ext = text.lines().filter(|l| l.starts_with("TcpExt:"));
    let (names, values) = (tcp_ext.next()?, tcp_ext.next()?);
    let i = names
        .split_whitespace()
        .position(|n| n == "ListenOverflows")?;
    values.split_whitespace().nth(i)?.parse().ok()
}

/// VmRSS of a process, in KiB.
fn vm_rss_kib(pid: &str) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow!("no VmRSS in {path}"))
}

/// CPU time used so far by this process's live threads (Linux: the first field of
/// /proc/self/task/*/schedstat, in ns); None elsewhere.
fn process_cpu_secs() -> Option<f64> {
    let mut ns: u64 = 0;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let text = std::fs::read_to_string(entry.ok()?.path().join("schedstat")).ok()?;
        ns += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(ns as f64 / 1e9)
}

/// The client's own CPU over a phase: (seconds, % of one core).
struct CpuMeter {
    cpu0: Option<f64>,
    wall0: Instant,
}

impl CpuMeter {
    fn start() -> CpuMeter {
        CpuMeter {
            cpu0: process_cpu_secs(),
            wall0: Instant::now(),
        }
    }

    fn stop(&self) -> (Option<f64>, Option<f64>) {
        match (self.cpu0, process_cpu_secs()) {
            (Some(a), Some(b)) => {
                let wall = self.wall0.elapsed().as_secs_f64().max(1e-9);
                (
                    Some(round_to(b - a, 3)),
                    Some(round_to(100.0 * (b - a) / wall, 1)),
                )
            }
            _ => (None, None),
        }
    }
}

/// `   client CPU …` for the summary.
fn cpu_line(phase: &str, secs: Option<f64>, pct: Option<f64>) -> String {
    match (secs, pct) {
        (Some(s), Some(p)) => format!(
            "   client CPU during {phase}: {s:.2} s ({p:.0}% of a core; the client shares the machine with the server)\n"
        ),
        _ => String::new(),
    }
}

/// `--threads`, checked; by default one per core.
fn thread_count(threads: Option<usize>) -> anyhow::Result<usize> {
    match threads {
        Some(n) if (1..=256).contains(&n) => Ok(n),
        Some(_) => Err(bad("--threads must be 1..=256")),
        None => Ok(std::thread::available_parallelism().map_or(2, |n| n.get())),
    }
}

fn runtime(threads: Option<usize>) -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(thread_count(threads)?)
        .enable_all()
        .build()
        .context("starting the tokio runtime")
}

fn label_or(label: &str, mode: &str) -> String {
    if label.is_empty() {
        mode.to_string()
    } else {
        label.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Websockets

type Ws = WebSocketStream<TcpStream>;

/// What the server sends: only the fields the benchmark reads.
#[derive(Debug, Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: i64,
    #[serde(default)]
    session_id: Option<i64>,
    #[serde(default)]
    signed_in: Option<bool>,
    /// `error` frames (a subscription refused).
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn subscribe_message(session: i64) -> String {
    serde_json::json!({"type": "subscribe", "topic": format!("session:{session}")}).to_string()
}

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
}

/// A readable reason for a failed handshake or a broken socket.
fn ws_error(e: tungstenite::Error) -> anyhow::Error {
    match e {
        tungstenite::Error::Http(resp) => {
            let body = resp.body().as_deref().map(body_line).unwrap_or_default();
            anyhow!("handshake refused: HTTP {} {body}", resp.status())
        }
        other => anyhow!(other),
    }
}

/// A response body as one short line: an HTML page's `<title>`, else the text with its
/// whitespace collapsed, cut at 200 characters.
fn body_line(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let title = lower
        .find("<title>")
        .map(|i| i + "<title>".len())
        .and_then(|i| lower[i..].find("</title>").map(|j| &text[i..i + j]));
    let line = title
        .unwrap_or(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The websocket endpoint.
#[derive(Debug)]
struct WsTarget {
    addr: SocketAddr,
    url: String,
}

impl WsTarget {
    fn parse(url: &str) -> anyhow::Result<WsTarget> {
        let (host_port, _) = split_url(url, "ws")?;
        Ok(WsTarget {
            addr: loopback_addr(&host_port)?,
            url: url.to_string(),
        })
    }
}

/// Connects (from `source` when given) and upgrades.
async fn open_socket(
    target: &WsTarget,
    source: Option<IpAddr>,
    cookie: Option<&HeaderValue>,
) -> anyhow::Result<Ws> {
    let socket = if target.addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // Reset on drop (after the close handshake, see `socket_task`): no TIME_WAIT left behind.
    socket.set_zero_linger()?;
    if let Some(ip) = source {
        socket
            .bind(SocketAddr::new(ip, 0))
            .with_context(|| format!("binding to {ip}"))?;
    }
    let stream = socket
        .connect(target.addr)
        .await
        .with_context(|| format!("connecting to {}", target.addr))?;
    stream.set_nodelay(true)?;
    let mut req = target
        .url
        .as_str()
        .into_client_request()
        .map_err(ws_error)?;
    if let Some(c) = cookie {
        req.headers_mut().insert(COOKIE, c.clone());
    }
    let (ws, _) = tokio_tungstenite::client_async_with_config(req, stream, Some(ws_config()))
        .await
        .map_err(ws_error)?;
    Ok(ws)
}

/// What every socket task shares.
struct SocketCtx {
    target: WsTarget,
    source_ips: Vec<IpAddr>,
    cookies: Vec<HeaderValue>,
    connect_gate: Semaphore,
    setup_timeout: Duration,
    /// Pings received (each answered by tungstenite on the next read).
    pings: AtomicU64,
    /// New `seats` frames received (all sockets).
    received: AtomicU64,
}

impl SocketCtx {
    fn new(args: &SocketArgs, cookies: Vec<HeaderValue>) -> anyhow::Result<SocketCtx> {
        if args.connect_concurrency == 0 {
            return Err(bad("--connect-concurrency must be ≥ 1"));
        }
        if args.connect_timeout_ms == 0 {
            return Err(bad("--connect-timeout-ms must be ≥ 1"));
        }
        Ok(SocketCtx {
            target: WsTarget::parse(&args.url)?,
            source_ips: args.source_ips.clone(),
            cookies,
            connect_gate: Semaphore::new(args.connect_concurrency),
            setup_timeout: Duration::from_millis(args.connect_timeout_ms),
            pings: AtomicU64::new(0),
            received: AtomicU64::new(0),
        })
    }
}

/// A socket's first report: open (with what it saw) or failed.
struct Ready {
    index: usize,
    result: Result<Setup, String>,
}

struct Setup {
    signed_in: bool,
    /// The id of the subscription's snapshot.
    snapshot: Option<i64>,
    /// From the start of the connect to the hello (and snapshot).
    took: Duration,
}

/// What a watcher reports as it happens (fanout).
#[derive(Debug, Clone, Copy)]
enum Event {
    /// A new `seats` frame (id above every id the socket had seen).
    Delivery { socket: usize, id: i64, at: Instant },
    /// The socket was closed by the server or broke.
    Closed { socket: usize },
}

/// Where the watchers of a fan-out put their events for the main task, without a channel: a
/// delivery is a short locked push, and the main task is woken only once enough events have come
/// for its round to be complete (a channel woke it, on another thread, for nearly every one of a
/// round's thousands of frames: client CPU that the server, sharing the cores, did not get).
#[derive(Default)]
struct EventLog {
    events: std::sync::Mutex<Vec<Event>>,
    /// Events pushed so far (all of them, drained or not).
    pushed: AtomicU64,
    /// The main task wants waking when `pushed` reaches this.
    wake_at: AtomicU64,
    wake: tokio::sync::Notify,
}

impl EventLog {
    fn push(&self, ev: Event) {
        let n = {
            let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
            events.push(ev);
            self.pushed.fetch_add(1, Ordering::SeqCst) + 1
        };
        if n == self.wake_at.load(Ordering::SeqCst) {
            self.wake.notify_one();
        }
    }

    /// Takes the events pushed so far, oldest first.
    fn drain(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits until `more` events have been pushed after the `seen` first ones (they may be
    /// pushed already), or until `deadline`; false at the deadline.
    async fn wait_for(&self, seen: u64, more: u64, deadline: Instant) -> bool {
        let target = seen + more.max(1);
        let notified = self.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        self.wake_at.store(target, Ordering::SeqCst);
        if self.pushed.load(Ordering::SeqCst) >= target {
            return true;
        }
        tokio::time::timeout_at(deadline.into(), notified)
            .await
            .is_ok()
    }
}

/// Skipped ids remembered per socket (a late one beyond this counts as lost).
const MAX_PENDING_GAPS: usize = 10_000;

/// What one socket saw, collected at the end.
#[derive(Debug, Default)]
struct Outcome {
    ready: bool,
    snapshot: Option<i64>,
    /// New `seats` frames of the watched session: (id, arrival).
    frames: Vec<(i64, Instant)>,
    duplicates: u64,
    /// Ids skipped and not (yet) arrived: lost unless they come late.
    gaps: u64,
    /// Ids that arrived after a newer one (changes announced out of order): delivered.
    late: u64,
    /// The ids skipped so far that may still arrive (at most `MAX_PENDING_GAPS` remembered).
    pending: std::collections::BTreeSet<i64>,
    other_frames: u64,
    /// Why the socket ended before the stop, if it did.
    closed: Option<String>,
    /// The highest id seen (the snapshot's at first).
    last_id: Option<i64>,
}

impl Outcome {
    /// Takes a `seats` frame of the watched session; true when it is new (above every id
    /// seen), false for a duplicate. Ids skipped on the way count as gaps.
    fn take_seats(&mut self, id: i64, at: Instant) -> bool {
        match self.last_id {
            Some(last) if id <= last => {
                // A change announced out of order (two joins to one session overlapping on
                // their way through the bus): late, not lost.
                if self.pending.remove(&id) {
                    self.gaps -= 1;
                    self.late += 1;
                    self.frames.push((id, at));
                    return true;
                }
                self.duplicates += 1;
                return false;
            }
            Some(last) if id > last + 1 => {
                self.gaps += (id - last - 1) as u64;
                for skipped in (last + 1)..id {
                    if self.pending.len() >= MAX_PENDING_GAPS {
                        break;
                    }
                    self.pending.insert(skipped);
                }
            }
            _ => {}
        }
        self.last_id = Some(id);
        self.frames.push((id, at));
        true
    }
}

/// The next text frame, parsed; pings are counted (and answered on the next read).
async fn next_frame(ws: &mut Ws, pings: &AtomicU64) -> anyhow::Result<Frame> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                return serde_json::from_str(t.as_str())
                    .with_context(|| format!("not a frame: {:.200}", t.as_str()));
            }
            Some(Ok(Message::Ping(_))) => {
                pings.fetch_add(1, Ordering::Relaxed);
            }
            Some(Ok(Message::Close(f))) => bail!("{}", close_text(f)),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(ws_error(e)),
            None => bail!("the connection ended"),
        }
    }
}

fn close_text(f: Option<tungstenite::protocol::CloseFrame>) -> String {
    match f {
        Some(f) => format!(
            "closed by the server: {} {}",
            u16::from(f.code),
            f.reason.as_str()
        ),
        None => "closed by the server".into(),
    }
}

/// Connect, hello, and (for a watcher) subscribe and snapshot, within the timeout and with a
/// permit of the connect gate.
async fn setup(ctx: &SocketCtx, index: usize, session: Option<i64>) -> anyhow::Result<(Ws, Setup)> {
    let _permit = ctx.connect_gate.acquire().await?;
    let started = Instant::now();
    let work = async {
        let source =
            (!ctx.source_ips.is_empty()).then(|| ctx.source_ips[index % ctx.source_ips.len()]);
        let cookie = (!ctx.cookies.is_empty()).then(|| &ctx.cookies[index % ctx.cookies.len()]);
        let mut ws = open_socket(&ctx.target, source, cookie).await?;
        let hello = next_frame(&mut ws, &ctx.pings)
            .await
            .context("waiting for hello")?;
        if hello.kind != "hello" {
            bail!("the first frame is {:?}, not hello", hello.kind);
        }
        let mut snapshot = None;
        if let Some(s) = session {
            ws.send(Message::text(subscribe_message(s)))
                .await
                .map_err(ws_error)
                .context("subscribing")?;
            while snapshot.is_none() {
                let f = next_frame(&mut ws, &ctx.pings)
                    .await
                    .context("waiting for the seats snapshot")?;
                if f.kind == "seats" && f.session_id == Some(s) {
                    snapshot = Some(f.id);
                } else if f.kind == "error" {
                    bail!(
                        "subscription to session:{s} refused: {} {}",
                        f.code.unwrap_or_default(),
                        f.message.unwrap_or_default()
                    );
                }
            }
        }
        Ok((
            ws,
            Setup {
                signed_in: hello.signed_in.unwrap_or(false),
                snapshot,
                took: started.elapsed(),
            },
        ))
    };
    match tokio::time::timeout(ctx.setup_timeout, work).await {
        Ok(r) => r,
        Err(_) => bail!(
            "no hello{} within {} ms",
            if session.is_some() {
                " and snapshot"
            } else {
                ""
            },
            ctx.setup_timeout.as_millis()
        ),
    }
}

/// One socket from connect to stop: reports once on `ready`, then reads every frame (so that
/// pings are answered) until `stop`, recording the new `seats` frames of `session`.
async fn socket_task(
    ctx: Arc<SocketCtx>,
    index: usize,
    session: Option<i64>,
    ready: mpsc::UnboundedSender<Ready>,
    events: Option<Arc<EventLog>>,
    mut stop: watch::Receiver<bool>,
) -> Outcome {
    let mut out = Outcome::default();
    let (mut ws, setup) = match setup(&ctx, index, session).await {
        Ok(x) => x,
        Err(e) => {
            let _ = ready.send(Ready {
                index,
                result: Err(format!("{e:#}")),
            });
            return out;
        }
    };
    out.ready = true;
    out.snapshot = setup.snapshot;
    out.last_id = setup.snapshot;
    let _ = ready.send(Ready {
        index,
        result: Ok(setup),
    });
    drop(ready);
    let mut stopped = *stop.borrow();
    // One wait for the stop, kept across frames: a fresh `changed()` per frame would enter and
    // leave the channel's list of waiters, a lock shared by every socket, at each delivery.
    let stop_signal = stop.changed();
    tokio::pin!(stop_signal);
    while !stopped {
        tokio::select! {
            biased;
            _ = &mut stop_signal => stopped = true,
            msg = ws.next() => {
                let at = Instant::now();
                match msg {
                    Some(Ok(Message::Text(t))) => {
                        match serde_json::from_str::<Frame>(t.as_str()) {
                            Ok(f) if f.kind == "seats" && session.is_some() && f.session_id == session => {
                                if out.take_seats(f.id, at) {
                                    ctx.received.fetch_add(1, Ordering::Relaxed);
                                    if let Some(log) = &events {
                                        log.push(Event::Delivery { socket: index, id: f.id, at });
                                    }
                                }
                            }
                            _ => out.other_frames += 1,
                        }
                    }
                    Some(Ok(Message::Ping(_))) => {
                        ctx.pings.fetch_add(1, Ordering::Relaxed);
                    }
                    Some(Ok(Message::Close(f))) => out.closed = Some(close_text(f)),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => out.closed = Some(format!("{:#}", ws_error(e))),
                    None => out.closed = Some("the connection ended".into()),
                }
                if out.closed.is_some() {
                    break;
                }
            }
        }
    }
    if out.closed.is_some() {
        if let Some(log) = &events {
            log.push(Event::Closed { socket: index });
        }
    } else {
        // Close handshake, briefly; the socket is then reset on drop (zero linger).
        let _ = tokio::time::timeout(CLOSE_GRACE, async {
            if ws.close(None).await.is_ok() {
                while let Some(Ok(_)) = ws.next().await {}
            }
        })
        .await;
    }
    out
}

/// The threads that drive the sockets: each runs a single-threaded Tokio runtime with its share
/// of the sockets, so a socket's frames are read, parsed and recorded on the thread whose
/// poller saw them (no work stealing, no wake-ups across threads per frame).
struct SocketThreads {
    handles: Vec<tokio::runtime::Handle>,
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl SocketThreads {
    /// `n` threads (default: one per core).
    fn start(n: Option<usize>) -> anyhow::Result<SocketThreads> {
        let n = thread_count(n)?;
        let mut st = SocketThreads {
            handles: Vec::with_capacity(n),
            stops: Vec::with_capacity(n),
            threads: Vec::with_capacity(n),
        };
        for i in 0..n {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting a sockets runtime")?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            st.handles.push(rt.handle().clone());
            st.stops.push(stop);
            st.threads.push(
                std::thread::Builder::new()
                    .name(format!("sockets-{i}"))
                    .spawn(move || {
                        rt.block_on(async {
                            let _ = stopped.await;
                        })
                    })
                    .context("starting a sockets thread")?,
            );
        }
        Ok(st)
    }

    fn handle(&self, socket: usize) -> &tokio::runtime::Handle {
        &self.handles[socket % self.handles.len()]
    }
}

impl Drop for SocketThreads {
    fn drop(&mut self) {
        for s in self.stops.drain(..) {
            let _ = s.send(());
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// The sockets of a run: their tasks, the stop signal and the channels.
struct Sockets {
    /// Declared first: dropped (its threads stopped) before the rest.
    _threads: SocketThreads,
    tasks: Vec<JoinHandle<Outcome>>,
    /// Taken before the first task started (they start connecting at once).
    started: Instant,
    overflows_before: Option<u64>,
    stop: watch::Sender<bool>,
    ready: mpsc::UnboundedReceiver<Ready>,
    events: Option<Arc<EventLog>>,
}

impl Sockets {
    /// Starts `n` socket tasks on `threads` threads; socket i watches `session_of(i)`.
    fn spawn(
        ctx: &Arc<SocketCtx>,
        n: usize,
        threads: Option<usize>,
        session_of: impl Fn(usize) -> Option<i64>,
        with_events: bool,
    ) -> anyhow::Result<Sockets> {
        let threads = SocketThreads::start(threads)?;
        let started = Instant::now();
        let overflows_before = listen_overflows();
        let (stop, stop_rx) = watch::channel(false);
        let (ready_tx, ready) = mpsc::unbounded_channel();
        let events = with_events.then(|| Arc::new(EventLog::default()));
        let tasks = (0..n)
            .map(|i| {
                threads.handle(i).spawn(socket_task(
                    ctx.clone(),
                    i,
                    session_of(i),
                    ready_tx.clone(),
                    events.clone(),
                    stop_rx.clone(),
                ))
            })
            .collect();
        Ok(Sockets {
            _threads: threads,
            tasks,
            started,
            overflows_before,
            stop,
            ready,
            events,
        })
    }

    /// Waits until every socket is open or failed (progress on stderr every 2 s).
    async fn opened(&mut self) -> anyhow::Result<Opening> {
        let n = self.tasks.len();
        let mut o = Opening {
            opened: 0,
            failed: ErrorLog::default(),
            signed_in: 0,
            hist: new_hist()?,
            snapshots: Vec::new(),
            ready: vec![false; n],
            secs: 0.0,
            listen_overflows: None,
        };
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        tick.tick().await;
        while o.opened + (o.failed.count as usize) < n {
            tokio::select! {
                r = self.ready.recv() => match r {
                    Some(Ready { index, result: Ok(s) }) => {
                        o.opened += 1;
                        o.ready[index] = true;
                        o.signed_in += usize::from(s.signed_in);
                        record(&mut o.hist, s.took);
                        o.snapshots.extend(s.snapshot);
                    }
                    Some(Ready { result: Err(e), .. }) => o.failed.add(e),
                    None => break, // a task died: its socket counts as neither
                },
                _ = tick.tick() => eprintln!(
                    "   … {} open, {} failed of {}",
                    thousands(o.opened as f64),
                    o.failed.count,
                    thousands(n as f64)
                ),
            }
        }
        o.secs = self.started.elapsed().as_secs_f64();
        o.listen_overflows = match (self.overflows_before, listen_overflows()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        Ok(o)
    }

    /// Stops every socket and collects what they saw.
    async fn finish(self) -> anyhow::Result<Vec<Outcome>> {
        let _ = self.stop.send(true);
        let mut out = Vec::with_capacity(self.tasks.len());
        for t in self.tasks {
            out.push(t.await.context("a socket task failed")?);
        }
        Ok(out)
    }
}

/// How the sockets opened.
struct Opening {
    opened: usize,
    failed: ErrorLog,
    signed_in: usize,
    /// Connect → hello (→ snapshot) per socket, µs.
    hist: Histogram<u64>,
    /// Snapshot ids seen.
    snapshots: Vec<i64>,
    /// Which sockets opened, by index.
    ready: Vec<bool>,
    secs: f64,
    /// Rise of the host's listen-queue overflows while the sockets opened.
    listen_overflows: Option<u64>,
}

impl Opening {
    fn line(&self, n: usize) -> String {
        let rate = if self.secs > 0.0 {
            self.opened as f64 / self.secs
        } else {
            0.0
        };
        let mut s = format!(
            "   sockets: {} opened, {} failed of {} in {:.2} s ({}/s); connect→ready ms p50 {:.2} p99 {:.2} max {:.2}\n",
            thousands(self.opened as f64),
            self.failed.count,
            thousands(n as f64),
            self.secs,
            thousands(rate),
            q_ms(&self.hist, 0.5),
            q_ms(&self.hist, 0.99),
            max_ms(&self.hist)
        );
        if let Some(k) = self.listen_overflows.filter(|k| *k > 0) {
            s += &format!(
                "   listen-queue overflows on this host while connecting: {k} (a full accept queue: \
                 those connects waited for a SYN retry, ≥ 1 s; lower --connect-concurrency or \
                 raise the server's backlog)\n"
            );
        }
        s += &self.failed.lines("sockets that failed to open");
        s
    }
}

/// Sockets that ended before the stop, with the first reasons.
fn closed_log(outcomes: &[Outcome]) -> ErrorLog {
    let mut log = ErrorLog::default();
    for o in outcomes {
        if let Some(why) = &o.closed {
            log.add(why.clone());
        }
    }
    log
}

// ---------------------------------------------------------------------------------------------
// Joins over HTTP

/// The instance that takes the joins.
struct HttpTarget {
    addr: SocketAddr,
    host: HeaderValue,
    /// Path prefix of the site (usually empty).
    prefix: String,
}

impl HttpTarget {
    fn parse(url: &str) -> anyhow::Result<HttpTarget> {
        let (host_port, path) = split_url(url, "http")?;
        Ok(HttpTarget {
            addr: loopback_addr(&host_port)?,
            host: HeaderValue::from_str(&host_port).map_err(|_| bad("invalid host"))?,
            prefix: path
                .split('?')
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string(),
        })
    }

    /// A guest's join, the same body as `src/bench_joins.rs` writes.
    fn join_request(&self, session: i64, person: u64) -> anyhow::Result<Request<Full<Bytes>>> {
        // No Origin header: the server checks it only when present.
        Ok(Request::builder()
            .method(Method::POST)
            .uri(format!(
                "{}/api/v1/sessions/{session}/bookings",
                self.prefix
            ))
            .header(HOST, self.host.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(join_body(person))))?)
    }
}

/// `{"name":"Ospite N","phone":"+39 3NNNNNNNNN"}` — a guest with a phone number of their own.
fn join_body(person: u64) -> String {
    let person = person % PHONES;
    format!("{{\"name\":\"Ospite {person}\",\"phone\":\"+39 3{person:09}\"}}")
}

fn phone_offset(given: Option<u64>) -> u64 {
    given.unwrap_or_else(|| rand::rng().random_range(0..PHONES))
}

/// A keep-alive connection; the task driving it stops when this is dropped.
struct Conn {
    sender: SendRequest<Full<Bytes>>,
    driver: JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

async fn http_connect(addr: SocketAddr) -> anyhow::Result<Conn> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(Conn { sender, driver })
}

/// How a join went.
#[derive(Debug, Clone, PartialEq)]
enum JoinOutcome {
    /// 201 (or another 2xx but 200): a new booking, so one change of the session.
    Created,
    /// 200: the same person had joined already; nothing changed.
    Repeated,
    /// Not 2xx: the status and the start of the body.
    Refused(u16, String),
    /// No answer: connect, send or read failed, or timed out.
    Failed(String),
}

fn outcome_of(status: StatusCode, body: &[u8]) -> JoinOutcome {
    match status.as_u16() {
        200 => JoinOutcome::Repeated,
        _ if status.is_success() => JoinOutcome::Created,
        s => JoinOutcome::Refused(s, body_line(body)),
    }
}

/// One keep-alive connection sending joins, reconnecting when needed.
struct JoinClient {
    target: Arc<HttpTarget>,
    timeout: Duration,
    conn: Option<Conn>,
}

impl JoinClient {
    fn new(target: Arc<HttpTarget>, timeout: Duration) -> JoinClient {
        JoinClient {
            target,
            timeout,
            conn: None,
        }
    }

    /// Opens the connection ahead of the first join (a failure is retried on the join).
    async fn warm(&mut self) {
        if self.conn.is_none() {
            self.conn = http_connect(self.target.addr).await.ok();
        }
    }

    async fn join(&mut self, session: i64, person: u64) -> JoinOutcome {
        let req = match self.target.join_request(session, person) {
            Ok(r) => r,
            Err(e) => return JoinOutcome::Failed(format!("{e:#}")),
        };
        match tokio::time::timeout(self.timeout, self.exchange(req)).await {
            Ok(Ok((status, body))) => outcome_of(status, &body),
            Ok(Err(e)) => {
                self.conn = None;
                JoinOutcome::Failed(format!("{e:#}"))
            }
            Err(_) => {
                self.conn = None;
                JoinOutcome::Failed(format!("no answer within {} ms", self.timeout.as_millis()))
            }
        }
    }

    async fn exchange(&mut self, req: Request<Full<Bytes>>) -> anyhow::Result<(StatusCode, Bytes)> {
        let usable = match self.conn.as_mut() {
            Some(c) => c.sender.ready().await.is_ok(),
            None => false,
        };
        if !usable {
            self.conn = None;
            self.conn = Some(http_connect(self.target.addr).await?);
        }
        let c = self.conn.as_mut().ok_or_else(|| anyhow!("no connection"))?;
        let resp = c.sender.send_request(req).await?;
        let status = resp.status();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

/// The run's errors beyond `--max-errors` (sockets not opened or closed by the server, joins
/// that failed), as one problem line.
fn too_many_errors(failed: u64, closed: u64, joins: &JoinErrors, max: u64) -> Option<String> {
    let errors = failed + closed + joins.total();
    (errors > max).then(|| {
        format!(
            "{errors} errors (sockets not opened {failed}, closed {closed}, joins {}; allowed {max})",
            joins.total()
        )
    })
}

/// Join outcomes other than Created, by kind.
#[derive(Debug, Default, Clone, Serialize)]
struct JoinErrors {
    refused: ErrorLog,
    failed: ErrorLog,
    repeated: u64,
}

impl JoinErrors {
    fn add(&mut self, o: &JoinOutcome) {
        match o {
            JoinOutcome::Created => {}
            JoinOutcome::Repeated => self.repeated += 1,
            JoinOutcome::Refused(s, body) => self.refused.add(format!("HTTP {s}: {body}")),
            JoinOutcome::Failed(e) => self.failed.add(e.clone()),
        }
    }

    fn merge(&mut self, other: JoinErrors) {
        self.refused.merge(other.refused);
        self.failed.merge(other.failed);
        self.repeated += other.repeated;
    }

    fn total(&self) -> u64 {
        self.refused.count + self.failed.count + self.repeated
    }

    fn lines(&self) -> String {
        let mut s = self.refused.lines("joins answered with an error (non-2xx)");
        s += &self.failed.lines("joins without an answer");
        if self.repeated > 0 {
            s += &format!(
                "   joins answered 200 (already booked: the phone numbers were used before; try another --phone-offset): {}\n",
                self.repeated
            );
        }
        s
    }
}

/// Prints the verdict lines and returns the exit code.
fn verdict(problems: &[String]) -> ExitCode {
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        for p in problems {
            eprintln!("FAILED: {p}");
        }
        ExitCode::from(1)
    }
}

// ---------------------------------------------------------------------------------------------
// idle

#[derive(Serialize, Debug)]
struct IdleReport {
    label: String,
    mode: &'static str,
    conns: usize,
    opened: usize,
    failed: u64,
    signed_in: usize,
    closed_during_hold: u64,
    connect_secs: f64,
    connect_p50_ms: f64,
    connect_p99_ms: f64,
    listen_overflows: Option<u64>,
    hold_secs: f64,
    pings: u64,
    server_rss_before_kib: Option<u64>,
    server_rss_after_kib: Option<u64>,
    server_rss_held_kib: Option<u64>,
    /// (RSS after settling − before) / opened.
    bytes_per_conn: Option<f64>,
    /// (RSS at the end of the hold − before) / opened.
    bytes_per_conn_held: Option<f64>,
    client_rss_kib: Option<u64>,
    /// The client's CPU during the hold.
    client_cpu_s: Option<f64>,
    client_cpu_pct: Option<f64>,
    errors: Vec<String>,
}

/// One `Cookie` header value per non-blank line (a leading `Cookie:` is dropped).
fn parse_cookies(text: &str) -> Result<Vec<HeaderValue>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut v = line.trim();
        if v.is_empty() || v.starts_with('#') {
            continue;
        }
        if v.len() > 7 && v[..7].eq_ignore_ascii_case("cookie:") {
            v = v[7..].trim();
        }
        out.push(
            HeaderValue::from_str(v).map_err(|_| format!("line {}: not a header value", i + 1))?,
        );
    }
    if out.is_empty() {
        return Err("no cookies in the file".into());
    }
    Ok(out)
}

fn idle(args: IdleArgs) -> anyhow::Result<ExitCode> {
    if args.conns == 0 {
        return Err(bad("--conns must be ≥ 1"));
    }
    for (name, v) in [
        ("--settle-secs", args.settle_secs),
        ("--hold-secs", args.hold_secs),
    ] {
        if !(v.is_finite() && (0.0..=86_400.0).contains(&v)) {
            return Err(bad(format!("{name} must be 0..=86400")));
        }
    }
    let cookies = match &args.cookies {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| bad(format!("reading {}: {e}", path.display())))?;
            parse_cookies(&text).map_err(|e| bad(format!("{}: {e}", path.display())))?
        }
        None => Vec::new(),
    };
    check_budget(args.conns, args.socket.source_ips.len(), 0)?;
    let pid = args.server_pid.map(|p| p.to_string());
    if let Some(p) = &pid {
        vm_rss_kib(p).map_err(|e| bad(format!("--server-pid: {e:#}")))?;
    }
    let ctx = Arc::new(SocketCtx::new(&args.socket, cookies)?);
    let rt = runtime(args.socket.threads)?;
    let label = label_or(&args.socket.label, "idle");
    let report = rt.block_on(async {
        let rss = |when: &str| -> anyhow::Result<Option<u64>> {
            let v = pid.as_deref().map(vm_rss_kib).transpose()?;
            if let Some(k) = v {
                eprintln!("   server VmRSS {when}: {:.1} MiB", k as f64 / 1024.0);
            }
            Ok(v)
        };
        eprintln!(
            "== {label}: opening {} sockets to {}{}",
            thousands(args.conns as f64),
            ctx.target.url,
            if ctx.cookies.is_empty() {
                " (anonymous)".to_string()
            } else {
                format!(" with {} cookies", ctx.cookies.len())
            }
        );
        let before = rss("before")?;
        let mut sockets = Sockets::spawn(&ctx, args.conns, args.socket.threads, |_| None, false)?;
        let opening = sockets.opened().await?;
        eprint!("{}", opening.line(args.conns));
        tokio::time::sleep(Duration::from_secs_f64(args.settle_secs)).await;
        let after = rss(&format!("after {} s settling", args.settle_secs))?;
        eprintln!("   holding for {} s…", args.hold_secs);
        let cpu = CpuMeter::start();
        tokio::time::sleep(Duration::from_secs_f64(args.hold_secs)).await;
        let (client_cpu_s, client_cpu_pct) = cpu.stop();
        let held = rss("at the end of the hold")?;
        let client_rss = vm_rss_kib("self").ok();
        let outcomes = sockets.finish().await?;
        let closed = closed_log(&outcomes);
        let per_conn = |v: Option<u64>| match (before, v) {
            (Some(b), Some(a)) if opening.opened > 0 => Some(round_to(
                (a as f64 - b as f64) * 1024.0 / opening.opened as f64,
                0,
            )),
            _ => None,
        };
        let mut errors = opening.failed.first.clone();
        errors.extend(closed.first.iter().cloned());
        anyhow::Ok((
            IdleReport {
                label: label.clone(),
                mode: "idle",
                conns: args.conns,
                opened: opening.opened,
                failed: opening.failed.count,
                signed_in: opening.signed_in,
                closed_during_hold: closed.count,
                connect_secs: round_to(opening.secs, 3),
                connect_p50_ms: q_ms(&opening.hist, 0.5),
                connect_p99_ms: q_ms(&opening.hist, 0.99),
                listen_overflows: opening.listen_overflows,
                hold_secs: args.hold_secs,
                pings: ctx.pings.load(Ordering::Relaxed),
                server_rss_before_kib: before,
                server_rss_after_kib: after,
                server_rss_held_kib: held,
                bytes_per_conn: per_conn(after),
                bytes_per_conn_held: per_conn(held),
                client_rss_kib: client_rss,
                client_cpu_s,
                client_cpu_pct,
                errors,
            },
            closed,
        ))
    })?;
    drop(rt);
    let (r, closed) = report;
    let mut s = format!(
        "   {} sockets held for {} s: {} signed in, {} closed by the server meanwhile, {} pings answered\n",
        thousands(r.opened as f64),
        r.hold_secs,
        thousands(r.signed_in as f64),
        r.closed_during_hold,
        thousands(r.pings as f64)
    );
    s += &cpu_line("the hold", r.client_cpu_s, r.client_cpu_pct);
    s += &closed.lines("sockets closed during the hold");
    let kib = |v: Option<u64>| {
        v.map_or("n/a".to_string(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        })
    };
    let bytes = |v: Option<f64>| {
        v.map_or("n/a".to_string(), |b| {
            format!("{} B ({:.1} KiB)", thousands(b), b / 1024.0)
        })
    };
    s += &format!(
        "   server RSS: before {}, after settling {}, end of hold {}\n   per connection: {} after settling, {} at the end of the hold   (client RSS {})\n",
        kib(r.server_rss_before_kib),
        kib(r.server_rss_after_kib),
        kib(r.server_rss_held_kib),
        bytes(r.bytes_per_conn),
        bytes(r.bytes_per_conn_held),
        kib(r.client_rss_kib)
    );
    eprint!("{s}");
    println!("{}", serde_json::to_string(&r)?);
    let mut problems = Vec::new();
    let errors = r.failed + r.closed_during_hold;
    if errors > args.socket.max_errors {
        problems.push(format!(
            "{} sockets failed to open and {} were closed by the server (allowed: {})",
            r.failed, r.closed_during_hold, args.socket.max_errors
        ));
    }
    if r.opened == 0 {
        problems.push("no socket opened".into());
    }
    Ok(verdict(&problems))
}

// ---------------------------------------------------------------------------------------------
// fanout

/// One fan-out round: which open sockets have the round's frame.
struct Round {
    t0: Instant,
    /// Frames with an id above this are the round's.
    base: i64,
    delivered: Vec<bool>,
    need: usize,
    got: usize,
    last_at: Option<Instant>,
    max_id: i64,
    /// Sockets closed during the round.
    closed: usize,
}

impl Round {
    fn new(t0: Instant, base: i64, alive: &[bool]) -> Round {
        Round {
            t0,
            base,
            delivered: vec![false; alive.len()],
            need: alive.iter().filter(|a| **a).count(),
            got: 0,
            last_at: None,
            max_id: base,
            closed: 0,
        }
    }

    fn complete(&self) -> bool {
        self.got >= self.need
    }

    /// Takes one event; returns the delivery latency when it is a delivery of this round.
    fn take(&mut self, ev: Event, alive: &mut [bool]) -> Option<Duration> {
        match ev {
            Event::Delivery { socket, id, at } => {
                self.max_id = self.max_id.max(id);
                let fresh =
                    id > self.base && alive.get(socket) == Some(&true) && !self.delivered[socket];
                if !fresh {
                    return None;
                }
                self.delivered[socket] = true;
                self.got += 1;
                self.last_at = Some(self.last_at.map_or(at, |l| l.max(at)));
                Some(at.saturating_duration_since(self.t0))
            }
            Event::Closed { socket } => {
                if alive.get(socket) == Some(&true) {
                    alive[socket] = false;
                    self.closed += 1;
                    if !self.delivered[socket] {
                        self.need -= 1;
                    }
                }
                None
            }
        }
    }
}

#[derive(Serialize, Debug)]
struct FanoutReport {
    label: String,
    mode: &'static str,
    session: i64,
    watchers: usize,
    opened: usize,
    failed: u64,
    rounds: usize,
    /// Rounds whose join was created (the others expect no frame).
    rounds_joined: usize,
    /// Rounds where every open socket got the frame in time.
    rounds_complete: usize,
    round_p50_ms: f64,
    round_p99_ms: f64,
    round_max_ms: f64,
    deliveries: u64,
    delivery_p50_ms: f64,
    delivery_p99_ms: f64,
    delivery_max_ms: f64,
    missing: u64,
    closed: u64,
    duplicates: u64,
    gaps: u64,
    join_p50_ms: f64,
    join_p99_ms: f64,
    join_non_2xx: u64,
    join_errors: u64,
    join_repeated: u64,
    pings: u64,
    connect_secs: f64,
    listen_overflows: Option<u64>,
    /// The client's CPU during the rounds.
    client_cpu_s: Option<f64>,
    client_cpu_pct: Option<f64>,
}

fn fanout(args: FanoutArgs) -> anyhow::Result<ExitCode> {
    if args.watchers == 0 || args.rounds == 0 {
        return Err(bad("--watchers and --rounds must be ≥ 1"));
    }
    if args.delivery_timeout_ms == 0 || args.join.join_timeout_ms == 0 {
        return Err(bad(
            "--delivery-timeout-ms and --join-timeout-ms must be ≥ 1",
        ));
    }
    check_budget(args.watchers, args.socket.source_ips.len(), 1)?;
    let ctx = Arc::new(SocketCtx::new(&args.socket, Vec::new())?);
    let http = Arc::new(HttpTarget::parse(&args.join.http)?);
    let offset = phone_offset(args.join.phone_offset);
    let rt = runtime(args.socket.threads)?;
    let label = label_or(&args.socket.label, "fanout");
    let session = args.session;
    let (report, join_errors, closed_reasons) = rt.block_on(async {
        eprintln!(
            "== {label}: {} watchers of session {session} on {}; {} rounds, one join each to {} every {} ms",
            thousands(args.watchers as f64),
            ctx.target.url,
            args.rounds,
            args.join.http,
            args.interval_ms
        );
        let mut sockets =
            Sockets::spawn(&ctx, args.watchers, args.socket.threads, |_| Some(session), true)?;
        let events = sockets
            .events
            .take()
            .ok_or_else(|| anyhow!("no event log"))?;
        // Events taken from the log so far, and those that came after a round's deadline
        // (handled with the events between rounds, as late frames).
        let mut seen = 0u64;
        let mut late: Vec<Event> = Vec::new();
        let opening = sockets.opened().await?;
        eprint!("{}", opening.line(args.watchers));
        let lo = opening.snapshots.iter().min().copied().unwrap_or(0);
        let hi = opening.snapshots.iter().max().copied().unwrap_or(0);
        if lo != hi {
            eprintln!("   note: the snapshots' ids differ ({lo}..{hi}): the session changed while the sockets opened");
        }
        // The sockets waited for: those that opened and have not been closed since.
        let mut alive = opening.ready.clone();
        let mut base = hi;
        let mut join = JoinClient::new(http.clone(), Duration::from_millis(args.join.join_timeout_ms));
        join.warm().await;
        let mut round_hist = new_hist()?;
        let mut delivery_hist = new_hist()?;
        let mut join_hist = new_hist()?;
        let mut errors = JoinErrors::default();
        let (mut joined, mut complete, mut missing, mut closed) = (0usize, 0usize, 0u64, 0u64);
        let interval = Duration::from_millis(args.interval_ms);
        let timeout = Duration::from_millis(args.delivery_timeout_ms);
        let cpu = CpuMeter::start();
        // Without a socket there is nothing to measure: no joins.
        let rounds = if opening.opened == 0 { 0 } else { args.rounds };
        for round in 0..rounds {
            // Events between rounds (late frames, closes) first.
            let between = events.drain();
            seen += between.len() as u64;
            for ev in std::mem::take(&mut late).into_iter().chain(between) {
                if let Event::Closed { socket } = ev {
                    if alive[socket] {
                        alive[socket] = false;
                        closed += 1;
                    }
                }
                if let Event::Delivery { id, .. } = ev {
                    base = base.max(id);
                }
            }
            let t0 = Instant::now();
            let outcome = join.join(session, offset + round as u64).await;
            record(&mut join_hist, t0.elapsed());
            errors.add(&outcome);
            if outcome == JoinOutcome::Created {
                joined += 1;
                let mut r = Round::new(t0, base, &alive);
                let deadline = t0 + timeout;
                loop {
                    let batch = events.drain();
                    seen += batch.len() as u64;
                    for ev in batch {
                        match ev {
                            // Received after the deadline: missing from this round.
                            Event::Delivery { at, .. } if at > deadline => late.push(ev),
                            _ => {
                                if let Some(lat) = r.take(ev, &mut alive) {
                                    record(&mut delivery_hist, lat);
                                }
                            }
                        }
                    }
                    if r.complete()
                        || Instant::now() > deadline
                        || (!events.wait_for(seen, (r.need - r.got) as u64, deadline).await
                            && events.pushed.load(Ordering::SeqCst) == seen)
                    {
                        break;
                    }
                }
                closed += r.closed as u64;
                missing += (r.need - r.got) as u64;
                if r.complete() && r.need > 0 {
                    complete += 1;
                    if let Some(last) = r.last_at {
                        record(&mut round_hist, last.saturating_duration_since(t0));
                    }
                }
                base = r.max_id;
            }
            if round + 1 < rounds {
                tokio::time::sleep_until((t0 + interval).into()).await;
            }
        }
        let (client_cpu_s, client_cpu_pct) = cpu.stop();
        let pings = ctx.pings.load(Ordering::Relaxed);
        let outcomes = sockets.finish().await?;
        for ev in std::mem::take(&mut late).into_iter().chain(events.drain()) {
            if let Event::Closed { socket } = ev {
                if alive[socket] {
                    alive[socket] = false;
                    closed += 1;
                }
            }
        }
        let report = FanoutReport {
            label: label.clone(),
            mode: "fanout",
            session,
            watchers: args.watchers,
            opened: opening.opened,
            failed: opening.failed.count,
            rounds: args.rounds,
            rounds_joined: joined,
            rounds_complete: complete,
            round_p50_ms: q_ms(&round_hist, 0.5),
            round_p99_ms: q_ms(&round_hist, 0.99),
            round_max_ms: max_ms(&round_hist),
            deliveries: delivery_hist.len(),
            delivery_p50_ms: q_ms(&delivery_hist, 0.5),
            delivery_p99_ms: q_ms(&delivery_hist, 0.99),
            delivery_max_ms: max_ms(&delivery_hist),
            missing,
            closed,
            duplicates: outcomes.iter().map(|o| o.duplicates).sum(),
            gaps: outcomes.iter().map(|o| o.gaps).sum(),
            join_p50_ms: q_ms(&join_hist, 0.5),
            join_p99_ms: q_ms(&join_hist, 0.99),
            join_non_2xx: errors.refused.count,
            join_errors: errors.failed.count,
            join_repeated: errors.repeated,
            pings,
            connect_secs: round_to(opening.secs, 3),
            listen_overflows: opening.listen_overflows,
            client_cpu_s,
            client_cpu_pct,
        };
        anyhow::Ok((report, errors, closed_log(&outcomes)))
    })?;
    drop(rt);
    let r = &report;
    let mut s =
        format!(
        "   rounds: {} joined of {}, {} complete; last socket ms p50 {:.2} p99 {:.2} max {:.2}\n",
        r.rounds_joined, r.rounds, r.rounds_complete, r.round_p50_ms, r.round_p99_ms, r.round_max_ms
    );
    s += &format!(
        "   deliveries: {} (ms p50 {:.2} p99 {:.2} max {:.2}); missing {}, sockets closed {}, duplicates {}, gaps {}; pings {}\n",
        thousands(r.deliveries as f64),
        r.delivery_p50_ms,
        r.delivery_p99_ms,
        r.delivery_max_ms,
        r.missing,
        r.closed,
        r.duplicates,
        r.gaps,
        thousands(r.pings as f64)
    );
    s += &format!(
        "   joins: HTTP ms p50 {:.2} p99 {:.2}; non-2xx {}, no answer {}, already booked {}\n",
        r.join_p50_ms, r.join_p99_ms, r.join_non_2xx, r.join_errors, r.join_repeated
    );
    s += &cpu_line("the rounds", r.client_cpu_s, r.client_cpu_pct);
    s += &join_errors.lines();
    s += &closed_reasons.lines("sockets closed during the run");
    eprint!("{s}");
    println!("{}", serde_json::to_string(r)?);
    let mut problems = Vec::new();
    problems.extend(too_many_errors(
        r.failed,
        r.closed,
        &join_errors,
        args.socket.max_errors,
    ));
    if r.missing > 0 || r.gaps > 0 {
        problems.push(format!(
            "events lost: {} missing deliveries, {} gaps",
            r.missing, r.gaps
        ));
    }
    if r.opened == 0 {
        problems.push("no socket opened".into());
    }
    Ok(verdict(&problems))
}

// ---------------------------------------------------------------------------------------------
// cross

/// `FIRST-LAST` → the sessions from FIRST to LAST.
fn parse_range(text: &str) -> Result<Vec<i64>, String> {
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| format!("{text:?} is not FIRST-LAST"))?;
    let a: i64 = a
        .trim()
        .parse()
        .map_err(|_| format!("{a:?} is not a session id"))?;
    let b: i64 = b
        .trim()
        .parse()
        .map_err(|_| format!("{b:?} is not a session id"))?;
    if a > b || b - a >= 1_000_000 {
        return Err(format!(
            "{text:?}: want FIRST ≤ LAST, at most a million sessions"
        ));
    }
    Ok((a..=b).collect())
}

/// The open-loop plan of the joins.
struct SendPlan {
    target: Arc<HttpTarget>,
    sessions: Vec<i64>,
    rate: f64,
    connections: usize,
    start: Instant,
    end: Instant,
    offset: u64,
    timeout: Duration,
}

/// When join `j` is due, from the start: joins are spread evenly at `rate` per second.
fn due(j: u64, rate: f64) -> Duration {
    Duration::from_secs_f64(j as f64 / rate)
}

/// One join as sent.
struct JoinRec {
    session: usize,
    sent: Instant,
    created: bool,
}

/// What one HTTP connection sent.
struct SendLog {
    joins: Vec<JoinRec>,
    http: Histogram<u64>,
    lag: Histogram<u64>,
    errors: JoinErrors,
    missed: u64,
}

/// Connection `c` sends joins c, c + C, c + 2C… at their scheduled times (late ones at once).
async fn sender(plan: Arc<SendPlan>, c: usize) -> anyhow::Result<SendLog> {
    let mut log = SendLog {
        joins: Vec::new(),
        http: new_hist()?,
        lag: new_hist()?,
        errors: JoinErrors::default(),
        missed: 0,
    };
    let mut client = JoinClient::new(plan.target.clone(), plan.timeout);
    client.warm().await;
    let n = plan.sessions.len() as u64;
    let mut j = c as u64;
    loop {
        let scheduled = plan.start + due(j, plan.rate);
        if scheduled >= plan.end {
            break;
        }
        let this = j;
        j += plan.connections as u64;
        if Instant::now() > plan.end + LATE_GRACE {
            log.missed += 1;
            continue;
        }
        tokio::time::sleep_until(scheduled.into()).await;
        let session = (this % n) as usize;
        let sent = Instant::now();
        record(&mut log.lag, sent.saturating_duration_since(scheduled));
        let outcome = client
            .join(plan.sessions[session], plan.offset + this)
            .await;
        record(&mut log.http, sent.elapsed());
        log.errors.add(&outcome);
        log.joins.push(JoinRec {
            session,
            sent,
            created: outcome == JoinOutcome::Created,
        });
    }
    Ok(log)
}

/// How one socket's frames match the joins sent to its session.
#[derive(Debug, Default, PartialEq)]
struct Matched {
    /// Frames matched to a join (latency recorded).
    received: u64,
    /// Frames whose id matches no created join.
    unexpected: u64,
    /// Frames that arrived before their matched join was sent (the matching is off).
    misattributed: u64,
}

/// Frame id `s0 + k` belongs to the k-th created join (`sends` in send order).
fn match_frames(
    s0: i64,
    sends: &[Instant],
    frames: &[(i64, Instant)],
    hist: &mut Histogram<u64>,
) -> Matched {
    let mut m = Matched::default();
    for &(id, at) in frames {
        let k = id - s0;
        match usize::try_from(k)
            .ok()
            .filter(|k| (1..=sends.len()).contains(k))
        {
            Some(k) => {
                let sent = sends[k - 1];
                m.received += 1;
                if at < sent {
                    m.misattributed += 1;
                }
                record(hist, at.saturating_duration_since(sent));
            }
            None => m.unexpected += 1,
        }
    }
    m
}

#[derive(Serialize, Debug)]
struct CrossReport {
    label: String,
    mode: &'static str,
    sessions: usize,
    watchers_per_session: usize,
    sockets: usize,
    opened: usize,
    failed: u64,
    closed: u64,
    rate: f64,
    secs: f64,
    joins_sent: u64,
    joins_created: u64,
    send_rate: f64,
    missed: u64,
    frames_expected: u64,
    frames_received: u64,
    lost: u64,
    gaps: u64,
    /// Frames that came after a newer one of their session (delivered, out of order).
    late: u64,
    duplicates: u64,
    unexpected: u64,
    misattributed: u64,
    /// Open sockets whose last id at the end is below their session's last version.
    stale_sockets: u64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    join_p50_ms: f64,
    join_p99_ms: f64,
    sched_lag_p99_ms: f64,
    join_non_2xx: u64,
    join_errors: u64,
    join_repeated: u64,
    pings: u64,
    connect_secs: f64,
    listen_overflows: Option<u64>,
    /// The client's CPU from the first join to the end of the drain.
    client_cpu_s: Option<f64>,
    client_cpu_pct: Option<f64>,
    http: String,
    url: String,
}

fn cross(args: CrossArgs) -> anyhow::Result<ExitCode> {
    let sessions = match &args.session_range {
        Some(r) => parse_range(r).map_err(bad)?,
        None => args.sessions.clone(),
    };
    if sessions.is_empty() {
        return Err(bad("give --sessions or --session-range"));
    }
    if args.watchers_per_session == 0 {
        return Err(bad("--watchers-per-session must be ≥ 1"));
    }
    if !(args.rate.is_finite() && args.rate > 0.0) {
        return Err(bad("--rate must be > 0"));
    }
    if !(args.secs.is_finite() && args.secs > 0.0 && args.secs <= 3600.0) {
        return Err(bad("--secs must be in (0, 3600]"));
    }
    if !(args.drain_secs.is_finite() && (0.0..=600.0).contains(&args.drain_secs)) {
        return Err(bad("--drain-secs must be 0..=600"));
    }
    if !(1..=1024).contains(&args.http_connections) {
        return Err(bad("--http-connections must be 1..=1024"));
    }
    if args.join.join_timeout_ms == 0 {
        return Err(bad("--join-timeout-ms must be ≥ 1"));
    }
    let n_sessions = sessions.len();
    let total = n_sessions
        .checked_mul(args.watchers_per_session)
        .ok_or_else(|| bad("too many sockets"))?;
    check_budget(total, args.socket.source_ips.len(), args.http_connections)?;
    let ctx = Arc::new(SocketCtx::new(&args.socket, Vec::new())?);
    let http = Arc::new(HttpTarget::parse(&args.join.http)?);
    let offset = phone_offset(args.join.phone_offset);
    let rt = runtime(args.socket.threads)?;
    let label = label_or(&args.socket.label, "cross");
    if n_sessions < 50 && args.rate / n_sessions as f64 > 20.0 {
        eprintln!(
            "   note: {:.0} joins/s per session; the frame↔join matching assumes they are far apart (see the header)",
            args.rate / n_sessions as f64
        );
    }
    let (report, join_errors, closed_reasons) = rt.block_on(async {
        eprintln!(
            "== {label}: {} sessions × {} watchers = {} sockets on {}; joins to {} at {}/s for {} s over {} connections",
            thousands(n_sessions as f64),
            args.watchers_per_session,
            thousands(total as f64),
            ctx.target.url,
            args.join.http,
            thousands(args.rate),
            args.secs,
            args.http_connections
        );
        let by_socket: Vec<i64> = (0..total).map(|i| sessions[i % n_sessions]).collect();
        let mut sockets = Sockets::spawn(
            &ctx,
            total,
            args.socket.threads,
            |i| Some(by_socket[i]),
            false,
        )?;
        let opening = sockets.opened().await?;
        eprint!("{}", opening.line(total));

        let cpu = CpuMeter::start();
        let start = Instant::now() + Duration::from_millis(200);
        let plan = Arc::new(SendPlan {
            target: http.clone(),
            sessions: sessions.clone(),
            rate: args.rate,
            connections: args.http_connections,
            start,
            // Without a socket there is nothing to measure: no joins.
            end: if opening.opened == 0 {
                start
            } else {
                start + Duration::from_secs_f64(args.secs)
            },
            offset,
            timeout: Duration::from_millis(args.join.join_timeout_ms),
        });
        let senders: Vec<_> = (0..args.http_connections)
            .map(|c| tokio::spawn(sender(plan.clone(), c)))
            .collect();
        let mut joins = Vec::new();
        let mut http_hist = new_hist()?;
        let mut lag = new_hist()?;
        let mut errors = JoinErrors::default();
        let mut missed = 0;
        for s in senders {
            let log = s.await.context("a sender task failed")??;
            joins.extend(log.joins);
            http_hist.add(&log.http).map_err(|e| anyhow!("histogram: {e:?}"))?;
            lag.add(&log.lag).map_err(|e| anyhow!("histogram: {e:?}"))?;
            errors.merge(log.errors);
            missed += log.missed;
        }
        let sends_done = Instant::now();

        // Created joins per session, in send order.
        joins.sort_by_key(|j| j.sent);
        let mut sends: Vec<Vec<Instant>> = vec![Vec::new(); n_sessions];
        for j in joins.iter().filter(|j| j.created) {
            sends[j.session].push(j.sent);
        }
        let created: u64 = sends.iter().map(|s| s.len() as u64).sum();
        // Frames expected: each created join, once per open socket of its session.
        let expected: u64 = (0..total)
            .filter(|&i| opening.ready[i])
            .map(|i| sends[i % n_sessions].len() as u64)
            .sum();
        let drain_end = sends_done + Duration::from_secs_f64(args.drain_secs);
        while ctx.received.load(Ordering::Relaxed) < expected && Instant::now() < drain_end {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (client_cpu_s, client_cpu_pct) = cpu.stop();
        let pings = ctx.pings.load(Ordering::Relaxed);
        let outcomes = sockets.finish().await?;

        // Each session's snapshot id: the highest among its sockets (they agree unless the
        // session changed while they opened).
        let mut s0: Vec<Option<i64>> = vec![None; n_sessions];
        for (i, o) in outcomes.iter().enumerate() {
            if let Some(s) = o.snapshot {
                let e = &mut s0[i % n_sessions];
                *e = Some(e.map_or(s, |x| x.max(s)));
            }
        }
        let mut hist = new_hist()?;
        let mut total_m = Matched::default();
        let mut stale = 0u64;
        for (i, o) in outcomes.iter().enumerate().filter(|(_, o)| o.ready) {
            let si = i % n_sessions;
            let base = s0[si].unwrap_or(0);
            let last_seen = o.frames.last().map_or(base, |f| f.0);
            if o.closed.is_none() && last_seen < base + sends[si].len() as i64 {
                stale += 1;
            }
            let m = match_frames(base, &sends[si], &o.frames, &mut hist);
            total_m.received += m.received;
            total_m.unexpected += m.unexpected;
            total_m.misattributed += m.misattributed;
        }
        let first = joins.first().map(|j| j.sent);
        let last = joins.last().map(|j| j.sent);
        let send_rate = match (first, last) {
            (Some(a), Some(b)) if joins.len() > 1 && b > a => {
                (joins.len() - 1) as f64 / b.duration_since(a).as_secs_f64()
            }
            _ => 0.0,
        };
        let closed = closed_log(&outcomes);
        let report = CrossReport {
            label: label.clone(),
            mode: "cross",
            sessions: n_sessions,
            watchers_per_session: args.watchers_per_session,
            sockets: total,
            opened: opening.opened,
            failed: opening.failed.count,
            closed: closed.count,
            rate: args.rate,
            secs: args.secs,
            joins_sent: joins.len() as u64,
            joins_created: created,
            send_rate: round_to(send_rate, 1),
            missed,
            frames_expected: expected,
            frames_received: total_m.received,
            lost: expected.saturating_sub(total_m.received),
            late: outcomes.iter().map(|o| o.late).sum(),
            gaps: outcomes.iter().map(|o| o.gaps).sum(),
            duplicates: outcomes.iter().map(|o| o.duplicates).sum(),
            unexpected: total_m.unexpected,
            misattributed: total_m.misattributed,
            stale_sockets: stale,
            p50_ms: q_ms(&hist, 0.5),
            p90_ms: q_ms(&hist, 0.9),
            p99_ms: q_ms(&hist, 0.99),
            p999_ms: q_ms(&hist, 0.999),
            max_ms: max_ms(&hist),
            join_p50_ms: q_ms(&http_hist, 0.5),
            join_p99_ms: q_ms(&http_hist, 0.99),
            sched_lag_p99_ms: q_ms(&lag, 0.99),
            join_non_2xx: errors.refused.count,
            join_errors: errors.failed.count,
            join_repeated: errors.repeated,
            pings,
            connect_secs: round_to(opening.secs, 3),
            listen_overflows: opening.listen_overflows,
            client_cpu_s,
            client_cpu_pct,
            http: args.join.http.clone(),
            url: ctx.target.url.clone(),
        };
        anyhow::Ok((report, errors, closed))
    })?;
    drop(rt);
    let r = &report;
    let mut s = format!(
        "   joins: {} sent ({} created), {:.1}/s achieved of {}/s, {} missed; HTTP ms p50 {:.2} p99 {:.2}; schedule lag p99 {:.2} ms\n",
        thousands(r.joins_sent as f64),
        thousands(r.joins_created as f64),
        r.send_rate,
        thousands(r.rate),
        r.missed,
        r.join_p50_ms,
        r.join_p99_ms,
        r.sched_lag_p99_ms
    );
    s += &format!(
        "   frames: expected {}, received {} ({} of them after a newer one), lost {} (gaps {}; sockets left behind the last version {}), duplicates {}, unexpected {}, misattributed {}; sockets closed {}; pings {}\n",
        thousands(r.frames_expected as f64),
        thousands(r.frames_received as f64),
        thousands(r.late as f64),
        r.lost,
        r.gaps,
        r.stale_sockets,
        r.duplicates,
        r.unexpected,
        r.misattributed,
        r.closed,
        thousands(r.pings as f64)
    );
    s += &format!(
        "   latency ms (join sent → frame received): p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}\n",
        r.p50_ms, r.p90_ms, r.p99_ms, r.p999_ms, r.max_ms
    );
    s += &cpu_line("the joins and the drain", r.client_cpu_s, r.client_cpu_pct);
    s += &join_errors.lines();
    s += &closed_reasons.lines("sockets closed during the run");
    eprint!("{s}");
    println!("{}", serde_json::to_string(r)?);
    let mut problems = Vec::new();
    problems.extend(too_many_errors(
        r.failed,
        r.closed,
        &join_errors,
        args.socket.max_errors,
    ));
    if r.lost > 0 || r.gaps > 0 {
        problems.push(format!(
            "events lost: {} frames ({} in gaps; {} sockets left behind the last version)",
            r.lost, r.gaps, r.stale_sockets
        ));
    }
    if r.opened == 0 {
        problems.push("no socket opened".into());
    }
    Ok(verdict(&problems))
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_join_body_is_the_one_of_the_joins_benchmark() {
        assert_eq!(
            join_body(42),
            r#"{"name":"Ospite 42","phone":"+39 3000000042"}"#
        );
        // Always nine digits after the 3.
        assert_eq!(
            join_body(PHONES + 7),
            r#"{"name":"Ospite 7","phone":"+39 3000000007"}"#
        );
        let v: serde_json::Value = serde_json::from_str(&join_body(123_456_789)).unwrap();
        assert_eq!(v["phone"], "+39 3123456789");
    }

    #[test]
    fn join_requests_carry_no_origin() {
        let t = HttpTarget::parse("http://127.0.0.1:8080/").unwrap();
        let req = t.join_request(17, 1).unwrap();
        assert_eq!(req.uri().path(), "/api/v1/sessions/17/bookings");
        assert_eq!(req.headers()[HOST], "127.0.0.1:8080");
        assert_eq!(req.headers()[CONTENT_TYPE], "application/json");
        assert!(req.headers().get(hyper::header::ORIGIN).is_none());
    }

    #[test]
    fn urls_are_loopback_only() {
        let t = WsTarget::parse("ws://127.0.0.1:18480/ws?last_id=3").unwrap();
        assert_eq!(t.addr, "127.0.0.1:18480".parse().unwrap());
        assert!(WsTarget::parse("ws://10.0.0.1:80/ws")
            .unwrap_err()
            .downcast_ref::<common::BadArgs>()
            .is_some());
        assert!(WsTarget::parse("http://127.0.0.1:80/ws").is_err());
        assert!(WsTarget::parse("wss://127.0.0.1:80/ws").is_err());
        assert!(HttpTarget::parse("ws://127.0.0.1:80").is_err());
        assert_eq!(
            HttpTarget::parse("http://127.0.0.1").unwrap().addr.port(),
            80
        );
    }

    #[test]
    fn frames_parse_with_only_the_fields_read() {
        let f: Frame = serde_json::from_str(
            r#"{"type":"seats","id":9,"session_id":4,"capacity":null,"confirmed":7,"waiting":0,"seats_left":null}"#,
        )
        .unwrap();
        assert_eq!((f.kind.as_str(), f.id, f.session_id), ("seats", 9, Some(4)));
        let h: Frame =
            serde_json::from_str(r#"{"type":"hello","id":0,"signed_in":true,"unread":3}"#).unwrap();
        assert_eq!(h.signed_in, Some(true));
        assert_eq!(
            subscribe_message(12),
            r#"{"topic":"session:12","type":"subscribe"}"#
        );
    }

    #[test]
    fn cookie_files_hold_one_header_value_per_line() {
        let c =
            parse_cookies("legami_session=a\n\n# comment\nCookie: legami_session=b\r\n").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1], "legami_session=b");
        assert!(parse_cookies("\n\n").is_err());
        assert!(parse_cookies("bad\u{7f}value").is_err());
    }

    #[test]
    fn session_ranges() {
        assert_eq!(parse_range("3-6").unwrap(), vec![3, 4, 5, 6]);
        assert_eq!(parse_range("7-7").unwrap(), vec![7]);
        assert!(parse_range("6-3").is_err());
        assert!(parse_range("6").is_err());
        assert!(parse_range("a-3").is_err());
    }

    #[test]
    fn join_outcomes_by_status() {
        assert_eq!(outcome_of(StatusCode::CREATED, b""), JoinOutcome::Created);
        assert_eq!(outcome_of(StatusCode::OK, b"{}"), JoinOutcome::Repeated);
        assert_eq!(
            outcome_of(
                StatusCode::TOO_MANY_REQUESTS,
                b" {\"error\":\"slow down\"}\n"
            ),
            JoinOutcome::Refused(429, "{\"error\":\"slow down\"}".into())
        );
        let mut e = JoinErrors::default();
        for o in [
            JoinOutcome::Created,
            JoinOutcome::Repeated,
            JoinOutcome::Refused(409, "full".into()),
            JoinOutcome::Failed("reset".into()),
        ] {
            e.add(&o);
        }
        assert_eq!(e.total(), 3);
        assert_eq!(e.refused.first, vec!["HTTP 409: full".to_string()]);
    }

    #[test]
    fn frames_match_the_joins_in_send_order() {
        let t = Instant::now();
        let ms = Duration::from_millis;
        let sends = vec![t, t + ms(50), t + ms(100)];
        let frames = vec![
            (11, t + ms(3)),   // first join: 3 ms
            (12, t + ms(55)),  // second: 5 ms
            (13, t + ms(99)),  // before the third join was sent
            (14, t + ms(200)), // no fourth join
            (10, t + ms(1)),   // the snapshot's id itself
        ];
        let mut h = new_hist().unwrap();
        let m = match_frames(10, &sends, &frames, &mut h);
        assert_eq!(
            m,
            Matched {
                received: 3,
                unexpected: 2,
                misattributed: 1
            }
        );
        assert_eq!(h.len(), 3);
        assert!((q_ms(&h, 1.0) - 5.0).abs() < 0.01);
    }

    #[test]
    fn a_round_counts_each_open_socket_once() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut alive = vec![true, true, true, false];
        let mut r = Round::new(t0, 5, &alive);
        assert_eq!(r.need, 3);
        // An old frame (the previous round's) does not count.
        assert_eq!(
            r.take(
                Event::Delivery {
                    socket: 0,
                    id: 5,
                    at: t0 + ms(1)
                },
                &mut alive
            ),
            None
        );
        assert_eq!(
            r.take(
                Event::Delivery {
                    socket: 0,
                    id: 6,
                    at: t0 + ms(2)
                },
                &mut alive
            ),
            Some(ms(2))
        );
        // The same socket again, and a socket that never opened: ignored.
        assert_eq!(
            r.take(
                Event::Delivery {
                    socket: 0,
                    id: 7,
                    at: t0 + ms(3)
                },
                &mut alive
            ),
            None
        );
        assert_eq!(
            r.take(
                Event::Delivery {
                    socket: 3,
                    id: 6,
                    at: t0 + ms(3)
                },
                &mut alive
            ),
            None
        );
        // A socket closing before its delivery is no longer waited for.
        r.take(Event::Closed { socket: 2 }, &mut alive);
        assert!(!alive[2]);
        assert!(!r.complete());
        r.take(
            Event::Delivery {
                socket: 1,
                id: 6,
                at: t0 + ms(9),
            },
            &mut alive,
        );
        assert!(r.complete());
        assert_eq!(r.last_at, Some(t0 + ms(9)));
        assert_eq!(r.max_id, 7);
    }

    #[test]
    fn a_socket_counts_gaps_late_frames_and_duplicates_from_its_snapshot() {
        let t = Instant::now();
        let mut o = Outcome {
            last_id: Some(10),
            ..Outcome::default()
        };
        assert!(!o.take_seats(10, t)); // the snapshot again
        assert!(o.take_seats(11, t));
        assert!(o.take_seats(14, t)); // 12 and 13 skipped
        assert!(o.take_seats(12, t)); // late: delivered
        assert!(!o.take_seats(12, t)); // again: a duplicate
        assert!(o.take_seats(15, t));
        assert_eq!((o.gaps, o.late, o.duplicates), (1, 1, 2)); // 13 never came
        assert_eq!(
            o.frames.iter().map(|f| f.0).collect::<Vec<_>>(),
            vec![11, 14, 12, 15]
        );
    }

    #[test]
    fn error_bodies_become_one_short_line() {
        assert_eq!(
            body_line("<!doctype html>\n<html><head>\n<TITLE>Richiesta non valida \u{2014} Legami</TITLE></head><body>\n...</body>".as_bytes()),
            "Richiesta non valida \u{2014} Legami"
        );
        assert_eq!(body_line(b" {\"error\":\n \"x\"} "), "{\"error\": \"x\"}");
        let long = "é".repeat(300);
        assert_eq!(body_line(long.as_bytes()).chars().count(), 201);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(19_000.0), "19,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }
}
