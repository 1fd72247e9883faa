//! The live benchmark's people (`legami seed-live --users N --out F`): accounts with one live
//! session each, whose cookies the websocket benchmark (`examples/wsbench.rs`) sends, so that
//! the idle sockets it holds are signed-in ones, each registered under its person.

use crate::db::accounts::{self, NewUser};
use crate::db::{self, UserId};
use crate::state::AppState;
use secrecy::SecretString;
use std::io::Write;

/// Creates (or finds) `n` accounts and writes one `Cookie` header value per line to `out`
/// (a fresh session for each). Returns how many lines were written.
pub async fn seed(state: &AppState, n: usize, out: &std::path::Path) -> anyhow::Result<usize> {
    let hash = state
        .hasher
        .hash(SecretString::from("a quiet bench of many sockets"))
        .await
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    let mut ids = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(1_000) {
        let chunk = chunk.to_vec();
        let hash = hash.clone();
        let part = state
            .db
            .tx(move |conn| {
                let mut out = Vec::with_capacity(chunk.len());
                for i in chunk {
                    let email = format!("live-{:06}@bench.legami.test", i + 1);
                    let now = db::now();
                    let id = match accounts::find_user_by_email(conn, &email)? {
                        Some(u) => u.id,
                        None => {
                            accounts::insert_user(
                                conn,
                                &NewUser {
                                    email: &email,
                                    password_hash: &hash,
                                    display_name: &format!("Live {:06} (bench)", i + 1),
                                    locale: "it",
                                    is_admin: false,
                                    email_verified_at: Some(now),
                                    created_at: now,
                                    updated_at: now,
                                },
                            )?
                            .0
                        }
                    };
                    out.push(id);
                }
                Ok(out)
            })
            .await
            .map_err(|e| anyhow::anyhow!("creating the accounts: {e}"))?;
        ids.extend(part);
    }
    let cookie = state.session_cookie();
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    for id in &ids {
        let (token, _) = state
            .sessions
            .create(UserId(*id), "legami live bench")
            .await
            .map_err(|e| anyhow::anyhow!("creating a session: {e}"))?;
        writeln!(file, "{cookie}={token}")?;
    }
    file.flush()?;
    Ok(ids.len())
}
