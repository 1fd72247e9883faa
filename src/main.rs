//! The `legami` command line: serve, migrate, seed-demo, seed-bench, create-admin.

use anyhow::Context;
use clap::{Parser, Subcommand};
use legami::config::Settings;
use legami::startup::{build_state, Application};

#[derive(Parser)]
#[command(
    name = "legami",
    version,
    about = "Legami: low-barrier activities against loneliness"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default). Seeds the demo city on first start when enabled.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (overrides server.bind).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations (or revert them all).
    Migrate {
        /// Revert every migration instead (CI uses it to prove the down migrations work).
        #[arg(long)]
        revert_all: bool,
    },
    /// Fill an empty database with the demo city.
    SeedDemo,
    /// Fill the database with the discovery benchmark's synthetic city (see bench/README.md).
    SeedBench {
        /// Published activities to create (20,000 give about 100,000 upcoming sessions).
        #[arg(long, default_value_t = 20_000)]
        activities: usize,
        /// Seed of the generator: the same seed gives the same city.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Seed even though the database already has activities.
        #[arg(long)]
        force: bool,
        /// Activities per transaction.
        #[arg(long, default_value_t = 500)]
        batch: usize,
        /// Residents to create (with linkers, consents and intake questionnaires).
        #[arg(long, default_value_t = 0)]
        residents: usize,
        /// Accredited linkers the residents are shared among.
        #[arg(long, default_value_t = 2_000)]
        linkers: usize,
        /// Write request lines for the suggestions benchmark here (fresh linker sessions).
        #[arg(long)]
        requests_out: Option<std::path::PathBuf>,
        /// How many request lines to write.
        #[arg(long, default_value_t = 50_000)]
        requests: usize,
    },
    /// Create the joins benchmark's sessions and request lines (see bench/joins.sh).
    SeedJoins {
        /// Where to write plan.json and the request files.
        #[arg(long)]
        out_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 2_000)]
        hot_joins: usize,
        #[arg(long, default_value_t = 1_000)]
        spread_sessions: usize,
        #[arg(long, default_value_t = 20_000)]
        spread_joins: usize,
        #[arg(long, default_value_t = 20)]
        capacity: i32,
        #[arg(long, default_value_t = 2_000)]
        warmup_joins: usize,
        /// The site URL the server runs with (the requests' Origin).
        #[arg(long)]
        site_url: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Create the live benchmark's accounts, each with a fresh session, and write their
    /// cookies (one `Cookie` header value per line) for `examples/wsbench.rs`.
    SeedLive {
        #[arg(long, default_value_t = 15_000)]
        users: usize,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Check the joins benchmark's outcome in the database: no overbooking, nothing lost or
    /// duplicated, counters right, first come first served. Exits 1 if any rule broke.
    CheckJoins {
        /// The directory `seed-joins` wrote.
        #[arg(long)]
        dir: std::path::PathBuf,
    },
    /// Measure the discovery index: build a second copy and report its size per upcoming
    /// session, estimated from its structures and measured as the process's resident memory.
    IndexStats,
    /// Time the matching engine alone, in process: suggestions for the first residents of the
    /// database, with their files and the index in memory (see bench/README.md).
    BenchMatching {
        /// How many residents.
        #[arg(long, default_value_t = 2000)]
        residents: usize,
        /// How many times over.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// Create an administrator (or promote an existing account).
    CreateAdmin {
        /// The administrator's e-mail address.
        #[arg(long)]
        email: String,
        /// The name shown to others.
        #[arg(long, default_value = "Admin")]
        name: String,
    },
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("legami: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load().map_err(|e| anyhow::anyhow!("{e}"))?;
    legami::telemetry::init(&settings.log);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => rt.block_on(serve(settings, bind)),
        Command::Migrate { revert_all } => {
            let url = settings.database.effective_url();
            if revert_all {
                legami::db::revert_all_migrations(&url)?;
                println!("All migrations reverted.");
            } else {
                legami::db::run_migrations(&url)?;
                println!("Database is up to date.");
            }
            Ok(())
        }
        Command::BenchMatching { residents, rounds } => rt.block_on(async {
            let state = build_state(settings).await?;
            state.index.rebuild(&state.db).await?;
            for line in
                legami::services::residents::bench_matching(&state, residents, rounds).await?
            {
                println!("{line}");
            }
            Ok(())
        }),
        Command::IndexStats => rt.block_on(async {
            let state = build_state(settings).await?;
            let stats = legami::index::measure(&state).await?;
            println!("{stats}");
            Ok(())
        }),
        Command::SeedDemo => rt.block_on(async {
            let state = build_state(settings).await?;
            let summary = legami::demo::seed(&state).await?;
            println!("{summary}");
            Ok(())
        }),
        Command::SeedBench {
            activities,
            seed,
            force,
            batch,
            residents,
            linkers,
            requests_out,
            requests,
        } => rt.block_on(async {
            let state = build_state(settings).await?;
            if activities > 0 {
                let options = legami::bench::SeedOptions {
                    activities,
                    seed,
                    force,
                    batch,
                };
                let report = legami::bench::seed(&state, &options).await?;
                println!("{report}");
            }
            if residents > 0 || requests_out.is_some() {
                let options = legami::bench_residents::ResidentSeedOptions {
                    residents,
                    linkers,
                    seed,
                    batch: 2_000,
                    requests_out,
                    requests,
                };
                let report = legami::bench_residents::seed(&state, &options).await?;
                println!("{report}");
            }
            Ok(())
        }),
        Command::SeedJoins {
            out_dir,
            hot_joins,
            spread_sessions,
            spread_joins,
            capacity,
            warmup_joins,
            site_url,
            seed,
        } => rt.block_on(async {
            let state = build_state(settings).await?;
            let options = legami::bench_joins::JoinSeedOptions {
                out_dir,
                hot_joins,
                spread_sessions,
                spread_joins,
                capacity,
                warmup_joins,
                site_url,
                seed,
            };
            let plan = legami::bench_joins::seed(&state, &options).await?;
            println!("{}", serde_json::to_string(&plan)?);
            Ok(())
        }),
        Command::SeedLive { users, out } => rt.block_on(async {
            let state = build_state(settings).await?;
            let n = legami::bench_live::seed(&state, users, &out).await?;
            println!(
                "{n} accounts, one session cookie each, written to {}",
                out.display()
            );
            Ok(())
        }),
        Command::CheckJoins { dir } => rt.block_on(async {
            let state = build_state(settings).await?;
            let checks = legami::bench_joins::check(&state, &dir).await?;
            let mut ok = true;
            for c in &checks {
                println!("{}", serde_json::to_string(c)?);
                ok &= c.ok();
            }
            anyhow::ensure!(ok, "the joins broke a hard rule (see above)");
            Ok(())
        }),
        Command::CreateAdmin { email, name } => rt.block_on(async {
            let password = match std::env::var("LEGAMI_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    let p = rpassword::prompt_password("Password for the new admin: ")?;
                    let again = rpassword::prompt_password("Again: ")?;
                    anyhow::ensure!(p == again, "the two passwords differ");
                    p
                }
            };
            let state = build_state(settings).await?;
            let outcome = legami::demo::create_admin(&state, &email, &name, &password).await?;
            println!("{outcome}");
            Ok(())
        }),
    }
}

async fn serve(mut settings: Settings, bind: Option<String>) -> anyhow::Result<()> {
    if let Some(bind) = bind {
        let default_site = format!("http://{}", settings.server.bind);
        if settings.server.site_url.trim_end_matches('/') == default_site {
            settings.server.site_url = format!("http://{bind}");
        }
        settings.server.bind = bind;
    }
    let listener = legami::startup::bind_listener(&settings.server.bind)?;
    let addr = listener.local_addr()?;
    let seed = settings.demo.seed_on_first_start;
    let state = build_state(settings).await?;
    if seed && legami::demo::is_empty(&state).await? {
        let summary = legami::demo::seed(&state).await?;
        println!("{summary}");
    }
    let app = Application::with_state(state.clone(), listener)?;
    let backend = match state.db.backend() {
        legami::db::Backend::Sqlite => "SQLite",
        legami::db::Backend::Postgres => "PostgreSQL",
    };
    println!(
        "Legami is running at {}  (listening on {addr}, {backend}, {})",
        state.settings.server.site_url,
        if state.redis.is_some() {
            "Redis"
        } else {
            "no Redis"
        }
    );
    app.run_until_stopped().await?;
    Ok(())
}
