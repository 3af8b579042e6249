//! The onboarding wizard: its saved step, with and without JavaScript.

use crate::helpers::{Backend, Org};

#[tokio::test]
async fn the_wizard_resumes_at_the_saved_step_until_finished_or_skipped() {
    let mut org = Org::new(Backend::Sqlite).await;
    let home = org.app.get(&org.host, "/", Some(&mut org.jar)).await;
    assert!(
        home.body.contains(r#"data-testid="onboarding-banner""#),
        "{}",
        home.body
    );

    let page = org
        .app
        .get(&org.host, "/onboarding", Some(&mut org.jar))
        .await;
    assert!(page.body.contains("Step 1 of 4: Teams"), "{}", page.body);
    org.ok::<()>("onboarding_step", &[("step", "mapping")])
        .await;
    let page = org
        .app
        .get(&org.host, "/onboarding", Some(&mut org.jar))
        .await;
    assert!(page.body.contains("Step 3 of 4: Mapping"), "{}", page.body);
    let page = org
        .app
        .get(
            &org.host,
            "/onboarding?step=repositories",
            Some(&mut org.jar),
        )
        .await;
    assert!(
        page.body.contains("Step 2 of 4: Repositories"),
        "{}",
        page.body
    );
    let home = org.app.get(&org.host, "/", Some(&mut org.jar)).await;
    assert!(home.body.contains("step 3 of 4, mapping."), "{}", home.body);

    let bad = org.fails("onboarding_step", &[("step", "nowhere")]).await;
    assert!(bad.field_error("step").is_some());
    org.ok::<()>("end_onboarding", &[("how", "skipped")]).await;
    let home = org.app.get(&org.host, "/", Some(&mut org.jar)).await;
    assert!(!home.body.contains("onboarding-banner"), "{}", home.body);

    // Only those who manage the organization run it.
    let mut member = org.app.signed_in_as("acme", app::model::Role::Member).await;
    let refused = org
        .app
        .call(
            &org.host,
            "onboarding_step",
            &[("step", "teams")],
            Some(&mut member),
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn without_javascript_the_wizard_moves_between_steps_and_adds_teams() {
    let mut org = Org::new(Backend::Sqlite).await;
    let host = org.host.clone();
    let from = "/onboarding?step=teams";
    let added = org
        .app
        .post_form_from(
            &host,
            from,
            "add_team",
            &[("name", "Platform")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(added.status, 302, "{}", added.body);
    assert!(
        added.header("location").unwrap().ends_with(from),
        "{added:?}"
    );
    let page = org.app.get(&host, from, Some(&mut org.jar)).await;
    assert!(
        page.body.contains(r#"class="name">Platform</span>"#),
        "{}",
        page.body
    );

    let next = org
        .app
        .post_form_from(
            &host,
            from,
            "onboarding_step",
            &[("step", "repositories")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(next.status, 302, "{}", next.body);
    assert_eq!(
        next.header("location"),
        Some("/onboarding?step=repositories")
    );
    let page = org.app.get(&host, "/onboarding", Some(&mut org.jar)).await;
    assert!(
        page.body.contains("Step 2 of 4: Repositories"),
        "{}",
        page.body
    );
    let done = org
        .app
        .post_form_from(
            &host,
            "/onboarding?step=review",
            "end_onboarding",
            &[("how", "finished")],
            Some(&mut org.jar),
        )
        .await;
    assert_eq!(done.header("location"), Some("/"));
}
