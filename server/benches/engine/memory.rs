//! Figure 4: the server's resident memory after the load, and the CPU time
//! it spent, read from `/proc`.

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

/// User plus system CPU time of a process so far, in clock ticks (fields
/// 14 and 15 of `/proc/PID/stat`, counted after the command's closing
/// parenthesis, since the command may hold spaces).
pub fn cpu_ticks_of(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let (_, after_command) = stat
        .rsplit_once(')')
        .ok_or_else(|| anyhow::anyhow!("unexpected /proc/{pid}/stat: {stat}"))?;
    // After the command: state (field 3) is the first, so utime (14) is the
    // 12th and stime (15) the 13th.
    let fields: Vec<&str> = after_command.split_whitespace().collect();
    let tick = |i: usize| -> anyhow::Result<u64> {
        Ok(fields
            .get(i)
            .ok_or_else(|| anyhow::anyhow!("short /proc/{pid}/stat: {stat}"))?
            .parse()?)
    };
    Ok(tick(11)? + tick(12)?)
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
