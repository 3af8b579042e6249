//! Changing an organization's subdomain: the old one leads to it for 30
//! days (pages redirect, signed-in members carried across, API tokens and
//! open pages' server functions keep working), nobody else can take it
//! meanwhile, not even in a race, and after that it is free again.

use crate::helpers::{app_error, spawn_app, Backend, TestApp};
use crate::http::{CookieJar, Response};
use app::model::Role;
use app::server::time::now_unix;
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use tenancy::{
    audit::PlatformActor,
    provision::{provision, ProvisionError, Setup},
    subdomains::{self, Hold},
};

/// Asks, on `from`'s host, to move that organization to `to`.
async fn move_org(app: &TestApp, jar: &mut CookieJar, from: &str, to: &str) -> Response {
    app.call(
        &app.tenant_host(from),
        "change_subdomain",
        &[("subdomain", to)],
        Some(jar),
    )
    .await
}

/// The path of `location` on `host` (panics when it points elsewhere).
fn path_on(host: &str, location: &str) -> String {
    location
        .strip_prefix(&format!("http://{host}"))
        .unwrap_or_else(|| panic!("{location} is not on {host}"))
        .to_owned()
}

#[tokio::test]
async fn the_old_subdomain_leads_to_the_new_one_and_keeps_sessions_and_tokens_working() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let (old, new) = (app.tenant_host("acme"), app.tenant_host("acme-tools"));
    let added = app
        .call(&old, "add_team", &[("name", "Payments")], Some(&mut owner))
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let token = app.api_token("acme", &mut owner, "viewer").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;

    // Owners only.
    let refused = move_org(&app, &mut admin, "acme", "acme-tools").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let page = app.get(&old, "/settings", Some(&mut admin)).await;
    assert!(!page.body.contains("subdomain-form"), "{}", page.body);

    // The owner is sent on, signed in, to the settings page on the new host.
    let moved = move_org(&app, &mut owner, "acme", "acme-tools").await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let handoff = path_on(&new, moved.header("location").expect("a redirect"));
    assert!(handoff.starts_with("/auth/handoff?token="), "{handoff}");
    let landed = app.get(&new, &handoff, Some(&mut owner)).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    assert_eq!(landed.header("location"), Some("/settings?moved=1"));
    let settings = app.get(&new, "/settings?moved=1", Some(&mut owner)).await;
    assert!(settings.body.contains(r#"data-testid="subdomain-moved""#));
    assert!(
        settings.body.contains("<code>acme</code> leads here until"),
        "{}",
        settings.body
    );
    let last = app.audit_entries("acme-tools").await.pop().unwrap();
    assert_eq!(last.action, "organization.subdomain");
    assert_eq!(
        (last.before.as_deref(), last.after.as_deref()),
        (Some("acme"), Some("acme-tools"))
    );

    // A page of the old host: on to the same page of the new one, the
    // session carried across.
    let visit = app
        .get(&old, "/teams?from=bookmark", Some(&mut admin))
        .await;
    assert_eq!(visit.status, 307, "{}", visit.body);
    assert_eq!(visit.header("cache-control"), Some("no-store"));
    let carried = path_on(&new, visit.header("location").unwrap());
    let landed = app.get(&new, &carried, Some(&mut admin)).await;
    assert_eq!(landed.status, 303, "{}", landed.body);
    assert_eq!(landed.header("location"), Some("/teams?from=bookmark"));
    let teams = app.get(&new, "/teams", Some(&mut admin)).await;
    assert_eq!(teams.status, 200);
    assert!(teams.body.contains("Payments"), "{}", teams.body);
    // Signed out: the same page, no handoff.
    let anonymous = app.get(&old, "/teams", None).await;
    assert_eq!(anonymous.status, 307);
    assert_eq!(
        anonymous.header("location").map(|l| path_on(&new, l)),
        Some("/teams".to_owned())
    );

    // A page opened before the change still works: its server functions
    // are answered on the old host, with the old host's session.
    let listed = app.call(&old, "teams", &[], Some(&mut admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body.contains("Payments"), "{}", listed.body);

    // API tokens work on both hosts.
    for slug in ["acme", "acme-tools"] {
        let teams = app
            .api(slug, "GET", "/teams", Some(&token), None, None)
            .await;
        assert_eq!(teams.status, 200, "{slug}: {}", teams.body);
        assert!(teams.body.contains("Payments"), "{}", teams.body);
    }
}

#[tokio::test]
async fn nobody_else_takes_a_held_subdomain_until_the_hold_ends() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut acme = app.signed_in_owner("acme").await;
    let mut beta = app.signed_in_owner("beta").await;
    let moved = move_org(&app, &mut acme, "acme", "acme-tools").await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let mut acme = CookieJar::default();
    let logged_in = app
        .log_in(
            &app.tenant_host("acme-tools"),
            "owner@acme.test",
            crate::helpers::PASSWORD,
            &mut acme,
        )
        .await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);

    // Neither a sign-up nor another organization gets "acme", nor the one
    // acme has now; each hears why at the field.
    let signup = app
        .try_sign_up(
            "Acme clone",
            "acme",
            "clone@acme.test",
            crate::helpers::PASSWORD,
        )
        .await;
    assert_eq!(signup.status, 422, "{}", signup.body);
    let held = "This subdomain is taken.";
    assert_eq!(
        app_error(&signup).field_error("subdomain").as_deref(),
        Some(held)
    );
    for to in ["acme", "acme-tools"] {
        let refused = move_org(&app, &mut beta, "beta", to).await;
        assert_eq!(refused.status, 422, "{to}: {}", refused.body);
        assert_eq!(
            app_error(&refused).field_error("subdomain").as_deref(),
            Some(held)
        );
    }
    // A shape or a reserved name: refused with its own reason.
    for (to, reason) in [("Acme!", "lowercase"), ("admin", "reserved")] {
        let refused = move_org(&app, &mut beta, "beta", to).await;
        let error = app_error(&refused);
        let message = error.field_error("subdomain").unwrap_or_default();
        assert!(message.contains(reason), "{to}: {message}");
    }

    // At most three held at once: changing again and again hoards nothing.
    let hops = ["acme-two", "acme-three"];
    let mut from = "acme-tools";
    for to in hops {
        let moved = move_org(&app, &mut acme, from, to).await;
        assert_eq!(moved.status, 200, "{to}: {}", moved.body);
        acme = CookieJar::default();
        let host = app.tenant_host(to);
        let logged_in = app
            .log_in(
                &host,
                "owner@acme.test",
                crate::helpers::PASSWORD,
                &mut acme,
            )
            .await;
        assert_eq!(logged_in.status, 200);
        from = to;
    }
    let fourth = move_org(&app, &mut acme, "acme-three", "acme-four").await;
    assert_eq!(fourth.status, 422, "{}", fourth.body);
    let message = app_error(&fourth)
        .field_error("subdomain")
        .unwrap_or_default();
    assert!(message.contains("3 times in the last 30 days"), "{message}");
    // Taking back one it left is always allowed.
    let back = move_org(&app, &mut acme, "acme-three", "acme").await;
    assert_eq!(back.status, 200, "{}", back.body);

    // Once a hold ends, the old host is nobody's and anyone may take it.
    let control = &app.state.control;
    control
        .execute_raw(Statement::from_string(
            control.get_database_backend(),
            format!(
                "UPDATE former_subdomains SET held_until = {} WHERE slug = 'acme-tools'",
                now_unix() - 1
            ),
        ))
        .await
        .unwrap();
    app.state.directory.clear();
    let gone = app.get(&app.tenant_host("acme-tools"), "/", None).await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    let taken = move_org(&app, &mut beta, "beta", "acme-tools").await;
    assert_eq!(taken.status, 200, "{}", taken.body);
}

