//! Database round trips per page view, held to each page's budget: the
//! server counts the statements it runs on the control database and on
//! tenant databases (`tenancy::db::StatementCount`). Counts are
//! deterministic, so a page that starts asking more than it did fails here;
//! timings are not asserted (`make bench` prints them).

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::http::CookieJar;

/// A signed-in page or REST list, and the statements one view of it may
/// cost: (path, control database, tenant database). These are the counts
/// of 2026-12-03, once the session, the member and the account menu come
/// from the authority cache, the home page reads its teams and onboarding
/// step in one statement, and the teams page fetches its teams once (on
/// 2026-12-02 they were 4+2, 2+12, 6+0, 2+4 and 2+3): lower one when a
/// change brings its page down, never raise one to let a change in.
const BUDGETS: &[(&str, u64, u64)] = &[
    ("/", 0, 1),
    ("/repositories", 0, 12),
    // 4 in most runs, 5 in about one in five (seen 2026-12-03, not yet
    // explained): held at 5 until it is.
    ("/members", 5, 0),
    ("/teams", 0, 2),
    ("/api/v1/teams", 0, 3),
    // Held to their counts of 2026-12-03, not yet brought down: the rules
    // and onboarding pages make resources inside `Granted`'s or `Loaded`'s
    // body, which fetches them more than once.
    ("/rules", 0, 9),
    ("/labels", 0, 3),
    ("/audit", 0, 2),
    ("/api-tokens", 1, 1),
    ("/onboarding", 0, 8),
    ("/api/v1/repositories", 0, 10),
];

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
