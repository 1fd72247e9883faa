//! The demo city (Milan) and administrator creation.

use crate::state::AppState;

/// Whether the database has no accounts yet.
pub async fn is_empty(state: &AppState) -> anyhow::Result<bool> {
    let n = state
        .db
        .run(|conn| Ok(crate::db::accounts::count_users(conn)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(n == 0)
}

/// Seeds the demo city; returns a summary for the terminal.
pub async fn seed(_state: &AppState) -> anyhow::Result<String> {
    Ok(String::new())
}

/// Creates a verified administrator, or promotes an existing account.
pub async fn create_admin(_state: &AppState, _email: &str, _name: &str, _password: &str) -> anyhow::Result<String> {
    Ok(String::new())
}
