//! The load generator the benchmarks share (`bench/lib.sh`, `bench/*.sh`; see bench/README.md).
//!
//! ```text
//! loadgen http --host 127.0.0.1:PORT (--url PATH [--header 'Name: value']... | --requests FILE)
//!              [-c N] [--rate R] [-d SECS] [-w SECS] [--max-requests N] [--timeout-ms MS]
//!              [--threads N] [--label TEXT] [--once]
//! loadgen bare --bind 127.0.0.1:PORT [--workers N]
//! loadgen compare [FILE] --value LABEL --baseline LABEL [--metric rps|p99_ms|…]
//!                 [--higher-is-better | --lower-is-better] [--max-overhead PCT]
//! ```
//!
//! `http` drives HTTP/1.1 keep-alive connections (hyper's low-level client, one task per
//! connection) in a closed loop (each connection sends the next request when the previous
//! response has been read) or an open loop (`--rate`: requests at their scheduled times,
//! latency measured from the scheduled time, as wrk2 does). It prints a readable summary on
//! stderr and one JSON line on stdout. Only loopback addresses are accepted.
//!
//! `bare` is a bare actix-web server with one route, `GET /health/live`, and no middleware:
//! the baseline for the service's own middleware cost.
//!
//! `compare` reads the JSON lines and prints one line comparing two labels.

#[path = "common/mod.rs"]
mod common;
use common::bad;

use anyhow::{anyhow, Context};
use clap::{Args, Parser, Subcommand};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderName, HeaderValue, HOST};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// Latencies are recorded in microseconds from 1 µs to 60 s with 3 significant digits.
const HIST_LOW_US: u64 = 1;
const HIST_HIGH_US: u64 = 60_000_000;
const HIST_SIGFIG: u8 = 3;
/// No run may last longer than this (warmup + duration).
const MAX_RUN_SECS: f64 = 3600.0;
/// Open loop: how long after the end requests that were due before it may still be sent
/// (a connection that is further behind stops; the rest count as missed).
const OPEN_LOOP_GRACE: Duration = Duration::from_millis(250);
/// Pause between two failed connection attempts in the closed loop.
const RECONNECT_PAUSE: Duration = Duration::from_millis(50);

#[derive(Parser)]
#[command(
    name = "loadgen",
    about = "Load generator and baselines for the Legami benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Drive HTTP/1.1 requests at a server on 127.0.0.1 and report throughput and latency.
    Http(HttpArgs),
    /// A bare actix-web server answering GET /health/live with {"status":"ok"}, no middleware.
    Bare(BareArgs),
    /// Compare two labelled results (JSON lines from `loadgen http`).
    Compare(CompareArgs),
}

#[derive(Args)]
struct HttpArgs {
    /// Where to connect: 127.0.0.1:PORT (loopback only). Optional when --url is absolute.
    #[arg(long)]
    host: Option<String>,
    /// Request file: one request per line, `METHOD<TAB>PATH[<TAB>Name: value]...[<TAB>@BODY]`;
    /// blank lines and lines starting with # are skipped.
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    requests: Option<PathBuf>,
    /// One request repeated (GET unless --method): a path (/health/live) or
    /// http://127.0.0.1:PORT/path.
    #[arg(long, value_name = "PATH")]
    url: Option<String>,
    /// Method for --url.
    #[arg(long, default_value = "GET", requires = "url")]
    method: String,
    /// Extra header on every request, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Keep-alive connections.
    #[arg(short = 'c', long, default_value_t = 32)]
    connections: usize,
    /// Open loop: this many requests per second in total, spread evenly over the connections.
    /// Without it, closed loop.
    #[arg(long, value_name = "R")]
    rate: Option<f64>,
    /// Measured seconds.
    #[arg(short = 'd', long, default_value_t = 10.0, value_name = "SECS")]
    duration: f64,
    /// Seconds of load before the measured part (not recorded).
    #[arg(short = 'w', long, default_value_t = 0.0, value_name = "SECS")]
    warmup: f64,
    /// Hard cap on requests sent, warmup included.
    #[arg(long, default_value_t = 5_000_000, value_name = "N")]
    max_requests: u64,
    /// Per-request timeout (send, response and body), in milliseconds.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    timeout_ms: u64,
    /// Send each request line exactly once, in file order across all connections, then stop
    /// (for requests that change state, such as joins: no line is repeated). Closed loop only.
    #[arg(long, conflicts_with = "rate")]
    once: bool,
    /// Tokio worker threads of the generator.
    #[arg(long, default_value_t = 1, value_name = "N")]
    threads: usize,
    /// Label of the result (default: the path or the request file's name).
    #[arg(long, default_value = "")]
    label: String,
}

#[derive(Args)]
struct BareArgs {
    /// Address to listen on (loopback only; port 0 picks one).
    #[arg(long, default_value = "127.0.0.1:18090")]
    bind: String,
    /// actix-web worker threads.
    #[arg(long, default_value_t = 1)]
    workers: usize,
}

