//! What a domain name may be, for a custom domain: the rule the host
//! router and the custom-domain form share. Pure (std only), so the host
//! parser's fuzz target compiles it as it is.

/// Why `name` (lower case, no trailing dot) is no domain name a custom
/// domain can be, if it is not: the rule of host names (labels of `a-z`,
/// digits and inner hyphens, 1 to 63 characters, 253 in all), at least
/// two labels, and no IP address (a last label of digits).
pub fn domain_problem(name: &str) -> Option<&'static str> {
    const SHAPE: &str =
        "Enter a domain name such as portal.example.com: letters, digits, hyphens and dots.";
    if name.is_empty() || name.len() > 253 {
        return Some(if name.is_empty() {
            SHAPE
        } else {
            "A domain name has at most 253 characters."
        });
    }
    let mut labels = 0;
    for label in name.split('.') {
        labels += 1;
        let well_formed = (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !well_formed {
            return Some(SHAPE);
        }
    }
    if labels < 2 {
        return Some("Enter the whole domain name, such as portal.example.com.");
    }
    let last = name.rsplit('.').next().unwrap_or_default();
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Some("An IP address cannot be a custom domain: enter a domain name.");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names_follow_the_host_name_rule() {
        for good in [
            "portal.acme.com",
            "a.b",
            "x-1.example.co.uk",
            "xn--mnchen-3ya.de",
        ] {
            assert_eq!(domain_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "localhost",
            "-a.com",
            "a-.com",
            "a..com",
            ".a.com",
            "a.com.",
            "A.com",
            "a_b.com",
            "127.0.0.1",
            "a.123",
            "[::1]",
            "münchen.de",
        ] {
            assert!(domain_problem(bad).is_some(), "{bad:?} passed");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(domain_problem(&long_label).is_some());
        let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(long.len() > 253);
        assert_eq!(
            domain_problem(&long),
            Some("A domain name has at most 253 characters.")
        );
    }
}
