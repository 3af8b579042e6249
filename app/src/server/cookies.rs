//! The names of Tenantry's cookies. Served over https they carry the
//! `__Host-` prefix, which browsers accept only on a cookie that is
//! `Secure`, has `Path=/` and no `Domain`: then no sibling host (every
//! organization is one, `other.BASE`), and no page served over plain http
//! on these names, can set or overwrite it (review I5). Over plain http
//! browsers refuse the prefix, so the bare name is used.

/// The session cookie's name without its prefix.
pub const SESSION: &str = "tenantry_session";

/// The name cookie `base` goes by: `__Host-{base}` when served over https.
pub fn name(base: &str, https: bool) -> String {
    if https {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_https_the_name_has_the_host_prefix_and_over_http_none() {
        assert_eq!(name(SESSION, true), "__Host-tenantry_session");
        assert_eq!(name(SESSION, false), "tenantry_session");
    }
}