#[derive(Args)]
struct CompareArgs {
    /// JSON lines from `loadgen http` (default: stdin). Other lines are ignored; a label that
    /// occurs several times (repeated runs) counts with the median of each figure.
    file: Option<PathBuf>,
    /// Label of the measured result.
    #[arg(long)]
    value: String,
    /// Label of the baseline.
    #[arg(long)]
    baseline: String,
    /// Metric of the overhead figure: rps, p50_ms, p90_ms, p99_ms, p999_ms, max_ms.
    #[arg(long, default_value = "rps")]
    metric: String,
    /// The metric is better when higher (the default for rps).
    #[arg(long, conflicts_with = "lower_is_better")]
    higher_is_better: bool,
    /// The metric is better when lower (the default for the latencies).
    #[arg(long)]
    lower_is_better: bool,
    /// Exit 1 when the overhead (in %) is above this.
    #[arg(long, value_name = "PCT")]
    max_overhead: Option<f64>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Http(args) => http(args),
        Command::Bare(args) => bare(args),
        Command::Compare(args) => compare(args),
    };
    common::exit("loadgen", result)
}

// ---------------------------------------------------------------------------------------------
// Requests

/// One line of a request file.
#[derive(Debug, Clone, PartialEq)]
struct RequestLine {
    method: Method,
    path: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<String>,
}

/// `Name: value` → a header pair.
fn parse_header(field: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) = field
        .split_once(':')
        .ok_or_else(|| format!("header {field:?} is not `Name: value`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("invalid header name {:?}", name.trim()))?;
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("invalid value for header {name}"))?;
    Ok((name, value))
}

/// One request-file line: `METHOD<TAB>PATH[<TAB>Name: value]...[<TAB>@BODY]`.
/// `Ok(None)` for blank lines and comments (`#`).
fn parse_request_line(line: &str) -> Result<Option<RequestLine>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() || line.trim_start().starts_with('#') {
        return Ok(None);
    }
    let mut fields = line.split('\t');
    let method = fields.next().unwrap_or_default().trim();
    if method.contains(' ') {
        return Err(format!("{method:?}: the fields must be separated by tabs"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "method {method:?} is not an upper-case HTTP method"
        ));
    }
    let method =
        Method::from_bytes(method.as_bytes()).map_err(|_| format!("invalid method {method:?}"))?;
    let path = fields
        .next()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or("missing the path after a tab")?;
    check_path(path)?;
    let mut headers = Vec::new();
    let mut body = None;
    for field in fields {
        if let Some(text) = field.strip_prefix('@') {
            if body.is_some() {
                return Err("more than one @body field".into());
            }
            body = Some(text.to_string());
        } else if !field.trim().is_empty() {
            headers.push(parse_header(field)?);
        }
    }
    Ok(Some(RequestLine {
        method,
        path: path.to_string(),
        headers,
        body,
    }))
}

/// An origin-form request target: `/path?query`.
fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path {path:?} does not start with /"));
    }
    path.parse::<Uri>()
        .map(|_| ())
        .map_err(|_| format!("invalid path {path:?}"))
}

/// Every request of a request file (at least one).
fn parse_request_file(text: &str) -> Result<Vec<RequestLine>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match parse_request_line(line) {
            Ok(Some(r)) => out.push(r),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", i + 1)),
        }
    }
    if out.is_empty() {
        return Err("no requests in the file".into());
    }
    Ok(out)
}

/// The request sent on the wire; `Host` is added unless the line sets it.
fn build_request(
    line: &RequestLine,
    host: &str,
    extra: &[(HeaderName, HeaderValue)],
) -> anyhow::Result<Request<Full<Bytes>>> {
    let body = line.body.clone().map(Bytes::from).unwrap_or_default();
    let mut req = Request::builder()
        .method(line.method.clone())
        .uri(line.path.as_str())
        .body(Full::new(body))?;
    let headers = req.headers_mut();
    for (name, value) in line.headers.iter().chain(extra) {
        headers.append(name.clone(), value.clone());
    }
    if !headers.contains_key(HOST) {
        headers.insert(HOST, HeaderValue::from_str(host)?);
    }
    Ok(req)
}

/// `host:port` → a loopback socket address.
fn loopback_addr(host: &str) -> anyhow::Result<SocketAddr> {
    let addrs: Vec<SocketAddr> = host
        .to_socket_addrs()
        .map_err(|e| {
            bad(format!(
                "cannot resolve {host:?} (want 127.0.0.1:PORT): {e}"
            ))
        })?
        .collect();
    let addr = addrs
        .iter()
        .find(|a| a.ip().is_loopback())
        .copied()
        .ok_or_else(|| {
            bad(format!(
                "{host} is not a loopback address; load targets 127.0.0.1 only"
            ))
        })?;
    Ok(addr)
}

// ---------------------------------------------------------------------------------------------
// Open-loop schedule

/// When connection `index` (of `connections`) sends its `k`-th request, from the start of the
/// run: the requests of all connections interleave evenly at `rate` per second in total, so
/// connection `index` sends at `(index + k × connections) / rate`.
fn scheduled_offset(index: usize, k: u64, connections: usize, rate: f64) -> Duration {
    let slot = index as f64 + k as f64 * connections as f64;
    Duration::from_secs_f64(slot / rate)
}

/// How many requests connection `index` is scheduled to send in `[from, to)` seconds.
fn scheduled_between(index: usize, connections: usize, rate: f64, from: f64, to: f64) -> u64 {
    // Slot s = index + k × connections is due at s / rate; count k ≥ 0 with from ≤ s/rate < to.
    let first_k = |t: f64| -> u64 {
        let k = ((t * rate - index as f64) / connections as f64).ceil();
        if k <= 0.0 {
            0
        } else {
            k as u64
        }
    };
    first_k(to).saturating_sub(first_k(from))
}

// ---------------------------------------------------------------------------------------------
// The HTTP driver

