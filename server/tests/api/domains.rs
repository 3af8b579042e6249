//! Custom domains, verified against a DNS server of the test's own on
//! loopback (`testdns`, the app's `--dns-server`): the diagnosis of each
//! wrong record, serving once the records are right (pages, sign-in with a
//! cookie of that host alone, the TLS allow-list), never a failure
//! remembered, a domain whose DNS moved away no longer served, and two
//! organizations claiming the same host.

use crate::helpers::{app_error, spawn_app, Backend, TestApp, BASE, PASSWORD};
use crate::http::{CookieJar, Response};
use app::model::{AppError, Role};
use app::server::{org::domains::Checker, time::now_unix};
use testdns::Rec;

const PORTAL: &str = "portal.acme-corp.test";

/// `host` with the app's port, as a browser sends it.
fn on_port(app: &TestApp, host: &str) -> String {
    format!("{host}:{}", app.port)
}

/// The JSON answer of a call that must succeed.
fn ok(response: &Response) -> serde_json::Value {
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).unwrap_or(serde_json::Value::Null)
}

async fn add(app: &TestApp, slug: &str, jar: &mut CookieJar, host: &str) -> Response {
    app.call(
        &app.tenant_host(slug),
        "add_domain",
        &[("host", host)],
        Some(jar),
    )
    .await
}

async fn verify(app: &TestApp, slug: &str, jar: &mut CookieJar, host: &str) -> serde_json::Value {
    let response = app
        .call(
            &app.tenant_host(slug),
            "verify_domain",
            &[("host", host)],
            Some(jar),
        )
        .await;
    ok(&response)
}

/// `slug`'s domains, as its custom-domain page has them.
async fn domains(app: &TestApp, slug: &str, jar: &mut CookieJar) -> Vec<serde_json::Value> {
    let page = app
        .call(&app.tenant_host(slug), "custom_domains", &[], Some(jar))
        .await;
    ok(&page)["domains"].as_array().cloned().unwrap_or_default()
}

/// The TXT record's value the page tells `slug`'s owner to create for `host`.
async fn txt_value(app: &TestApp, slug: &str, jar: &mut CookieJar, host: &str) -> String {
    let all = domains(app, slug, jar).await;
    let domain = all
        .iter()
        .find(|d| d["host"] == host)
        .unwrap_or_else(|| panic!("{host} in {all:?}"));
    let records = domain["records"].as_array().unwrap();
    assert_eq!(records[0]["kind"], "CNAME");
    assert_eq!(records[0]["name"], host);
    assert_eq!(records[0]["value"], format!("{slug}.{BASE}"));
    assert_eq!(records[1]["kind"], "TXT");
    assert_eq!(records[1]["name"], format!("_tenantry.{host}"));
    records[1]["value"].as_str().unwrap().to_owned()
}

/// Creates the records `slug`'s page asks for `host`.
async fn create_records(app: &TestApp, slug: &str, jar: &mut CookieJar, host: &str) {
    let value = txt_value(app, slug, jar, host).await;
    app.dns
        .set(&format!("_tenantry.{host}"), vec![Rec::Txt(value)]);
    app.dns
        .set(host, vec![Rec::Cname(format!("{slug}.{BASE}"))]);
}

fn problem(domain: &serde_json::Value) -> String {
    domain["problem"].as_str().unwrap_or_default().to_owned()
}

/// What `host` answers for `/login`: the organization's page, or not.
async fn login_page(app: &TestApp, host: &str) -> Response {
    app.get(&on_port(app, host), "/login", None).await
}

/// The periodic round, as if `later` seconds had passed.
async fn check_due_after(app: &TestApp, later: i64) -> usize {
    let state = &app.state;
    Checker {
        control: &state.control,
        directory: &state.directory,
        dns: &state.dns,
        settings: &state.settings,
    }
    .check_due(now_unix() + later)
    .await
    .expect("the round runs")
}

async fn tls_allowed(app: &TestApp, domain: &str) -> u16 {
    app.get(
        &format!("127.0.0.1:{}", app.port),
        &format!("/tls/allowed?domain={domain}"),
        None,
    )
    .await
    .status
}

