//! Serializable types that cross the wire, and the rules both sides apply.

pub mod access;
pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod domains;
pub mod error;
pub mod hostname;
pub mod invitations;
pub mod mapping;
pub mod members;
pub mod notifications;
pub mod onboarding;
pub mod plans;
pub mod quota;
pub mod repositories;
pub mod settings;
pub mod site;
pub mod slug;
pub mod teams;

pub use access::{Permission, Role};
pub use error::{AppError, FieldErrors};

/// The rule every short name follows (an organization's, a team's, an API
/// token's): not empty (`empty` says what to enter), at most `max`
/// characters, no control or invisible characters ([`is_hidden`]). Labels
/// add a rule of their own ([`mapping::check_label`]).
pub fn check_name(name: &str, max: usize, empty: &str) -> Result<(), String> {
    if name.is_empty() {
        Err(empty.to_owned())
    } else if name.chars().count() > max {
        Err(format!("Use at most {max} characters."))
    } else if name.chars().any(is_hidden) {
        Err("Remove control and invisible characters from the name.".to_owned())
    } else {
        Ok(())
    }
}

/// Longest search text (a list's search box), in characters.
pub const MAX_SEARCH_LEN: usize = 200;

/// Why `text` cannot be searched for, if it cannot: too long, or holding
/// control or invisible characters (which no name or address holds, and
/// which PostgreSQL refuses to compare when one is NUL).
pub fn search_problem(text: &str) -> Option<String> {
    if text.chars().count() > MAX_SEARCH_LEN {
        Some(format!("Search with at most {MAX_SEARCH_LEN} characters."))
    } else if text.chars().any(is_hidden) {
        Some("Remove control and invisible characters from the search.".to_owned())
    } else {
        None
    }
}

/// Whether `c` is a control character (Unicode Cc) or a format character
/// (Cf: bidirectional overrides such as U+202E, zero-width spaces and
/// joiners, soft hyphens, tags), which would make a name read differently
/// from what it holds: in an invitation's subject, a member list, a log.
/// The Cf ranges are written out (Unicode 16): a Unicode-tables crate for
/// twenty ranges that change about once a decade would weigh more than it
/// saves, in the browser's bundle too.
pub fn is_hidden(c: char) -> bool {
    let code = c as u32;
    c.is_control() || FORMAT.iter().any(|&(from, to)| (from..=to).contains(&code))
}

/// Unicode's format characters (Cf), as ranges of code points.
const FORMAT: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// A regular expression (ECMA-262 with the `u` flag, as JSON Schema's
/// `pattern` reads it, and the `regex` crate's syntax) that text matches
/// when it holds no character [`is_hidden`] refuses and none of `also`
/// (ASCII punctuation, or `\s` for white space). Made from the same table,
/// so that the API's document states the very rule the validation applies.
pub fn visible_pattern(also: &str) -> String {
    format!("^{}*$", visible_class(also))
}

/// One character of [`visible_pattern`]: a negated class.
pub fn visible_class(also: &str) -> String {
    let mut class = String::from("[^\\u{0}-\\u{1F}\\u{7F}-\\u{9F}");
    for &(from, to) in FORMAT {
        if from == to {
            class.push_str(&format!("\\u{{{from:X}}}"));
        } else {
            class.push_str(&format!("\\u{{{from:X}}}-\\u{{{to:X}}}"));
        }
    }
    format!("{class}{also}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_hide_what_they_hold() {
        for hidden in [
            "evil\u{202E}gnp.exe",
            "ad\u{200B}min",
            "a\u{00AD}b",
            "x\u{E0041}",
            "tab\there",
        ] {
            assert!(check_name(hidden, 100, "empty").is_err(), "{hidden:?}");
        }
        for visible in ["Acme Ltd", "Müller & Söhne", "東京チーム", "O'Brien – R&D"] {
            assert_eq!(check_name(visible, 100, "empty"), Ok(()), "{visible:?}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_documented_pattern_refuses_what_is_hidden_and_nothing_else() {
        let pattern = regex::Regex::new(&visible_pattern("")).unwrap();
        let mut samples: Vec<char> = (0..0x3000).filter_map(char::from_u32).collect();
        samples.extend(
            FORMAT
                .iter()
                .flat_map(|&(from, to)| [from, to, to + 1])
                .filter_map(char::from_u32),
        );
        for c in samples {
            assert_eq!(
                pattern.is_match(&c.to_string()),
                !is_hidden(c),
                "U+{:04X}",
                c as u32
            );
        }
        let no_comma = regex::Regex::new(&visible_pattern(",")).unwrap();
        assert!(!no_comma.is_match("a,b") && no_comma.is_match("a b"));
    }
}