/// Everything the connection tasks share.
struct Plan {
    addr: SocketAddr,
    requests: Vec<Request<Full<Bytes>>>,
    connections: usize,
    rate: Option<f64>,
    t0: Instant,
    warmup: f64,
    duration: f64,
    measure_start: Instant,
    measure_end: Instant,
    timeout: Duration,
    max_requests: u64,
    sent: AtomicU64,
    /// Each line once, in order (`--once`).
    once: bool,
}

/// What one connection (and then all of them) saw during the measured part.
struct Stats {
    hist: Histogram<u64>,
    /// Open loop: the generator's own delay (actual − ideal send time, µs), not in `hist`.
    lag: Histogram<u64>,
    /// Responses by status class: 1xx, 2xx, 3xx, 4xx, 5xx.
    classes: [u64; 5],
    errors: u64,
    timeouts: u64,
    connect_errors: u64,
    reconnects: u64,
    /// Requests due (open loop) or started (closed loop) in the measured part.
    attempted: u64,
    /// Responses, warmup included.
    responses_total: u64,
    /// Open loop: requests scheduled in the measured part that were never sent.
    missed: u64,
    capped: bool,
    first_start: Option<Instant>,
    last_done: Option<Instant>,
}

impl Stats {
    fn new(hist: Histogram<u64>) -> Stats {
        Stats {
            lag: hist.clone(),
            hist,
            classes: [0; 5],
            errors: 0,
            timeouts: 0,
            connect_errors: 0,
            reconnects: 0,
            attempted: 0,
            responses_total: 0,
            missed: 0,
            capped: false,
            first_start: None,
            last_done: None,
        }
    }

    fn merge(&mut self, other: &Stats) -> anyhow::Result<()> {
        self.hist
            .add(&other.hist)
            .map_err(|e| anyhow!("merging histograms: {e:?}"))?;
        self.lag
            .add(&other.lag)
            .map_err(|e| anyhow!("merging histograms: {e:?}"))?;
        for (a, b) in self.classes.iter_mut().zip(other.classes) {
            *a += b;
        }
        self.errors += other.errors;
        self.timeouts += other.timeouts;
        self.connect_errors += other.connect_errors;
        self.reconnects += other.reconnects;
        self.attempted += other.attempted;
        self.responses_total += other.responses_total;
        self.missed += other.missed;
        self.capped |= other.capped;
        self.first_start = min_opt(self.first_start, other.first_start);
        self.last_done = max_opt(self.last_done, other.last_done);
        Ok(())
    }

    fn responses(&self) -> u64 {
        self.classes.iter().sum()
    }

    fn all_errors(&self) -> u64 {
        self.errors + self.timeouts + self.connect_errors
    }
}

fn min_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn max_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
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

async fn connect(addr: SocketAddr, timeout: Duration) -> anyhow::Result<Conn> {
    let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
        .await
        .map_err(|_| anyhow!("connect timed out"))??;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(Conn { sender, driver })
}

/// Whether the connection can take the next request: polled once without a timer (the usual
/// case right after a response), else waited for with the timeout. False when it was closed.
async fn is_ready(sender: &mut SendRequest<Full<Bytes>>, timeout: Duration) -> bool {
    let now = std::future::poll_fn(|cx| std::task::Poll::Ready(sender.poll_ready(cx))).await;
    match now {
        std::task::Poll::Ready(r) => r.is_ok(),
        std::task::Poll::Pending => {
            matches!(
                tokio::time::timeout(timeout, sender.ready()).await,
                Ok(Ok(()))
            )
        }
    }
}

/// Sends one request and reads the whole response body.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<StatusCode, hyper::Error> {
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    resp.into_body().collect().await?;
    Ok(status)
}

