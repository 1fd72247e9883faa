//! What the benchmark clients share: a mistake in the arguments exits with 2, any other
//! failure with 1. Included by each example with `#[path = "common/mod.rs"] mod common;`.

use std::process::ExitCode;

/// A mistake in the arguments or an input file: exit code 2.
#[derive(Debug)]
pub struct BadArgs(String);

impl std::fmt::Display for BadArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadArgs {}

/// An error that is the caller's mistake.
pub fn bad(msg: impl Into<String>) -> anyhow::Error {
    BadArgs(msg.into()).into()
}

/// The process's exit: the command's own code, or the error printed after the program's name
/// and 2 for a mistake in the arguments, 1 otherwise.
pub fn exit(program: &str, result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{program}: {e:#}");
            if e.downcast_ref::<BadArgs>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