/// A reservation of the subdomain the organization is leaving, made while
/// the move is not yet committed: it waits for the move (the unique index
/// on `tenants.slug`), then sees the hold and gives the subdomain up.
#[tokio::test]
async fn a_sign_up_racing_the_move_never_gets_the_subdomain() {
    let app = spawn_app(Backend::Postgres).await;
    app.sign_up("acme").await;
    let acme = app.tenant("acme").await.unwrap();
    let control = &app.state.control;
    let txn = control.begin().await.unwrap();
    let hold = Hold {
        secs: 3600,
        at_most: 3,
    };
    subdomains::change(&txn, acme.id, "acme", "acme-tools", now_unix(), hold)
        .await
        .unwrap();
    let state = app.state.clone();
    let rival = tokio::spawn(async move {
        provision(
            &state.control,
            &state.registry,
            &state.directory,
            "acme",
            "Rival",
            NoSetup,
        )
        .await
    });
    // The rival's insert waits on the move's uncommitted row.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !rival.is_finished(),
        "the reservation did not wait for the move"
    );
    txn.commit().await.unwrap();
    let outcome = rival.await.unwrap();
    assert!(
        matches!(outcome, Err(ProvisionError::SlugTaken)),
        "{:?}",
        outcome.map(|p| p.tenant.slug)
    );
    assert_eq!(app.tenant("acme").await, None);
    assert_eq!(app.tenant("acme-tools").await.map(|t| t.id), Some(acme.id));
}

/// A tenant with nothing in it.
struct NoSetup;

impl Setup for NoSetup {
    type Made = ();

    async fn seed(&self, _: &sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
        Ok(())
    }

    async fn activate(
        self,
        _: &sea_orm::DatabaseTransaction,
        _: &tenancy::entities::tenants::Model,
    ) -> Result<((), PlatformActor), sea_orm::DbErr> {
        Ok(((), PlatformActor::System))
    }
}

/// Without JavaScript the form posts, and the browser follows the redirect
/// to the new host, signed in; a refused subdomain comes back to the page.
#[tokio::test]
async fn without_javascript_the_form_moves_the_browser_too() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let (old, new) = (app.tenant_host("acme"), app.tenant_host("acme-b"));
    let refused = app
        .post_form_from(
            &old,
            "/settings",
            "change_subdomain",
            &[("subdomain", "admin")],
            Some(&mut owner),
        )
        .await;
    assert!((300..400).contains(&refused.status), "{}", refused.body);
    let back = path_on(&old, refused.header("location").unwrap_or_default());
    assert!(back.starts_with("/settings?"), "{back}");
    let page = app.get(&old, &back, Some(&mut owner)).await;
    assert!(
        page.body.contains("This subdomain is reserved."),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="admin""#), "{}", page.body);
    assert_eq!(
        app.tenant("acme").await.map(|t| t.slug),
        Some("acme".into())
    );

    let posted = app
        .post_form_from(
            &old,
            "/settings",
            "change_subdomain",
            &[("subdomain", "acme-b")],
            Some(&mut owner),
        )
        .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let handoff = path_on(&new, posted.header("location").unwrap());
    let landed = app.get(&new, &handoff, Some(&mut owner)).await;
    assert_eq!(landed.header("location"), Some("/settings?moved=1"));
}
