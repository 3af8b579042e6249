//! The figures: each printed as it is measured, then all again as a
//! Markdown table (BENCHMARKS.md); and the arithmetic behind them.

use std::time::Duration;

#[derive(Default)]
pub struct Report {
    lines: Vec<(String, String)>,
}

impl Report {
    pub fn add(&mut self, what: &str, figure: String) {
        println!("  {what:<58} {figure}");
        self.lines.push((what.to_owned(), figure));
    }

    /// The figures again, as the Markdown table BENCHMARKS.md holds.
    pub fn print_table(&self) {
        println!();
        println!("| figure | value |");
        println!("| --- | --- |");
        for (what, figure) in &self.lines {
            println!("| {what} | {figure} |");
        }
    }
}

pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (samples.len() - 1) as f64).round() as usize;
    samples[rank.min(samples.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