/// One connection's loop, until the end of the measured part or the request cap.
///
/// Open loop: each request waits for its scheduled time `t` and its latency counts from `t`,
/// including the time it had to wait for the previous responses on this connection (no
/// coordinated omission). tokio's timer wakes up to ~2 ms late, though, which is the
/// generator's delay, not the server's: the latency is therefore computed on an ideal timeline
/// where each request is sent at `max(t, ideal completion of the previous one)` and takes as
/// long as it really took from the moment it was actually sent. The part not charged (actual
/// send − ideal send) is recorded apart as the schedule lag.
async fn run_connection(plan: Arc<Plan>, index: usize, hist: Histogram<u64>) -> Stats {
    let mut st = Stats::new(hist);
    let mut conn: Option<Conn> = None;
    let n = plan.requests.len();
    let mut next = rand::rng().random_range(0..n);
    let mut pending: Option<u64> = None;
    let mut k: u64 = 0;
    // Open loop: when the previous request would have completed on the ideal timeline.
    let mut ideal_done = plan.t0;
    let stop_sending = match plan.rate {
        Some(_) => plan.measure_end + OPEN_LOOP_GRACE,
        None => plan.measure_end,
    };
    loop {
        // Open loop: (scheduled time, ideal send time, actual wake-up).
        let open = match plan.rate {
            Some(rate) => {
                let t = plan.t0 + scheduled_offset(index, k, plan.connections, rate);
                if t >= plan.measure_end {
                    break;
                }
                k += 1;
                tokio::time::sleep_until(t.into()).await;
                Some((t, t.max(ideal_done), Instant::now()))
            }
            None => None,
        };
        if Instant::now() >= stop_sending {
            break; // open loop: what was due and not sent counts as missed
        }
        // `--once`: a line whose connection failed is sent on the next try, not skipped.
        let ticket = match pending.take() {
            Some(t) => t,
            None => {
                let t = plan.sent.fetch_add(1, Ordering::Relaxed);
                if t >= plan.max_requests {
                    st.capped = true;
                    break;
                }
                t
            }
        };
        if plan.once {
            next = ticket as usize;
        }
        let in_window = match open {
            Some((t, _, _)) => t >= plan.measure_start,
            None => Instant::now() >= plan.measure_start,
        };
        if in_window {
            st.attempted += 1;
            if let Some((_, ideal_send, woke)) = open {
                st.lag
                    .saturating_record(micros(woke.saturating_duration_since(ideal_send)));
            }
        }

        // A ready keep-alive connection, or a new one.
        let ready = match conn.as_mut() {
            Some(c) => is_ready(&mut c.sender, plan.timeout).await,
            None => false,
        };
        if !ready {
            if conn.take().is_some() {
                st.reconnects += 1;
            }
            match connect(plan.addr, plan.timeout).await {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    if in_window {
                        st.connect_errors += 1;
                    }
                    if plan.once {
                        pending = Some(ticket);
                    }
                    if let Some((_, ideal_send, woke)) = open {
                        ideal_done = ideal_send + woke.elapsed();
                    } else {
                        let pause = plan
                            .measure_end
                            .saturating_duration_since(Instant::now())
                            .min(RECONNECT_PAUSE);
                        tokio::time::sleep(pause).await;
                    }
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };

        let req = plan.requests[next].clone();
        next = (next + 1) % n;
        let sent = Instant::now();
        let outcome = tokio::time::timeout(plan.timeout, exchange(&mut c.sender, req)).await;
        let done = Instant::now();
        let latency = match open {
            Some((t, ideal_send, woke)) => {
                ideal_done = ideal_send + done.duration_since(woke);
                ideal_done.duration_since(t)
            }
            None => done.duration_since(sent),
        };
        if in_window {
            st.first_start = min_opt(st.first_start, Some(open.map_or(sent, |o| o.0)));
            st.last_done = max_opt(st.last_done, Some(done));
        }
        match outcome {
            Ok(Ok(status)) => {
                st.responses_total += 1;
                if in_window {
                    st.hist.saturating_record(micros(latency).max(HIST_LOW_US));
                    let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
                    st.classes[class] += 1;
                }
            }
            Ok(Err(_)) => {
                if in_window {
                    st.errors += 1;
                }
                conn = None;
            }
            Err(_) => {
                if in_window {
                    st.timeouts += 1;
                }
                conn = None;
            }
        }
    }
    if let (Some(rate), false) = (plan.rate, st.capped) {
        let scheduled = scheduled_between(
            index,
            plan.connections,
            rate,
            plan.warmup,
            plan.warmup + plan.duration,
        );
        st.missed = scheduled.saturating_sub(st.attempted);
    }
    st
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// The JSON line of one run (the first keys are the stable interface of the bench scripts).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Report {
    label: String,
    mode: String,
    connections: usize,
    rate: Option<f64>,
    seconds: f64,
    requests: u64,
    rps: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    non_2xx: u64,
    errors: u64,
    #[serde(default)]
    mean_ms: f64,
    #[serde(default)]
    threads: usize,
    #[serde(default)]
    warmup: f64,
    #[serde(default)]
    status: [u64; 5],
    #[serde(default)]
    timeouts: u64,
    #[serde(default)]
    connect_errors: u64,
    #[serde(default)]
    reconnects: u64,
    #[serde(default)]
    missed: u64,
    #[serde(default)]
    sched_lag_p99_ms: f64,
    #[serde(default)]
    capped: bool,
    /// Responses including the warmup (e.g. to divide the server's CPU time by).
    #[serde(default)]
    responses_total: u64,
    /// The generator's own CPU time during the run (warmup included), in s and in % of one
    /// core (null where /proc/self/task/*/schedstat is missing).
    #[serde(default)]
    gen_cpu_s: Option<f64>,
    #[serde(default)]
    gen_cpu_pct: Option<f64>,
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

struct HttpConfig {
    addr: SocketAddr,
    requests: Vec<Request<Full<Bytes>>>,
    label: String,
    connections: usize,
    rate: Option<f64>,
    duration: f64,
    warmup: f64,
    max_requests: u64,
    timeout: Duration,
    threads: usize,
    once: bool,
}

impl HttpConfig {
    fn from_args(args: HttpArgs) -> anyhow::Result<HttpConfig> {
        if !(args.duration.is_finite() && args.duration > 0.0) {
            return Err(bad("--duration must be > 0"));
        }
        if !(args.warmup.is_finite() && args.warmup >= 0.0) {
            return Err(bad("--warmup must be ≥ 0"));
        }
        if args.duration + args.warmup > MAX_RUN_SECS {
            return Err(bad(format!("warmup + duration must be ≤ {MAX_RUN_SECS} s")));
        }
        if !(1..=10_000).contains(&args.connections) {
            return Err(bad("--connections must be 1..=10000"));
        }
        if !(1..=64).contains(&args.threads) {
            return Err(bad("--threads must be 1..=64"));
        }
        if args.max_requests == 0 {
            return Err(bad("--max-requests must be ≥ 1"));
        }
        if args.timeout_ms == 0 {
            return Err(bad("--timeout-ms must be ≥ 1"));
        }
        if let Some(rate) = args.rate {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(bad("--rate must be > 0"));
            }
        }
        let extra = args
            .headers
            .iter()
            .map(|h| parse_header(h).map_err(bad))
            .collect::<anyhow::Result<Vec<_>>>()?;

        let mut host = args.host.clone();
        let (lines, default_label) = match (&args.url, &args.requests) {
            (Some(url), None) => {
                let mut path = url.clone();
                if url.starts_with("http://") {
                    let uri: Uri = url
                        .parse()
                        .map_err(|_| bad(format!("invalid URL {url:?}")))?;
                    if host.is_none() {
                        host = uri.authority().map(|a| a.to_string());
                    }
                    path = uri
                        .path_and_query()
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "/".into());
                } else if url.contains("://") {
                    return Err(bad("only http:// URLs (HTTP/1.1 without TLS)"));
                }
                check_path(&path).map_err(bad)?;
                let method = Method::from_bytes(args.method.as_bytes())
                    .map_err(|_| bad(format!("invalid method {:?}", args.method)))?;
                let line = RequestLine {
                    method,
                    path: path.clone(),
                    headers: Vec::new(),
                    body: None,
                };
                (vec![line], path)
            }
            (None, Some(file)) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| bad(format!("reading {}: {e}", file.display())))?;
                let lines = parse_request_file(&text)
                    .map_err(|e| bad(format!("{}: {e}", file.display())))?;
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (lines, name)
            }
            _ => return Err(bad("give either --url PATH or --requests FILE")),
        };
        let host = host.ok_or_else(|| bad("--host 127.0.0.1:PORT is required"))?;
        let addr = loopback_addr(&host)?;
        let requests = lines
            .iter()
            .map(|l| build_request(l, &host, &extra))
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(|e| bad(format!("{e:#}")))?;
        Ok(HttpConfig {
            addr,
            label: if args.label.is_empty() {
                default_label
            } else {
                args.label
            },
            connections: args.connections,
            rate: args.rate,
            duration: args.duration,
            warmup: args.warmup,
            max_requests: if args.once {
                args.max_requests.min(requests.len() as u64)
            } else {
                args.max_requests
            },
            timeout: Duration::from_millis(args.timeout_ms),
            threads: args.threads,
            once: args.once,
            requests,
        })
    }
}

