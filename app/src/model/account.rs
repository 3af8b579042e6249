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
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("Enter an email address like name@example.com.")
    }
}
