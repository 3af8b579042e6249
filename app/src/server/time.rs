//! Instants are stored as Unix seconds (see the control-plane migration).
//! Pages write them in the organization's time zone and date format
//! ([`Local`]); the apex, mail and machine formats (CSV) in UTC.

use crate::model::settings::DateFormat;
use jiff::{tz::TimeZone, Timestamp, Zoned};
use tenancy::context::TenantInfo;

pub use tenancy::db::now_unix;

/// `unix` as `YYYY-MM-DD` (UTC).
pub fn utc_date(unix: i64) -> String {
    Local::utc().date(unix)
}

/// `unix` as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc_datetime(unix: i64) -> String {
    zoned(unix, &TimeZone::UTC)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// How an organization's pages write instants: in its time zone, in its
/// date format.
#[derive(Clone, Debug)]
pub struct Local {
    zone: TimeZone,
    format: DateFormat,
}

impl Local {
    /// UTC, ISO 8601: what an organization starts with.
    pub fn utc() -> Self {
        Local {
            zone: TimeZone::UTC,
            format: DateFormat::Iso,
        }
    }

    /// The organization's own; UTC or ISO for a setting this version does
    /// not know.
    pub fn of(tenant: &TenantInfo) -> Self {
        let preferences = &tenant.preferences;
        Local {
            zone: preferences
                .time_zone
                .as_deref()
                .and_then(time_zone)
                .unwrap_or(TimeZone::UTC),
            format: preferences
                .date_format
                .as_deref()
                .and_then(DateFormat::parse)
                .unwrap_or_default(),
        }
    }

    /// The day of `unix`.
    pub fn date(&self, unix: i64) -> String {
        let pattern = match self.format {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::Day => "%d.%m.%Y",
            DateFormat::Us => "%m/%d/%Y",
            DateFormat::Long => "%-d %b %Y",
        };
        self.strftime(unix, pattern)
    }

    /// The day and minute of `unix`, with the zone's abbreviation.
    pub fn datetime(&self, unix: i64) -> String {
        let pattern = match self.format {
            DateFormat::Iso => "%Y-%m-%d %H:%M %Z",
            DateFormat::Day => "%d.%m.%Y %H:%M %Z",
            DateFormat::Us => "%m/%d/%Y %-I:%M %p %Z",
            DateFormat::Long => "%-d %b %Y, %H:%M %Z",
        };
        self.strftime(unix, pattern)
    }

    /// Seconds the zone is ahead of UTC at `unix` (negative west of it):
    /// added to a Unix time, the local day divides evenly by 86,400.
    pub fn offset_at(&self, unix: i64) -> i64 {
        zoned(unix, &self.zone)
            .map(|t| i64::from(t.offset().seconds()))
            .unwrap_or(0)
    }

    /// The Unix second at which the local day `YYYY-MM-DD` starts.
    pub fn day_start(&self, date: &str) -> Option<i64> {
        let date: jiff::civil::Date = date.trim().parse().ok()?;
        self.start_of(date)
    }

    /// The Unix second at which the local day after `YYYY-MM-DD` starts
    /// (23 or 25 hours after it on the days clocks change).
    pub fn day_end(&self, date: &str) -> Option<i64> {
        let date: jiff::civil::Date = date.trim().parse().ok()?;
        self.start_of(date.tomorrow().ok()?)
    }

    fn start_of(&self, date: jiff::civil::Date) -> Option<i64> {
        let start = date.to_zoned(self.zone.clone()).ok()?.start_of_day().ok()?;
        Some(start.timestamp().as_second())
    }

    fn strftime(&self, unix: i64, pattern: &str) -> String {
        zoned(unix, &self.zone)
            .map(|t| t.strftime(pattern).to_string())
            .unwrap_or_default()
    }
}

fn zoned(unix: i64, zone: &TimeZone) -> Option<Zoned> {
    Some(Timestamp::from_second(unix).ok()?.to_zoned(zone.clone()))
}

/// The time zone named `name` in the IANA database Tenantry carries.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// Every time zone's name, sorted.
pub fn time_zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(zone: &str, format: DateFormat) -> Local {
        Local {
            zone: time_zone(zone).unwrap(),
            format,
        }
    }

    // 2026-12-04 19:43:00 UTC.
    const AT: i64 = 1_796_413_380;

    #[test]
    fn instants_are_written_in_the_zone_and_format_chosen() {
        assert_eq!(Local::utc().datetime(AT), "2026-12-04 19:43 UTC");
        let ny = local("America/New_York", DateFormat::Us);
        assert_eq!(ny.datetime(AT), "12/04/2026 2:43 PM EST");
        assert_eq!(ny.date(AT), "12/04/2026");
        let berlin = local("Europe/Berlin", DateFormat::Day);
        assert_eq!(berlin.datetime(AT), "04.12.2026 20:43 CET");
        let tokyo = local("Asia/Tokyo", DateFormat::Long);
        assert_eq!(tokyo.datetime(AT), "5 Dec 2026, 04:43 JST");
        assert_eq!(utc_datetime(AT), "2026-12-04 19:43:00 UTC");
    }

    #[test]
    fn a_local_day_starts_at_its_zones_midnight() {
        let ny = local("America/New_York", DateFormat::Iso);
        assert_eq!(ny.day_start("2026-12-04"), Some(1_796_360_400));
        assert_eq!(ny.offset_at(AT), -5 * 3600);
        assert_eq!(Local::utc().day_start("2026-12-04"), Some(1_796_342_400));
        assert_eq!(ny.day_start("2026-02-30"), None);
        // The day clocks go forward has 23 hours.
        let start = ny.day_start("2026-03-08").unwrap();
        assert_eq!(ny.day_end("2026-03-08").unwrap() - start, 23 * 3600);
    }

    #[test]
    fn unknown_zones_are_refused_and_the_list_has_the_usual_ones() {
        assert!(time_zone("Mars/Olympus_Mons").is_none());
        let names = time_zone_names();
        assert!(
            names.iter().any(|n| n == "Europe/Berlin"),
            "{}",
            names.len()
        );
        assert!(names.windows(2).all(|w| w[0] <= w[1]));
    }
}
