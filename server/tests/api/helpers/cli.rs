//! Runs of the real `tenantry` binary with an app's configuration, and what
//! they printed.

use super::TestApp;

impl TestApp {
    /// Runs the real `tenantry` binary with this app's configuration.
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tenantry"))
            .args(&self.args)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the tenantry binary");
        CliOutput {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// What a run of the `tenantry` binary printed, and its exit code.
#[derive(Debug)]
pub struct CliOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}
