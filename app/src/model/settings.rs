//! An organization's settings page.

use serde::{Deserialize, Serialize};

/// What the settings page shows and lets its reader change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub name: String,
    pub slug: String,
    /// The organization's address, `SLUG.BASE`.
    pub host: String,
    /// Whether the reader is an owner, who may change the subdomain and
    /// delete the organization.
    pub owner: bool,
    /// Days an owner can restore it after deleting it.
    pub grace_days: u32,
    /// The IANA time zone its pages show times in.
    pub time_zone: String,
    pub date_format: DateFormat,
    /// Every time zone to choose from, by name.
    pub time_zones: Vec<String>,
    /// Now, as the pages write it.
    pub now: String,
    /// The primary colour of its pages, `#rrggbb`.
    pub brand_color: String,
    /// The logo's address, if it has one.
    pub logo: Option<String>,
    /// The subdomains it left that still lead to it, newest first (for
    /// owners; empty for the others).
    pub former_subdomains: Vec<FormerSubdomain>,
}

/// A subdomain the organization left: it redirects to the current one, and
/// nobody else can take it, until `held_until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerSubdomain {
    pub slug: String,
    /// As the organization's pages write dates.
    pub held_until: String,
}

/// Days a subdomain the organization left keeps leading to it (pages
/// redirect, sessions and API tokens keep working) and stays its own.
pub const FORMER_SUBDOMAIN_DAYS: i64 = 30;

/// Subdomains an organization may hold at once after leaving them: each
/// change holds one more, so changing again and again cannot hoard names.
pub const FORMER_SUBDOMAINS_AT_MOST: u64 = 3;

/// Set in the settings page's address after the subdomain changed.
pub const MOVED_PARAMETER: &str = "moved";

/// Set in the settings page's address when a rename posted without
/// JavaScript went through, so the page says "Saved.".
pub const SAVED_PARAMETER: &str = "saved";

/// The largest logo file accepted, in bytes.
pub const LOGO_MAX_BYTES: usize = 1024 * 1024;

/// The most pixels a logo may have on either side as uploaded; Tenantry
/// keeps it at most [`LOGO_SIDE`] pixels on its longer side.
pub const LOGO_MAX_PIXELS: u32 = 4096;

/// The longer side of the logo as kept and shown, in pixels (larger
/// images are scaled down, smaller ones kept as they are).
pub const LOGO_SIDE: u32 = 256;

/// The image types a logo may be, for the file picker (the server looks at
/// the bytes, not at the name or the type the browser gives).
pub const LOGO_TYPES: &str = "image/png,image/jpeg,image/webp";

/// Where an organization's logo of version `version` is served.
pub fn logo_href(version: &str) -> String {
    format!("/logo.png?v={version}")
}

/// Set in the settings page's address when a logo posted without
/// JavaScript (and every upload is) was saved or removed.
pub const LOGO_SAVED_PARAMETER: &str = "logo";

/// How the organization's pages write a date and time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// `2026-12-04 19:43`
    #[default]
    Iso,
    /// `04.12.2026 19:43`
    Day,
    /// `12/04/2026 7:43 PM`
    Us,
    /// `4 Dec 2026, 19:43`
    Long,
}

impl DateFormat {
    pub const ALL: [DateFormat; 4] = [
        DateFormat::Iso,
        DateFormat::Day,
        DateFormat::Us,
        DateFormat::Long,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DateFormat::Iso => "iso",
            DateFormat::Day => "day",
            DateFormat::Us => "us",
            DateFormat::Long => "long",
        }
    }

    pub fn parse(text: &str) -> Option<DateFormat> {
        DateFormat::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// An example, for the choice.
    pub fn example(self) -> &'static str {
        match self {
            DateFormat::Iso => "2026-12-31 18:30",
            DateFormat::Day => "31.12.2026 18:30",
            DateFormat::Us => "12/31/2026 6:30 PM",
            DateFormat::Long => "31 Dec 2026, 18:30",
        }
    }
}

/// The time zone an organization starts with.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// Tenantry's own primary colour.
pub const DEFAULT_BRAND_COLOR: &str = "#2457d6";

/// The least contrast white text must have on the primary colour (buttons)
/// and the colour on white (links): WCAG's AA level for body text.
pub const MIN_CONTRAST: f64 = 4.5;

/// `text` as a primary colour, `#rrggbb` in lower case (`#rgb` is widened),
/// or what is wrong with it.
pub fn check_brand_color(text: &str) -> Result<String, String> {
    let hex = text.trim().trim_start_matches('#');
    let wide: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_owned(),
        _ => return Err("Enter a colour as #rrggbb, for example #0b6e4f.".to_owned()),
    };
    let Ok(rgb) = u32::from_str_radix(&wide, 16) else {
        return Err("Enter a colour as #rrggbb, for example #0b6e4f.".to_owned());
    };
    if !wide.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("Enter a colour as #rrggbb, for example #0b6e4f.".to_owned());
    }
    let contrast = contrast_with_white([(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8]);
    if contrast < MIN_CONTRAST {
        return Err(format!(
            "White text on this colour is hard to read (contrast {contrast:.1}:1; at least \
             {MIN_CONTRAST}:1 is needed). Choose a darker shade."
        ));
    }
    Ok(format!("#{}", wide.to_ascii_lowercase()))
}

/// WCAG 2 contrast ratio of `rgb` against white, from 1 to 21.
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    1.05 / (luminance + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_colours_are_kept_in_one_spelling() {
        assert_eq!(check_brand_color("#0B6E4F"), Ok("#0b6e4f".to_owned()));
        assert_eq!(check_brand_color(" 0b6e4f "), Ok("#0b6e4f".to_owned()));
        assert_eq!(check_brand_color("#000"), Ok("#000000".to_owned()));
        assert!(check_brand_color(DEFAULT_BRAND_COLOR).is_ok());
    }

    #[test]
    fn unreadable_or_malformed_colours_are_refused_with_the_reason() {
        let yellow = check_brand_color("#ffff00").unwrap_err();
        assert!(yellow.contains("contrast 1.1:1"), "{yellow}");
        assert!(check_brand_color("#12345").is_err());
        assert!(check_brand_color("#gggggg").is_err());
        assert!(check_brand_color("+12345").is_err());
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 1e-9);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 1e-9);
    }
}
