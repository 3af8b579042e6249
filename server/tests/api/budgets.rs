//! Database round trips per page view, held to each page's budget: the
//! server counts the statements it runs on the control database and on
//! tenant databases (`tenancy::db::StatementCount`). Counts are
//! deterministic, so a page that starts asking more than it did fails here;
//! timings are not asserted (`make bench` prints them).

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::http::CookieJar;
use app::model::repositories::MAX_LIST_LINES;

/// A signed-in page or REST list, and the statements one view of it may
/// cost: (path, control database, tenant database). These are the counts
/// of 2026-12-04, once every page of an organization reads the session,
/// the member and the account menu once, for its shell, from the authority
/// cache, and makes its resources at its top instead of inside a
/// boundary's body (on 2026-12-03 the members, rules, labels and onboarding
/// pages were 5+0, 0+9, 0+3 and 0+8): lower one when a change brings its
/// page down, never raise one to let a change in, unless the page shows
/// something new that needs it, said here: since 2026-12-06 `/settings`
/// lists the subdomains the organization left (1 control).
const BUDGETS: &[(&str, u64, u64)] = &[
    ("/", 0, 1),
    ("/dashboard", DASHBOARD.0, DASHBOARD.1),
    ("/repositories", 0, 12),
    ("/members", 3, 0),
    ("/teams", 0, 2),
    ("/api/v1/teams", 0, 3),
    ("/rules", 0, 3),
    ("/labels", 0, 1),
    ("/audit", 0, 2),
    ("/api-tokens", 1, 1),
    ("/settings", 1, 0),
    ("/onboarding", 0, 6),
    ("/api/v1/repositories", 0, 10),
];

/// The dashboard's statements, the same whatever the organization holds:
/// the headcount on the control database; the counts, the changes per
/// day, the repositories per team and the latest changes on the tenant's.
const DASHBOARD: (u64, u64) = (1, 4);

/// Statements one view of `path` costs, after a first view has opened the
/// pools: the fewest of three views, so that a background job's query
/// landing during one of them does not count.
async fn statements_per_view(
    app: &TestApp,
    host: &str,
    path: &str,
    jar: &mut CookieJar,
) -> (u64, u64) {
    let first = app.get(host, path, Some(jar)).await;
    assert_eq!(first.status, 200, "{path}: {}", first.body);
    let mut fewest = (u64::MAX, u64::MAX);
    for _ in 0..3 {
        let control = app.state.control_statements.get();
        let tenant = app.state.registry.statements().get();
        let page = app.get(host, path, Some(jar)).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        fewest.0 = fewest.0.min(app.state.control_statements.get() - control);
        fewest.1 = fewest.1.min(app.state.registry.statements().get() - tenant);
    }
    fewest
}

#[tokio::test]
async fn each_page_stays_within_its_budget_of_database_round_trips() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    for name in ["Payments", "Platform", "Search"] {
        let added = app
            .call(&host, "add_team", &[("name", name)], Some(&mut jar))
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    let pasted = app
        .call(
            &host,
            "paste_repositories",
            &[(
                "list",
                "acme/payments-api\nacme/search-ui\nacme/a\nacme/b\nacme/c",
            )],
            Some(&mut jar),
        )
        .await;
    assert_eq!(pasted.status, 200, "{}", pasted.body);

    let mut over = Vec::new();
    for &(path, control_budget, tenant_budget) in BUDGETS {
        let (control, tenant) = statements_per_view(&app, &host, path, &mut jar).await;
        eprintln!("{path}: {control} control + {tenant} tenant statements per view");
        if control > control_budget || tenant > tenant_budget {
            over.push(format!(
                "{path}: {control} control (budget {control_budget}) + {tenant} tenant \
                 (budget {tenant_budget})"
            ));
        }
    }
    assert!(over.is_empty(), "pages over their budget: {over:#?}");
}

/// The dashboard reads the same number of statements for an organization of
/// 10,000 repositories as for one of five, and prints how long a view
/// takes at that size (not asserted: `make bench` is where timings live).
#[tokio::test]
async fn the_dashboard_costs_the_same_statements_at_ten_thousand_repositories() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut jar = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    for name in ["Payments", "Platform", "Search"] {
        let added = app
            .call(&host, "add_team", &[("name", name)], Some(&mut jar))
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    let rule = app
        .call(
            &host,
            "add_pattern_rule",
            &[("team_id", "1"), ("pattern", "^acme/pay")],
            Some(&mut jar),
        )
        .await;
    assert_eq!(rule.status, 200, "{}", rule.body);
    let small = statements_per_view(&app, &host, "/dashboard", &mut jar).await;
    assert_eq!(small, DASHBOARD, "five repositories or none");

    let lines = MAX_LIST_LINES;
    for batch in 0..(10_000 / lines) {
        let list: Vec<String> = (0..lines)
            .map(|i| {
                let n = batch * lines + i;
                let prefix = if n.is_multiple_of(3) { "pay" } else { "svc" };
                format!("acme/{prefix}-{n:05}")
            })
            .collect();
        let pasted = app
            .call(
                &host,
                "paste_repositories",
                &[("list", &list.join("\n"))],
                Some(&mut jar),
            )
            .await;
        assert_eq!(pasted.status, 200, "{}", pasted.body);
    }
    let started = std::time::Instant::now();
    let large = statements_per_view(&app, &host, "/dashboard", &mut jar).await;
    let page = app.get(&host, "/dashboard", Some(&mut jar)).await;
    eprintln!(
        "/dashboard at 10,000 repositories: {} control + {} tenant statements per view, \
         {:.1} ms for four views (debug build, SQLite)",
        large.0,
        large.1,
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(large, DASHBOARD);
    assert!(
        page.body.contains(r#"data-testid="tile-repositories""#) && page.body.contains("10,000"),
        "{}",
        page.body
    );
}
