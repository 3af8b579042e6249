//! Logging in and out on the apex and on tenant hosts, sessions (fixation,
//! idle and absolute expiry, restarts, log out everywhere), rate limits and
//! cross-origin refusal.

mod guards;
mod log_in;
mod sessions;

use crate::helpers::TestApp;
use crate::http::CookieJar;

const COOKIE: &str = "tenantry_session";

async fn home_status(app: &TestApp, slug: &str, jar: &mut CookieJar) -> u16 {
    app.call(&app.tenant_host(slug), "tenant_home", &[], Some(jar))
        .await
        .status
}