fn http(args: HttpArgs) -> anyhow::Result<ExitCode> {
    let cfg = HttpConfig::from_args(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cfg.threads)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    let cpu0 = process_cpu_secs();
    let wall0 = Instant::now();
    let mut report = rt.block_on(drive(&cfg))?;
    if let (Some(a), Some(b)) = (cpu0, process_cpu_secs()) {
        report.gen_cpu_s = Some(round_to(b - a, 3));
        report.gen_cpu_pct = Some(round_to(100.0 * (b - a) / wall0.elapsed().as_secs_f64(), 1));
    }
    drop(rt);
    eprint!("{}", human_report(&report));
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
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

async fn drive(cfg: &HttpConfig) -> anyhow::Result<Report> {
    let template = Histogram::<u64>::new_with_bounds(HIST_LOW_US, HIST_HIGH_US, HIST_SIGFIG)
        .map_err(|e| anyhow!("histogram: {e:?}"))?;
    let t0 = Instant::now();
    let measure_start = t0 + Duration::from_secs_f64(cfg.warmup);
    let plan = Arc::new(Plan {
        addr: cfg.addr,
        requests: cfg.requests.clone(),
        connections: cfg.connections,
        rate: cfg.rate,
        t0,
        warmup: cfg.warmup,
        duration: cfg.duration,
        measure_start,
        measure_end: measure_start + Duration::from_secs_f64(cfg.duration),
        timeout: cfg.timeout,
        max_requests: cfg.max_requests,
        sent: AtomicU64::new(0),
        once: cfg.once,
    });
    let tasks: Vec<_> = (0..cfg.connections)
        .map(|i| tokio::spawn(run_connection(plan.clone(), i, template.clone())))
        .collect();
    let mut total = Stats::new(template);
    for task in tasks {
        total.merge(&task.await.context("a connection task failed")?)?;
    }

    // Measured time: from the start of the measured part (or the first request in it) to the
    // last response of a request sent in it.
    let seconds = match (total.first_start, total.last_done) {
        (Some(first), Some(last)) => last.duration_since(measure_start.min(first)).as_secs_f64(),
        _ => 0.0,
    };
    let requests = total.responses();
    let rps = if seconds > 0.0 {
        requests as f64 / seconds
    } else {
        0.0
    };
    let h = &total.hist;
    let ms = |us: u64| round_to(us as f64 / 1000.0, 3);
    let q = |quantile: f64| {
        if h.is_empty() {
            0.0
        } else {
            ms(h.value_at_quantile(quantile))
        }
    };
    Ok(Report {
        label: cfg.label.clone(),
        mode: if cfg.rate.is_some() { "open" } else { "closed" }.into(),
        connections: cfg.connections,
        rate: cfg.rate,
        seconds: round_to(seconds, 3),
        requests,
        rps: round_to(rps, 1),
        p50_ms: q(0.50),
        p90_ms: q(0.90),
        p99_ms: q(0.99),
        p999_ms: q(0.999),
        max_ms: if h.is_empty() { 0.0 } else { ms(h.max()) },
        non_2xx: requests - total.classes[1],
        errors: total.all_errors(),
        mean_ms: if h.is_empty() {
            0.0
        } else {
            round_to(h.mean() / 1000.0, 3)
        },
        threads: cfg.threads,
        warmup: cfg.warmup,
        status: total.classes,
        timeouts: total.timeouts,
        connect_errors: total.connect_errors,
        reconnects: total.reconnects,
        missed: total.missed,
        sched_lag_p99_ms: if total.lag.is_empty() {
            0.0
        } else {
            ms(total.lag.value_at_quantile(0.99))
        },
        capped: total.capped,
        responses_total: total.responses_total,
        gen_cpu_s: None,
        gen_cpu_pct: None,
    })
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

fn human_report(r: &Report) -> String {
    let load = match r.rate {
        Some(rate) => format!(
            "open loop, {} req/s over {} connections",
            thousands(rate),
            r.connections
        ),
        None => format!("closed loop, {} connections", r.connections),
    };
    let cpu = match r.gen_cpu_pct {
        Some(pct) => format!(" using {pct:.0}% of a core"),
        None => String::new(),
    };
    let mut s = format!(
        "== {}  ({load}, {} generator thread{}{cpu})\n",
        r.label,
        r.threads,
        if r.threads == 1 { "" } else { "s" }
    );
    s += &format!(
        "   {:.2} s measured after {:.1} s warmup: {} requests, {} req/s\n",
        r.seconds,
        r.warmup,
        thousands(r.requests as f64),
        thousands(r.rps)
    );
    s += &format!(
        "   latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  (mean {:.2})\n",
        r.p50_ms, r.p90_ms, r.p99_ms, r.p999_ms, r.max_ms, r.mean_ms
    );
    s += &format!(
        "   non-2xx {} (1xx {} 3xx {} 4xx {} 5xx {})  errors {} (timeouts {}, connect {})  reconnects {}",
        r.non_2xx,
        r.status[0],
        r.status[2],
        r.status[3],
        r.status[4],
        r.errors,
        r.timeouts,
        r.connect_errors,
        r.reconnects
    );
    if r.rate.is_some() {
        s += &format!(
            "  missed {}  schedule lag p99 {:.2} ms (not charged)",
            r.missed, r.sched_lag_p99_ms
        );
    }
    if r.capped {
        s += "  (stopped at --max-requests)";
    }
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// bare

async fn bare_live() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

fn bare(args: BareArgs) -> anyhow::Result<ExitCode> {
    let addr = loopback_addr(&args.bind)?;
    if !(1..=64).contains(&args.workers) {
        return Err(bad("--workers must be 1..=64"));
    }
    actix_web::rt::System::new().block_on(async move {
        use actix_web::{web, App, HttpServer};
        let server = HttpServer::new(|| App::new().route("/health/live", web::get().to(bare_live)))
            .workers(args.workers)
            .bind(addr)
            .with_context(|| format!("binding {addr}"))?;
        if let Some(bound) = server.addrs().first() {
            println!("listening on http://{bound}");
        }
        server.run().await.context("serving")?;
        Ok(ExitCode::SUCCESS)
    })
}

// ---------------------------------------------------------------------------------------------
// compare

fn metric(r: &Report, name: &str) -> Option<f64> {
    Some(match name {
        "rps" => r.rps,
        "p50_ms" => r.p50_ms,
        "p90_ms" => r.p90_ms,
        "p99_ms" => r.p99_ms,
        "p999_ms" => r.p999_ms,
        "max_ms" => r.max_ms,
        "mean_ms" => r.mean_ms,
        _ => return None,
    })
}

/// The last report of each label among JSON lines (lines not starting with `{` are skipped).
fn parse_reports(text: &str) -> anyhow::Result<Vec<Report>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let report: Report =
            serde_json::from_str(line).with_context(|| format!("line {}: not a result", i + 1))?;
        out.push(report);
    }
    Ok(out)
}

/// The relative extra cost of `value` over `baseline`, in %: for a higher-is-better metric
/// (req/s) the extra time per request, `baseline / value - 1`; for a lower-is-better one
/// (latency) `value / baseline - 1`.
fn overhead_pct(value: f64, baseline: f64, higher_is_better: bool) -> f64 {
    let ratio = if higher_is_better {
        baseline / value
    } else {
        value / baseline
    };
    (ratio - 1.0) * 100.0
}

fn compare_line(
    v: &Report,
    b: &Report,
    metric_name: &str,
    higher: bool,
) -> anyhow::Result<(String, f64)> {
    let vm =
        metric(v, metric_name).ok_or_else(|| bad(format!("unknown metric {metric_name:?}")))?;
    let bm =
        metric(b, metric_name).ok_or_else(|| bad(format!("unknown metric {metric_name:?}")))?;
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}", a / b)
        } else {
            "n/a".into()
        }
    };
    let overhead = overhead_pct(vm, bm, higher);
    let line = format!(
        "{}: {} req/s p99 {:.2} ms | baseline {}: {} req/s p99 {:.2} ms | ratio {} (rps) {} (p99) | overhead {:+.1}% ({metric_name}, {} is better)",
        v.label,
        thousands(v.rps),
        v.p99_ms,
        b.label,
        thousands(b.rps),
        b.p99_ms,
        ratio(v.rps, b.rps),
        ratio(v.p99_ms, b.p99_ms),
        overhead,
        if higher { "higher" } else { "lower" },
    );
    Ok((line, overhead))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => xs[n / 2],
        _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// One result standing for repeated runs of a label: the median of each figure (the label
