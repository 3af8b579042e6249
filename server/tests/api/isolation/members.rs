//! The member and audit functions stay inside their tenant.

use crate::helpers::{spawn_app, Backend};

/// The member and audit functions, with B's session on A's host, and B's
/// own admin naming A's people by id on B's host: nothing of A is read or
/// changed.
async fn member_and_audit_functions_stay_inside_their_tenant(backend: Backend) {
    use app::model::Role;
    let app = spawn_app(backend).await;
    let mut a_jar = app.signed_in_owner("alpha").await;
    let a_host = app.tenant_host("alpha");
    app.add_member("alpha", "colleague@alpha.test", Role::Member)
        .await;
    app.call(
        &a_host,
        "add_team",
        &[("name", "Alpha team")],
        Some(&mut a_jar),
    )
    .await;
    let a_owner = app.user_id("owner@alpha.test").await.to_string();
    let a_colleague = app.user_id("colleague@alpha.test").await.to_string();
    let a_entries = app.audit_entries("alpha").await.len();
    assert_eq!(a_entries, 1);

    let mut b_jar = app.signed_in_owner("bravo").await;
    let b_host = app.tenant_host("bravo");
    let mut replayed = b_jar.clone();
    replayed.replay(&b_host, &a_host);
    let a_invitation = app
        .add_invitation("alpha", "invitee@example.test", Role::Member)
        .await
        .to_string();
    let calls: [(&str, Vec<(&str, &str)>); 11] = [
        ("members", vec![("search", ""), ("role", "")]),
        (
            "audit_log",
            vec![("actor", ""), ("action", ""), ("from", ""), ("to", "")],
        ),
        (
            "change_member_roles",
            vec![("user_ids", &a_colleague), ("role", "owner")],
        ),
        ("remove_members", vec![("user_ids", &a_owner)]),
        ("leave_organization", vec![]),
        ("invitations", vec![]),
        (
            "invite_member",
            vec![("email", "planted@example.test"), ("role", "owner")],
        ),
        ("resend_invitation", vec![("id", &a_invitation)]),
        ("revoke_invitation", vec![("id", &a_invitation)]),
        (
            "bulk_invitations",
            vec![("ids", &a_invitation), ("action", "revoke")],
        ),
        ("import_invitations", vec![("list", "planted@example.test")]),
    ];
    for (endpoint, fields) in &calls {
        let response = app
            .call(&a_host, endpoint, fields, Some(&mut replayed))
            .await;
        assert_eq!(response.status, 401, "{endpoint}: {}", response.body);
        assert!(!response.body.contains("alpha.test"), "{endpoint}");
        assert!(!response.body.contains("invitee@"), "{endpoint}");
    }
    assert!(app.mail.sent_to("planted@example.test").is_empty());
    assert!(app.mail.sent_to("invitee@example.test").is_empty());
    let csv = app.get(&a_host, "/audit.csv", Some(&mut replayed)).await;
    assert_eq!(csv.status, 401, "{}", csv.body);
    for path in ["/members", "/audit"] {
        let page = app.get(&a_host, path, Some(&mut replayed)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body.contains("sign-in-required"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("alpha.test"), "{path}: {}", page.body);
        assert!(!page.body.contains("Alpha team"), "{path}");
    }

    // On B's own host, A's people are nobody B can change.
    for (endpoint, fields) in [
        (
            "change_member_roles",
            vec![("user_ids", a_colleague.as_str()), ("role", "viewer")],
        ),
        ("remove_members", vec![("user_ids", a_owner.as_str())]),
    ] {
        let response = app.call(&b_host, endpoint, &fields, Some(&mut b_jar)).await;
        assert_eq!(response.status, 422, "{endpoint}: {}", response.body);
    }
    let b_members = app
        .call(
            &b_host,
            "members",
            &[("search", ""), ("role", "")],
            Some(&mut b_jar),
        )
        .await;
    assert!(!b_members.body.contains("alpha.test"), "{}", b_members.body);
    let b_audit = app
        .call(
            &b_host,
            "audit_log",
            &[("actor", ""), ("action", ""), ("from", ""), ("to", "")],
            Some(&mut b_jar),
        )
        .await;
    assert!(!b_audit.body.contains("Alpha team"), "{}", b_audit.body);

    assert_eq!(
        app.role_of("alpha", "owner@alpha.test").await,
        Some(Role::Owner)
    );
    assert_eq!(
        app.role_of("alpha", "colleague@alpha.test").await,
        Some(Role::Member)
    );
    assert_eq!(app.audit_entries("alpha").await.len(), a_entries);
    assert!(app.audit_entries("bravo").await.is_empty());
}

#[tokio::test]
async fn member_and_audit_functions_stay_inside_their_tenant_on_sqlite() {
    member_and_audit_functions_stay_inside_their_tenant(Backend::Sqlite).await;
}

#[tokio::test]
async fn member_and_audit_functions_stay_inside_their_tenant_on_postgres() {
    member_and_audit_functions_stay_inside_their_tenant(Backend::Postgres).await;
}
