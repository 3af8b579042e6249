//! A PostgreSQL cluster of the tests' (and the benchmark's) own, started
//! with `initdb` and `pg_ctl` from the machine's PostgreSQL packages, in the
//! temporary directory, with trust authentication on 127.0.0.1:PORT. A
//! cluster already answering on that port is reused. Shared by
//! `tests/api` and `benches/engine/`; the scripts stop it afterwards.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Starts (or finds) the cluster on `port` and returns its admin URL.
///
/// # Panics
/// When no PostgreSQL server binaries are installed or the cluster does not
/// start: the caller cannot go on without it.
pub fn start(port: u16, max_connections: u32) -> String {
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let ready = || {
        Command::new("pg_isready")
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready() {
        return url;
    }
    let dir = data_dir(port);
    if !dir.join("PG_VERSION").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let status = as_server_user("initdb")
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(&dir)
            .stdout(Stdio::null())
            .status()
            .expect("run initdb");
        assert!(status.success(), "initdb in {} failed", dir.display());
    }
    let options = format!(
        "-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
    );
    let status = as_server_user("pg_ctl")
        .args(["-w", "-D"])
        .arg(&dir)
        .args(["-o", &options, "-l"])
        .arg(dir.join("server.log"))
        .arg("start")
        .stdout(Stdio::null())
        .status()
        .expect("run pg_ctl");
    assert!(
        status.success() || ready(),
        "the PostgreSQL cluster on port {port} did not start: see {}/server.log",
        dir.display()
    );
    url
}

/// Restarts the cluster on `port` with a fast shutdown (every session is
/// cut, as when a database server restarts under its clients) and waits
/// until it answers again.
///
/// # Panics
/// When the cluster does not come back.
pub fn restart(port: u16) {
    control(port, "restart");
}

/// Stops the cluster on `port` with a fast shutdown; [`start`] brings it
/// back with its data.
///
/// # Panics
/// When `pg_ctl` cannot stop it.
pub fn stop(port: u16) {
    control(port, "stop");
}

fn control(port: u16, action: &str) {
    let dir = data_dir(port);
    let status = as_server_user("pg_ctl")
        .args(["-w", "-m", "fast", "-D"])
        .arg(&dir)
        .arg("-l")
        .arg(dir.join("server.log"))
        .arg(action)
        .stdout(Stdio::null())
        .status()
        .expect("run pg_ctl");
    assert!(
        status.success(),
        "pg_ctl {action} of the cluster on port {port} failed: see {}/server.log",
        dir.display()
    );
}

/// Where the cluster on `port` keeps its data (scripts stop it from there).
pub fn data_dir(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("tenantry-pg-{port}"))
}

/// A PostgreSQL server program, run as the `postgres` user when we are root
/// (PostgreSQL refuses to run as root).
fn as_server_user(program: &str) -> Command {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries under /usr/lib/postgresql")
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .max()
        .expect("an initdb under /usr/lib/postgresql/*/bin");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}
