//! Serializable types that cross the wire, and the rules both sides apply.

pub mod access;
pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod error;
pub mod invitations;
pub mod mapping;
pub mod members;
pub mod onboarding;
pub mod repositories;
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

/// Whether `c` is a control character (Unicode Cc) or a format character
/// (Cf: bidirectional overrides such as U+202E, zero-width spaces and
/// joiners, soft hyphens, tags), which would make a name read differently
/// from what it holds: in an invitation's subject, a member list, a log.
/// The Cf ranges are written out (Unicode 16): a Unicode-tables crate for
/// twenty ranges that change about once a decade would weigh more than it
/// saves, in the browser's bundle too.
pub fn is_hidden(c: char) -> bool {
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
    let code = c as u32;
    c.is_control() || FORMAT.iter().any(|&(from, to)| (from..=to).contains(&code))
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
}