async fn a_domain_is_served_once_dns_proves_it_and_no_longer_once_it_moves_away(backend: Backend) {
    let app = spawn_app(backend).await;
    app.dns.zone("acme-corp.test");
    let mut owner = app.signed_in_owner("acme").await;
    assert_eq!(login_page(&app, PORTAL).await.status, 404);

    // What the owner types, kept as the host it is.
    let added = add(
        &app,
        "acme",
        &mut owner,
        " https://Portal.Acme-Corp.test./ ",
    )
    .await;
    assert_eq!(ok(&added), PORTAL);
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.target.as_str()),
        ("domain.add", PORTAL)
    );
    let value = txt_value(&app, "acme", &mut owner, PORTAL).await;
    assert!(value.starts_with("tenantry-verification="), "{value}");

    // Nothing in DNS yet: both records missing, said so.
    let checked = verify(&app, "acme", &mut owner, PORTAL).await;
    assert_eq!(checked["verified"], false);
    let said = problem(&checked);
    assert!(
        said.contains(&format!("{PORTAL} does not exist in DNS yet")),
        "{said}"
    );
    assert!(
        said.contains("There is no TXT record at _tenantry.portal.acme-corp.test"),
        "{said}"
    );
    assert!(checked["checked"].is_string(), "{checked}");

    // The TXT record where a provider's form puts it when the zone is
    // added to the name typed; the CNAME to another organization.
    let misplaced = format!("_tenantry.{PORTAL}.acme-corp.test");
    app.dns.set(&misplaced, vec![Rec::Txt(value.clone())]);
    app.dns
        .set(PORTAL, vec![Rec::Cname(format!("other.{BASE}"))]);
    let said = problem(&verify(&app, "acme", &mut owner, PORTAL).await);
    assert!(
        said.contains(&format!(
            "The TXT record is at {misplaced}, but it must be at _tenantry.{PORTAL}"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "{PORTAL} points to other.{BASE}, not to acme.{BASE}"
        )),
        "{said}"
    );
    assert_eq!(login_page(&app, PORTAL).await.status, 404);

    // A TXT record with another value.
    app.dns.set(
        &format!("_tenantry.{PORTAL}"),
        vec![Rec::Txt("tenantry-verification=someone-else".into())],
    );
    let said = problem(&verify(&app, "acme", &mut owner, PORTAL).await);
    assert!(
        said.contains("holds “tenantry-verification=someone-else”"),
        "{said}"
    );

    // Right at last: served at once (nothing of the failures was kept).
    create_records(&app, "acme", &mut owner, PORTAL).await;
    let checked = verify(&app, "acme", &mut owner, PORTAL).await;
    assert_eq!(checked["verified"], true, "{checked}");
    assert_eq!(checked["problem"], serde_json::Value::Null);
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.target.as_str()),
        ("domain.verify", PORTAL)
    );
    let page = login_page(&app, PORTAL).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(r#"data-testid="login-org">acme<"#),
        "{}",
        page.body
    );

    // Signing in there: a cookie of that host alone (no Domain attribute),
    // and the organization's home page behind it.
    let mut member = CookieJar::default();
    let portal = on_port(&app, PORTAL);
    let logged_in = app
        .log_in(&portal, "owner@acme.test", PASSWORD, &mut member)
        .await;
    assert_eq!(logged_in.status, 200, "{}", logged_in.body);
    let cookies: Vec<&str> = logged_in.headers_named("set-cookie").collect();
    assert!(!cookies.is_empty());
    assert!(
        cookies
            .iter()
            .all(|c| !c.to_ascii_lowercase().contains("domain=")),
        "{cookies:?}"
    );
    let home = app.get(&portal, "/", Some(&mut member)).await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("owner@acme.test"), "{}", home.body);
    assert_eq!(member.get(&app.tenant_host("acme"), "id"), None);

    // The proxy's allow-list.
    assert_eq!(tls_allowed(&app, PORTAL).await, 200);
    assert_eq!(tls_allowed(&app, &format!("acme.{BASE}")).await, 200);
    assert_eq!(tls_allowed(&app, BASE).await, 200);
    assert_eq!(tls_allowed(&app, "elsewhere.acme-corp.test").await, 404);
    assert_eq!(tls_allowed(&app, &format!("nobody.{BASE}")).await, 404);
    assert_eq!(tls_allowed(&app, "127.0.0.1").await, 404);

    // Not due yet: the round leaves it alone.
    assert_eq!(check_due_after(&app, 60).await, 0);
    // DNS moves away: the hourly round stops serving it.
    app.dns
        .set(PORTAL, vec![Rec::Cname("elsewhere.example".into())]);
    assert_eq!(check_due_after(&app, 3_601).await, 1);
    assert_eq!(login_page(&app, PORTAL).await.status, 404);
    assert_eq!(tls_allowed(&app, PORTAL).await, 404);
    let after = domains(&app, "acme", &mut owner).await;
    assert_eq!(after[0]["verified"], false);
    assert!(
        problem(&after[0]).contains("points to elsewhere.example"),
        "{after:?}"
    );
    assert!(app
        .platform_actions("acme")
        .await
        .contains(&"domain.unverify".to_owned()));

    // Removed: gone from the page and the log says so.
    create_records(&app, "acme", &mut owner, PORTAL).await;
    assert_eq!(
        verify(&app, "acme", &mut owner, PORTAL).await["verified"],
        true
    );
    let removed = app
        .call(
            &app.tenant_host("acme"),
            "remove_domain",
            &[("host", PORTAL)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert!(domains(&app, "acme", &mut owner).await.is_empty());
    assert_eq!(login_page(&app, PORTAL).await.status, 404);
    let entry = app.audit_entries("acme").await.pop().unwrap();
    assert_eq!(entry.action, "domain.remove");
}

#[tokio::test]
async fn a_domain_is_served_once_dns_proves_it_and_no_longer_once_it_moves_away_on_sqlite() {
    a_domain_is_served_once_dns_proves_it_and_no_longer_once_it_moves_away(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_domain_is_served_once_dns_proves_it_and_no_longer_once_it_moves_away_on_postgres() {
    a_domain_is_served_once_dns_proves_it_and_no_longer_once_it_moves_away(Backend::Postgres).await;
}

#[tokio::test]
async fn dns_that_does_not_answer_changes_nothing_and_is_not_remembered() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    ok(&add(&app, "acme", &mut owner, PORTAL).await);
    create_records(&app, "acme", &mut owner, PORTAL).await;
    assert_eq!(
        verify(&app, "acme", &mut owner, PORTAL).await["verified"],
        true
    );

    // The domain's DNS fails: still served, the problem shown.
    app.dns.set(PORTAL, vec![Rec::ServFail]);
    assert_eq!(check_due_after(&app, 3_601).await, 1);
    let now = domains(&app, "acme", &mut owner).await;
    assert_eq!(now[0]["verified"], true, "{now:?}");
    assert!(
        problem(&now[0]).contains("DNS gave no answer for portal.acme-corp.test"),
        "{now:?}"
    );
    assert_eq!(login_page(&app, PORTAL).await.status, 200);

    // Back: the next check says so at once.
    create_records(&app, "acme", &mut owner, PORTAL).await;
    let checked = verify(&app, "acme", &mut owner, PORTAL).await;
    assert_eq!(
        (checked["verified"].clone(), checked["problem"].clone()),
        (true.into(), serde_json::Value::Null)
    );
}

#[tokio::test]
async fn the_apex_of_a_zone_is_told_why_and_served_when_its_provider_flattens() {
    let app = spawn_app(Backend::Sqlite).await;
    app.dns.zone("acme-corp.test");
    let mut owner = app.signed_in_owner("acme").await;
    let apex = "acme-corp.test";
    ok(&add(&app, "acme", &mut owner, apex).await);
    let value = txt_value(&app, "acme", &mut owner, apex).await;
    app.dns
        .set(&format!("_tenantry.{apex}"), vec![Rec::Txt(value)]);
    app.dns
        .set(apex, vec![Rec::A("192.0.2.10".parse().unwrap())]);
    let said = problem(&verify(&app, "acme", &mut owner, apex).await);
    assert!(
        said.contains(
            "acme-corp.test is the apex of its DNS zone, where DNS allows no CNAME record"
        ),
        "{said}"
    );

    // A subdomain with address records instead of a CNAME.
    let www = "www.acme-corp.test";
    ok(&add(&app, "acme", &mut owner, www).await);
    app.dns
        .set(www, vec![Rec::A("192.0.2.10".parse().unwrap())]);
    let said = problem(&verify(&app, "acme", &mut owner, www).await);
    assert!(
        said.contains("has no CNAME record: it has address records (192.0.2.10)"),
        "{said}"
    );

    // Flattened: the apex answers with the organization's own addresses.
    app.dns.set(
        &format!("acme.{BASE}"),
        vec![Rec::A("192.0.2.10".parse().unwrap())],
    );
    let checked = verify(&app, "acme", &mut owner, apex).await;
    assert_eq!(checked["verified"], true, "{checked}");
}

#[tokio::test]
async fn what_is_no_domain_of_the_organization_is_refused_next_to_the_field() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    for (typed, says) in [
        ("", "Enter a domain name"),
        ("intranet", "Enter the whole domain name"),
        ("10.0.0.1", "An IP address cannot be a custom domain"),
        ("bad_name.example.com", "Enter a domain name"),
        (&format!("other.{BASE}") as &str, "is Tenantry's own"),
        (BASE, "is Tenantry's own"),
    ] {
        let refused = add(&app, "acme", &mut owner, typed).await;
        assert_eq!(refused.status, 422, "{typed}: {}", refused.body);
        match app_error(&refused) {
            AppError::Validation(errors) => {
                let message = errors.get("host").unwrap_or_default().to_owned();
                assert!(message.contains(says), "{typed}: {message}");
            }
            other => panic!("{typed}: {other:?}"),
        }
    }
    // A Unicode name is kept in its ASCII form.
    assert_eq!(
        ok(&add(&app, "acme", &mut owner, "münchen.example").await),
        "xn--mnchen-3ya.example"
    );
    ok(&add(&app, "acme", &mut owner, "b.example.com").await);
    let twice = add(&app, "acme", &mut owner, "B.example.com").await;
    assert_eq!(twice.status, 422, "{}", twice.body);
    ok(&add(&app, "acme", &mut owner, "c.example.com").await);
    let fourth = add(&app, "acme", &mut owner, "d.example.com").await;
    assert_eq!(fourth.status, 422, "{}", fourth.body);
    assert!(
        fourth.body.contains("3 custom domains at most"),
        "{}",
        fourth.body
    );
}

#[tokio::test]
async fn only_owners_manage_domains_and_a_claim_blocks_nobody() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let mut admin = app.signed_in_as("acme", Role::Admin).await;
    for (endpoint, fields) in [
        ("custom_domains", vec![]),
        ("add_domain", vec![("host", PORTAL)]),
        ("verify_domain", vec![("host", PORTAL)]),
        ("remove_domain", vec![("host", PORTAL)]),
    ] {
        let refused = app
            .call(
                &app.tenant_host("acme"),
                endpoint,
                &fields,
                Some(&mut admin),
            )
            .await;
        assert_eq!(refused.status, 403, "{endpoint}: {}", refused.body);
    }
    let page = app
        .get(
            &app.tenant_host("acme"),
            "/settings/domains",
            Some(&mut admin),
        )
        .await;
    assert!(!page.body.contains("add-domain"), "{}", page.body);

    // Another organization claims the same host first: acme can still
    // claim it, and the one whose records DNS holds is served.
    let mut squatter = app.signed_in_owner("squat").await;
    ok(&add(&app, "squat", &mut squatter, PORTAL).await);
    ok(&add(&app, "acme", &mut owner, PORTAL).await);
    create_records(&app, "acme", &mut owner, PORTAL).await;
    assert_eq!(
        verify(&app, "squat", &mut squatter, PORTAL).await["verified"],
        false
    );
    assert_eq!(
        verify(&app, "acme", &mut owner, PORTAL).await["verified"],
        true
    );
    let page = login_page(&app, PORTAL).await;
    assert!(
        page.body.contains(r#"data-testid="login-org">acme<"#),
        "{}",
        page.body
    );
    // A domain only acme added is nothing of squat's.
    ok(&add(&app, "acme", &mut owner, "only.acme-corp.test").await);
    for endpoint in ["verify_domain", "remove_domain"] {
        let foreign = app
            .call(
                &app.tenant_host("squat"),
                endpoint,
                &[("host", "only.acme-corp.test")],
                Some(&mut squatter),
            )
            .await;
        assert_eq!(foreign.status, 404, "{endpoint}: {}", foreign.body);
    }
    assert_eq!(domains(&app, "acme", &mut owner).await.len(), 2);

    // The domain's owner moves it to squat's organization: squat's check
    // ends acme's at once.
    create_records(&app, "squat", &mut squatter, PORTAL).await;
    assert_eq!(
        verify(&app, "squat", &mut squatter, PORTAL).await["verified"],
        true
    );
    let page = login_page(&app, PORTAL).await;
    assert!(
        page.body.contains(r#"data-testid="login-org">squat<"#),
        "{}",
        page.body
    );
    let acme = domains(&app, "acme", &mut owner).await;
    assert_eq!(acme[0]["verified"], false, "{acme:?}");
}

#[tokio::test]
async fn domain_checks_an_owner_asks_for_are_limited() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    ok(&add(&app, "acme", &mut owner, PORTAL).await);
    let at_most = app::server::rate_limit::Limits::DOMAIN_CHECKS_PER_TENANT.max;
    for _ in 0..at_most {
        verify(&app, "acme", &mut owner, PORTAL).await;
    }
    let refused = app
        .call(
            &app.tenant_host("acme"),
            "verify_domain",
            &[("host", PORTAL)],
            Some(&mut owner),
        )
        .await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(matches!(app_error(&refused), AppError::RateLimited { .. }));
}

#[tokio::test]
async fn the_custom_domain_page_works_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut owner = app.signed_in_owner("acme").await;
    let host = app.tenant_host("acme");
    let page = app.get(&host, "/settings/domains", Some(&mut owner)).await;
    assert!(
        page.body.contains(r#"data-testid="no-domains""#),
        "{}",
        page.body
    );

    // Refused: back on the page, the reason at the field, the text kept.
    let posted = app
        .post_form_from(
            &host,
            "/settings/domains",
            "add_domain",
            &[("host", "intranet")],
            Some(&mut owner),
        )
        .await;
    assert!((300..400).contains(&posted.status), "{}", posted.body);
    let back = posted.header("location").unwrap().to_owned();
    let page = app.get(&host, &back, Some(&mut owner)).await;
    assert!(
        page.body.contains("Enter the whole domain name"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="intranet""#), "{}", page.body);

    // Added and checked: the page lists its records and what is missing.
    for (endpoint, expected) in [
        ("add_domain", "dns-records"),
        ("verify_domain", "domain-problem"),
    ] {
        let posted = app
            .post_form_from(
                &host,
                "/settings/domains",
                endpoint,
                &[("host", PORTAL)],
                Some(&mut owner),
            )
            .await;
        assert!(
            (300..400).contains(&posted.status),
            "{endpoint}: {}",
            posted.body
        );
        let back = posted.header("location").unwrap().to_owned();
        assert_eq!(back, format!("/settings/domains?domain={PORTAL}"));
        let page = app.get(&host, &back, Some(&mut owner)).await;
        assert!(
            page.body.contains(&format!(r#"data-testid="{expected}""#)),
            "{endpoint}: {}",
            page.body
        );
    }
    // Served: its link names the port links carry.
    create_records(&app, "acme", &mut owner, PORTAL).await;
    verify(&app, "acme", &mut owner, PORTAL).await;
    let page = app.get(&host, "/settings/domains", Some(&mut owner)).await;
    assert!(
        page.body
            .contains(&format!(r#"href="http://{PORTAL}:{}/""#, app.port)),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn parallel_adds_cannot_pass_the_cap() {
    let app = spawn_app(Backend::Postgres).await;
    let owner = app.signed_in_owner("acme").await;
    let adds = (0..8).map(|n| {
        let mut jar = owner.clone();
        let app = &app;
        async move { add(app, "acme", &mut jar, &format!("d{n}.acme-corp.test")).await }
    });
    let answers = futures::future::join_all(adds).await;
    let added = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        added,
        3,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(answers.iter().all(|a| a.status == 200 || a.status == 422));
    let mut jar = owner.clone();
    assert_eq!(domains(&app, "acme", &mut jar).await.len(), 3);
}
