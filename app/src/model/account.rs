//! The rules for accounts and organizations that the browser and the server
//! both apply: email addresses, passwords and organization names.

pub const MAX_ORG_NAME_LEN: usize = 120;
pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 256;
pub const MAX_EMAIL_LEN: usize = 254;

/// Why `name` (trimmed) cannot name an organization, if it cannot.
pub fn check_org_name(name: &str) -> Result<(), String> {
    super::check_name(name, MAX_ORG_NAME_LEN, "Enter your organization's name.")
}

/// The rule every new password follows.
pub fn check_password(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        Err(format!("Use at least {MIN_PASSWORD_LEN} characters."))
    } else if len > MAX_PASSWORD_LEN {
        Err(format!("Use at most {MAX_PASSWORD_LEN} characters."))
    } else {
        Ok(())
    }
}

/// The form an email address is stored and compared in.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether `email` (normalized) looks deliverable.
pub fn check_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        return Err("Enter your email address.");
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err("This email address is too long.");
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                // A bare address only: no display name (`name <addr>`), no
                // quoting or comments, which mail libraries would parse into
                // another mailbox than the one shown.
                && !email.chars().any(|c| {
                    c.is_whitespace()
                        || c.is_control()
                        || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | '\\' | ',' | ';' | ':' | '"')
                })
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("Enter an email address like name@example.com.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_has_8_to_256_characters_as_access_md_says() {
        assert!(check_password(&"x".repeat(7)).is_err());
        assert_eq!(check_password(&"x".repeat(8)), Ok(()));
        assert_eq!(
            check_password(&"é".repeat(256)),
            Ok(()),
            "characters, not bytes"
        );
        assert_eq!(
            check_password(&"x".repeat(257)),
            Err("Use at most 256 characters.".to_owned())
        );
    }

    #[test]
    fn only_a_bare_address_is_an_email() {
        assert_eq!(check_email("ann@example.com"), Ok(()));
        assert_eq!(check_email("ann.o+tag@mail.example.com"), Ok(()));
        for forged in [
            "ceo-acme<attacker@evil.example>",
            "\"ceo\"@acme.example",
            "ann@example.com,bob@example.com",
            "ann(comment)@example.com",
            "ann@[192.0.2.1]",
            "ann@example.com;x",
        ] {
            assert!(check_email(forged).is_err(), "{forged}");
        }
    }
}
