//! Instants are stored as Unix seconds (see the control-plane migration).

pub use tenancy::db::now_unix;

/// `unix` as `YYYY-MM-DD` (UTC).
pub fn utc_date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_default()
}

/// `unix` as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc_datetime(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| {
            format!(
                "{} {:02}:{:02}:{:02} UTC",
                utc_date(unix),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}
