//! The members page: listing with search and role filter, role changes and
//! removal (one or in bulk), the rules that only owners touch owners and
//! that the last owner stays, leaving, and the audit entries they write.

mod changes;
mod owners;
mod page;
mod paging;

use crate::helpers::{app_error, TestApp};
use crate::http::{CookieJar, Response};
use app::model::members::MemberList;

fn members_of(response: &Response) -> MemberList {
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).expect("a member list")
}

async fn list(app: &TestApp, jar: &mut CookieJar, search: &str, role: &str) -> MemberList {
    let response = app
        .call(
            &app.tenant_host("acme"),
            "members",
            &[("search", search), ("role", role)],
            Some(jar),
        )
        .await;
    members_of(&response)
}

async fn change_roles(app: &TestApp, jar: &mut CookieJar, user_ids: &str, role: &str) -> Response {
    let fields = [("user_ids", user_ids), ("role", role)];
    app.call(
        &app.tenant_host("acme"),
        "change_member_roles",
        &fields,
        Some(jar),
    )
    .await
}

async fn remove(app: &TestApp, jar: &mut CookieJar, user_ids: &str) -> Response {
    let fields = [("user_ids", user_ids)];
    app.call(
        &app.tenant_host("acme"),
        "remove_members",
        &fields,
        Some(jar),
    )
    .await
}

/// The form error of a refused change.
fn form_error(response: &Response) -> String {
    assert_eq!(response.status, 422, "{}", response.body);
    app_error(response)
        .field_error("form")
        .unwrap_or_else(|| panic!("no form error: {}", response.body))
}
