//! Figure 4: the server's resident memory after the load, read from `/proc`.

use crate::report::Report;

/// Resident and peak resident memory of a process, in KiB.
pub fn memory_of(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Adds the memory figure, when `/proc` had one for the server.
pub fn report(report: &mut Report, rss: Option<(u64, u64)>, tenants: usize) {
    if let Some((rss, peak)) = rss {
        report.add(
            &format!("server memory after the load ({tenants} tenants): RSS / peak"),
            format!(
                "{:.1} / {:.1} MiB",
                rss as f64 / 1024.0,
                peak as f64 / 1024.0
            ),
        );
    }
}
