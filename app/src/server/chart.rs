//! Charts drawn on the server as SVG text: readable without JavaScript,
//! and no drawing code in the browser's bundle. Each chart is an image
//! with a title and a description for screen readers; the page shows the
//! same numbers as a table beside it. Colours are presentation attributes,
//! not `style`, which the Content-Security-Policy would refuse.

use crate::model::dashboard::Count;
use crate::server::markup::escape_html as escape;
use std::fmt::Write;

const INK: &str = "#1d2430";
const MUTED: &str = "#5b6575";
const LINE: &str = "#d9dee7";
const BAR: &str = "#2457d6";

/// What a chart counts, singular and plural: `("change", "changes")`.
pub type Unit = (&'static str, &'static str);

fn of(count: u64, (one, many): Unit) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Vertical bars, one per count in order (days, oldest first), labelled
/// below at the last and every `label_every`-th bar before it.
pub fn columns(title: &str, unit: Unit, counts: &[Count], label_every: usize) -> String {
    let (width, height, top, bottom, left) = (480.0, 180.0, 16.0, 28.0, 36.0);
    let plot_height = height - top - bottom;
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let slot = (width - left) / counts.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let mut svg = open(title, &summary(unit, counts), width, height);
    // The scale: zero and the highest count.
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="{LINE}"/><text x="{x}" y="{base}" font-size="13" fill="{MUTED}" text-anchor="end" dominant-baseline="middle">0</text><text x="{x}" y="{top}" font-size="13" fill="{MUTED}" text-anchor="end" dominant-baseline="middle">{max}</text>"#,
        base = top + plot_height,
        x = left - 6.0,
    );
    let last = counts.len().saturating_sub(1);
    for (i, c) in counts.iter().enumerate() {
        let h = plot_height * c.count as f64 / max as f64;
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="{BAR}"><title>{label}: {count}</title></rect>"#,
            y = top + plot_height - h,
            label = escape(&c.label),
            count = escape(&of(c.count, unit)),
        );
        if label_every > 0 && (last - i).is_multiple_of(label_every) {
            let _ = write!(
                svg,
                r#"<text x="{cx:.1}" y="{ty}" font-size="13" fill="{MUTED}" text-anchor="middle">{label}</text>"#,
                cx = x + bar / 2.0,
                ty = height - 8.0,
                label = escape(short_date(&c.label)),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one per count in order, each named on its left.
pub fn bars(title: &str, unit: Unit, counts: &[Count]) -> String {
    let (width, row, label_width) = (480.0, 28.0, 170.0);
    let height = (row * counts.len().max(1) as f64) + 8.0;
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let plot = width - label_width - 48.0;
    let mut svg = open(title, &summary(unit, counts), width, height);
    for (i, c) in counts.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let w = (plot * c.count as f64 / max as f64).max(if c.count > 0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty:.1}" font-size="14" fill="{INK}" text-anchor="end" dominant-baseline="middle">{name}</text><rect x="{label_width}" y="{ry:.1}" width="{w:.1}" height="{bh:.1}" fill="{BAR}"><title>{full}: {counted}</title></rect><text x="{vx:.1}" y="{ty:.1}" font-size="14" fill="{MUTED}" dominant-baseline="middle">{count}</text>"#,
            lx = label_width - 8.0,
            ty = y + row / 2.0,
            name = escape(&truncate(&c.label, 24)),
            ry = y + 4.0,
            bh = row - 8.0,
            full = escape(&c.label),
            count = c.count,
            counted = escape(&of(c.count, unit)),
            vx = label_width + w + 6.0,
        );
    }
    if counts.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="8" y="{y}" font-size="14" fill="{MUTED}" dominant-baseline="middle">Nothing yet</text>"#,
            y = height / 2.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The opening tag, sized by `viewBox` so the chart scales to its box, with
/// its title and description.
fn open(title: &str, description: &str, width: f64, height: f64) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{label}"><title>{title}</title><desc>{description}</desc>"#,
        label = escape(title),
        title = escape(title),
        description = escape(description),
    )
}

/// "N units in all; the most, M, for label.", for the description.
fn summary(unit: Unit, counts: &[Count]) -> String {
    let total: u64 = counts.iter().map(|c| c.count).sum();
    match counts.iter().max_by_key(|c| c.count) {
        Some(top) if top.count > 0 => format!(
            "{} in all; the most, {}, for {}.",
            of(total, unit),
            top.count,
            top.label
        ),
        _ => format!("No {}.", unit.1),
    }
}

/// `MM-DD` of a `YYYY-MM-DD` date; anything else as it is.
fn short_date(label: &str) -> &str {
    match label.len() {
        10 if label.as_bytes()[4] == b'-' => &label[5..],
        _ => label,
    }
}

/// At most `max` characters, the last of them "…" when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(label: &str, count: u64) -> Count {
        Count {
            label: label.to_owned(),
            count,
        }
    }

    #[test]
    fn names_are_escaped_so_a_team_cannot_inject_markup() {
        let svg = bars(
            "Repositories per team",
            ("repository", "repositories"),
            &[count("<script>alert(1)</script>", 3), count("A & \"B\"", 1)],
        );
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        assert!(svg.contains("A &amp; &quot;B&quot;"), "{svg}");
    }

    #[test]
    fn bars_scale_to_the_highest_count_and_say_what_they_show() {
        let svg = columns(
            "Changes per day",
            ("change", "changes"),
            &[
                count("2026-12-01", 0),
                count("2026-12-02", 4),
                count("2026-12-03", 2),
            ],
            7,
        );
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(
            svg.contains("<title>2026-12-02: 4 changes</title>"),
            "{svg}"
        );
        assert!(
            svg.contains("6 changes in all; the most, 4, for 2026-12-02."),
            "{svg}"
        );
        // The tallest bar fills the plot; the empty day has no height.
        assert!(svg.contains(r#"height="136.0""#), "{svg}");
        assert!(svg.contains(r#"height="0.0""#), "{svg}");
        // Labelled from the last day back, every 7th: here only the last.
        assert!(svg.contains(">12-03<") && !svg.contains(">12-01<"), "{svg}");
    }

    #[test]
    fn long_names_are_cut_in_the_chart_and_whole_in_the_tooltip() {
        let name = "a team with a very long name indeed";
        let svg = bars("t", ("repository", "repositories"), &[count(name, 1)]);
        assert!(svg.contains("a team with a very long…"), "{svg}");
        assert!(
            svg.contains(&format!("<title>{name}: 1 repository</title>")),
            "{svg}"
        );
    }
}