/// then says `(median of N)`); the last run's other fields. None for no run.
fn median_report(runs: &[&Report]) -> Option<Report> {
    let last = (*runs.last()?).clone();
    if runs.len() == 1 {
        return Some(last);
    }
    let m = |f: fn(&Report) -> f64| median(runs.iter().map(|r| f(r)).collect());
    Some(Report {
        label: format!("{} (median of {})", last.label, runs.len()),
        rps: m(|r| r.rps),
        p50_ms: m(|r| r.p50_ms),
        p90_ms: m(|r| r.p90_ms),
        p99_ms: m(|r| r.p99_ms),
        p999_ms: m(|r| r.p999_ms),
        max_ms: m(|r| r.max_ms),
        mean_ms: m(|r| r.mean_ms),
        ..last
    })
}

fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let text = match &args.file {
        Some(path) if path.as_os_str() != "-" => std::fs::read_to_string(path)
            .map_err(|e| bad(format!("reading {}: {e}", path.display())))?,
        _ => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    let reports = parse_reports(&text)?;
    let find = |label: &str| {
        let runs: Vec<&Report> = reports.iter().filter(|r| r.label == label).collect();
        median_report(&runs).ok_or_else(|| anyhow!("no result labelled {label:?}"))
    };
    let (v, b) = (find(&args.value)?, find(&args.baseline)?);
    let (v, b) = (&v, &b);
    let higher = if args.higher_is_better {
        true
    } else if args.lower_is_better {
        false
    } else {
        args.metric == "rps"
    };
    let (line, overhead) = compare_line(v, b, &args.metric, higher)?;
    println!("{line}");
    if let Some(max) = args.max_overhead {
        if overhead.is_nan() || overhead > max {
            eprintln!("overhead {overhead:.1}% is above {max}%");
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_line_with_headers() {
        let r = parse_request_line(
            "GET\t/api/v1/residents/17/suggestions\tCookie: legami_session=abc\tAccept:application/json\r",
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.method, Method::GET);
        assert_eq!(r.path, "/api/v1/residents/17/suggestions");
        assert_eq!(r.headers.len(), 2);
        assert_eq!(r.headers[0].0, "cookie");
        assert_eq!(r.headers[0].1, "legami_session=abc");
        assert_eq!(r.headers[1].0, "accept");
        assert_eq!(r.headers[1].1, "application/json");
        assert_eq!(r.body, None);
    }

    #[test]
    fn parses_a_body_field_and_a_query() {
        let r = parse_request_line(
            "POST\t/api/v1/sessions/3/join?x=1\tContent-Type: application/json\t@{\"seats\": 1}",
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.path, "/api/v1/sessions/3/join?x=1");
        assert_eq!(r.body.as_deref(), Some("{\"seats\": 1}"));
        let req = build_request(&r, "127.0.0.1:8080", &[]).unwrap();
        assert_eq!(req.headers()[HOST], "127.0.0.1:8080");
        assert_eq!(req.uri().path(), "/api/v1/sessions/3/join");
    }

    #[test]
    fn skips_blank_lines_and_comments() {
        assert_eq!(parse_request_line("").unwrap(), None);
        assert_eq!(parse_request_line("   \r").unwrap(), None);
        assert_eq!(parse_request_line("# GET\t/x").unwrap(), None);
        let file = "# health\nGET\t/health/live\n\nGET\t/health/ready\n";
        let all = parse_request_file(file).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].path, "/health/ready");
    }

    #[test]
    fn rejects_bad_lines_with_their_number() {
        for bad_line in [
            "get\t/x",
            "GET /x",
            "GET\tx",
            "GET\t/x\tNoColon",
            "GET\t/x\tBad Name: v",
            "GET\t/x\t@a\t@b",
            "GET\t",
        ] {
            assert!(parse_request_line(bad_line).is_err(), "{bad_line:?}");
        }
        let err = parse_request_file("GET\t/ok\nGET /no-tab\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        assert!(parse_request_file("# nothing\n\n").is_err());
    }

    #[test]
    fn extra_headers_and_an_explicit_host_are_kept() {
        let line = parse_request_line("GET\t/x\tHost: example.test")
            .unwrap()
            .unwrap();
        let extra = vec![parse_header("X-Bench: 1").unwrap()];
        let req = build_request(&line, "127.0.0.1:1", &extra).unwrap();
        assert_eq!(req.headers()[HOST], "example.test");
        assert_eq!(req.headers()["x-bench"], "1");
    }

    #[test]
    fn only_loopback_targets() {
        assert!(loopback_addr("127.0.0.1:8080").is_ok());
        assert!(loopback_addr("[::1]:8080").is_ok());
        let err = loopback_addr("10.1.2.3:80").unwrap_err();
        assert!(err.downcast_ref::<common::BadArgs>().is_some());
    }

    #[test]
    fn open_loop_schedule_interleaves_connections_evenly() {
        let (connections, rate) = (4, 1000.0);
        // Connection i sends every connections/rate = 4 ms, starting at i ms.
        assert_eq!(scheduled_offset(0, 0, connections, rate), Duration::ZERO);
        assert_eq!(
            scheduled_offset(1, 0, connections, rate),
            Duration::from_millis(1)
        );
        assert_eq!(
            scheduled_offset(3, 2, connections, rate),
            Duration::from_millis(11)
        );
        // All connections together: one request every 1 ms, none twice.
        let mut all: Vec<Duration> = (0..connections)
            .flat_map(|i| (0..250).map(move |k| scheduled_offset(i, k, connections, rate)))
            .collect();
        all.sort();
        for (n, t) in all.iter().enumerate() {
            let want = Duration::from_millis(n as u64);
            let diff = if *t > want { *t - want } else { want - *t };
            assert!(diff < Duration::from_micros(1), "request {n} at {t:?}");
        }
    }

    #[test]
    fn open_loop_schedule_counts_requests_in_a_window() {
        let (connections, rate) = (4, 1000.0);
        // One second at 1000 req/s over 4 connections: 250 each.
        for i in 0..connections {
            assert_eq!(scheduled_between(i, connections, rate, 0.0, 1.0), 250);
            assert_eq!(scheduled_between(i, connections, rate, 2.0, 3.0), 250);
        }
        // 10 ms from 0.5 s: slots 500..510, i.e. 3, 3, 2, 2 over the connections.
        let counts: Vec<u64> = (0..connections)
            .map(|i| scheduled_between(i, connections, rate, 0.5, 0.51))
            .collect();
        assert_eq!(counts.iter().sum::<u64>(), 10);
        assert_eq!(counts, vec![3, 3, 2, 2]);
        // It agrees with the offsets themselves.
        let direct = (0..1000u64)
            .filter(|&k| {
                let t = scheduled_offset(2, k, 3, 700.0).as_secs_f64();
                (0.3..1.7).contains(&t)
            })
            .count() as u64;
        assert_eq!(scheduled_between(2, 3, 700.0, 0.3, 1.7), direct);
        // A slow rate: fewer requests than connections.
        assert_eq!(scheduled_between(5, 10, 2.0, 0.0, 1.0), 0);
        assert_eq!(scheduled_between(1, 10, 2.0, 0.0, 1.0), 1);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(10234.0), "10,234");
        assert_eq!(thousands(1234567.0), "1,234,567");
    }

    fn report(label: &str, rps: f64, p99: f64) -> Report {
        Report {
            label: label.into(),
            mode: "closed".into(),
            connections: 32,
            rate: None,
            seconds: 10.0,
            requests: (rps * 10.0) as u64,
            rps,
            p50_ms: p99 / 4.0,
            p90_ms: p99 / 2.0,
            p99_ms: p99,
            p999_ms: p99 * 2.0,
            max_ms: p99 * 3.0,
            non_2xx: 0,
            errors: 0,
            mean_ms: p99 / 3.0,
            threads: 1,
            warmup: 3.0,
            status: [0, (rps * 10.0) as u64, 0, 0, 0],
            timeouts: 0,
            connect_errors: 0,
            reconnects: 0,
            missed: 0,
            sched_lag_p99_ms: 0.0,
            capped: false,
            responses_total: (rps * 13.0) as u64,
            gen_cpu_s: None,
            gen_cpu_pct: None,
        }
    }

    #[test]
    fn compare_reads_json_lines_and_prints_ratios() {
        let mut text = String::from("noise\n");
        for r in [
            report("service", 1.0, 1.0),
            report("suggestions 1 km", 10234.0, 8.12),
            report("bare actix", 40120.0, 1.02),
        ] {
            text += &serde_json::to_string(&r).unwrap();
            text.push('\n');
        }
        // The minimal line of the brief parses too.
        text += r#"{"label":"service","mode":"open","connections":8,"rate":5000,"seconds":10,"requests":50000,"rps":5000,"p50_ms":1,"p90_ms":2,"p99_ms":3,"p999_ms":4,"max_ms":5,"non_2xx":0,"errors":0}"#;
        let reports = parse_reports(&text).unwrap();
        assert_eq!(reports.len(), 4);
        assert_eq!(reports[3].rate, Some(5000.0));
        let (line, overhead) = compare_line(&reports[1], &reports[2], "rps", true).unwrap();
        assert_eq!(
            line,
            "suggestions 1 km: 10,234 req/s p99 8.12 ms | baseline bare actix: 40,120 req/s p99 1.02 ms \
             | ratio 0.26 (rps) 7.96 (p99) | overhead +292.0% (rps, higher is better)"
        );
        assert!((overhead - 292.0).abs() < 0.1);
        let (_, overhead) = compare_line(&reports[1], &reports[2], "p99_ms", false).unwrap();
        assert!((overhead - 696.1).abs() < 0.1);
        assert!(compare_line(&reports[1], &reports[2], "nope", true).is_err());
    }

    #[test]
    fn repeated_runs_compare_by_their_medians() {
        let runs = [
            report("s", 100.0, 3.0),
            report("s", 300.0, 1.0),
            report("s", 200.0, 9.0),
        ];
        let refs: Vec<&Report> = runs.iter().collect();
        let m = median_report(&refs).unwrap();
        assert_eq!(m.label, "s (median of 3)");
        assert_eq!(m.rps, 200.0);
        assert_eq!(m.p99_ms, 3.0);
        let m = median_report(&refs[..2]).unwrap();
        assert_eq!(m.rps, 200.0);
        assert_eq!(median_report(&refs[..1]).unwrap(), runs[0]);
        assert_eq!(median_report(&[]), None);
    }

    #[test]
    fn the_json_line_keeps_the_documented_keys_first() {
        let json = serde_json::to_string(&report("x", 1.0, 1.0)).unwrap();
        assert!(json.starts_with(
            r#"{"label":"x","mode":"closed","connections":32,"rate":null,"seconds":10.0,"requests":10,"rps":1.0,"p50_ms""#
        ));
        assert!(json.contains(r#""non_2xx":0,"errors":0"#));
    }
}
