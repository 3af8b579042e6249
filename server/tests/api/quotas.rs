//! What one organization may hold (L11): every create path stops at its
//! quota with a message on the field that asked, parallel creates cannot
//! pass it, and a pasted list takes what fits and says why not the rest.

use crate::helpers::{app_error, Backend, Org};
use app::model::{quota, AppError};
use sea_orm::ConnectionTrait;

/// `count` rows of `table` written straight into acme's database: `select`
/// gives a row's values from `i` (1 to `count`).
async fn fill(org: &Org, table: &str, columns: &str, select: &str, count: u64) {
    let tenant = org.app.tenant("acme").await.unwrap();
    let db = org.app.tenant_db(&tenant).await;
    db.execute_unprepared(&format!(
        "INSERT INTO {table} ({columns}) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         SELECT {select} FROM n"
    ))
    .await
    .unwrap();
    db.close().await.ok();
}

/// `error` says on `field` that `quota` is reached: the technical cap's
/// message for labels, the plan's for what plans limit (the tests' apps are
/// on the largest, whose limits are the technical caps).
fn quota_error(error: &AppError, field: &str, quota: quota::Quota) {
    use app::model::{plans, quota::Limit};
    let enterprise = plans::builtin()
        .into_iter()
        .find(|p| p.name == "enterprise")
        .unwrap();
    let expected = plans::Resource::ALL
        .into_iter()
        .find(|r| r.cap() == quota)
        .map(|r| {
            let cap = enterprise.cap(r);
            assert_eq!(cap.quota.max, quota.max);
            cap.reached()
        })
        .unwrap_or_else(|| quota.reached());
    assert_eq!(
        error.field_error(field),
        Some(expected),
        "{field}: {error:?}"
    );
}

#[tokio::test]
async fn parallel_team_creates_stop_exactly_at_the_quota_on_postgres() {
    parallel_creates_stop_at_the_quota(Backend::Postgres).await;
}

#[tokio::test]
async fn parallel_team_creates_stop_exactly_at_the_quota_on_sqlite() {
    parallel_creates_stop_at_the_quota(Backend::Sqlite).await;
}

async fn parallel_creates_stop_at_the_quota(backend: Backend) {
    let org = Org::new(backend).await;
    let max = quota::TEAMS.max;
    fill(
        &org,
        "teams",
        "name, created_at",
        "'Filler ' || i, 0",
        max - 3,
    )
    .await;

    // Ten at once where three fit: three get in, seven get the message.
    let answers = futures::future::join_all((0..10).map(|i| {
        let (client, host, mut jar) = (org.app.client, org.host.clone(), org.jar.clone());
        async move {
            let name = format!("Racer {i}");
            client
                .call(&host, "add_team", &[("name", &name)], Some(&mut jar))
                .await
        }
    }))
    .await;
    let added = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        added,
        3,
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|a| a.status != 200) {
        assert_eq!(refused.status, 422, "{}", refused.body);
        quota_error(&app_error(refused), "name", quota::TEAMS);
    }
    assert_eq!(org.app.team_names("acme").await.len() as u64, max);
}

#[tokio::test]
async fn a_pasted_list_takes_what_fits_and_says_why_not_the_rest() {
    let mut org = Org::new(Backend::Sqlite).await;
    let max = quota::REPOSITORIES.max;
    fill(
        &org,
        "repositories",
        "name, name_key, created_at",
        "'org/filler-' || i, 'org/filler-' || i, 0",
        max - 2,
    )
    .await;

    let error = org
        .fails(
            "paste_repositories",
            &[("list", "acme/one\nacme/two\nacme/three\nacme/four")],
        )
        .await;
    quota_error(&error, "line:3", quota::REPOSITORIES);
    quota_error(&error, "line:4", quota::REPOSITORIES);
    assert_eq!(error.field_error("line:1"), None);
    assert_eq!(error.field_error("line:2"), None);
    let one = org.fails("add_repository", &[("name", "acme/five")]).await;
    quota_error(&one, "name", quota::REPOSITORIES);
    assert_eq!(
        one.field_value("name"),
        Some("acme/five".to_owned()),
        "kept"
    );
}

#[tokio::test]
async fn labels_rules_and_api_tokens_stop_at_their_quotas() {
    let mut org = Org::new(Backend::Postgres).await;
    let team: app::model::teams::Team = org.ok("add_team", &[("name", "Core")]).await;
    let team_id = team.id.to_string();

    // Labels: made on their own or when a repository or a rule names one.
    fill(
        &org,
        "labels",
        "name, name_key, created_at",
        "'l' || i, 'l' || i, 0",
        quota::LABELS.max,
    )
    .await;
    let error = org.fails("add_label", &[("name", "fresh")]).await;
    quota_error(&error, "name", quota::LABELS);
    let repository: app::model::repositories::RepositoryRow =
        org.ok("add_repository", &[("name", "acme/api")]).await;
    let id = repository.id.to_string();
    let error = org
        .fails(
            "set_repository_labels",
            &[("id", &id), ("labels", "l1, fresh")],
        )
        .await;
    quota_error(&error, "labels", quota::LABELS);
    assert_eq!(error.field_value("labels"), Some("l1, fresh".to_owned()));
    let error = org
        .fails(
            "add_label_rule",
            &[("team_id", &team_id), ("label", "fresh")],
        )
        .await;
    quota_error(&error, "label", quota::LABELS);
    // An existing label is still taken.
    let _: Vec<String> = org
        .ok(
            "set_repository_labels",
            &[("id", &id), ("labels", "l1, l2")],
        )
        .await;

    // Rules.
    fill(
        &org,
        "mapping_rules",
        "team_id, label_id, created_at",
        &format!("{team_id}, (SELECT id FROM labels WHERE name = 'l' || i), 0"),
        quota::RULES.max,
    )
    .await;
    let error = org
        .fails(
            "add_pattern_rule",
            &[("team_id", &team_id), ("pattern", "^acme/")],
        )
        .await;
    quota_error(&error, "pattern", quota::RULES);
    let error = org
        .fails("add_label_rule", &[("team_id", &team_id), ("label", "l1")])
        .await;
    quota_error(&error, "label", quota::RULES);

    // API tokens that are not revoked.
    fill(
        &org,
        "api_tokens",
        "name, prefix, digest, role, created_by, created_by_email, created_at, revoked_at",
        "'t' || i, 'tt_x', 'digest-' || i, 'viewer', 1, 'x@acme.test', 0, NULL",
        quota::API_TOKENS.max,
    )
    .await;
    let error = org
        .fails("create_api_token", &[("name", "CI"), ("role", "viewer")])
        .await;
    quota_error(&error, "name", quota::API_TOKENS);
}

#[tokio::test]
async fn an_account_owns_at_most_its_quota_of_organizations() {
    let org = Org::new(Backend::Sqlite).await;
    let app = &org.app;
    let email = "owner@acme.test";
    for i in 1..quota::OWNED_ORGANIZATIONS {
        let slug = format!("more{i}");
        let answer = app
            .try_sign_up("More", &slug, email, crate::helpers::PASSWORD)
            .await;
        assert_eq!(answer.status, 200, "{slug}: {}", answer.body);
    }
    let answer = app
        .try_sign_up("One too many", "toomany", email, crate::helpers::PASSWORD)
        .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    let error = app_error(&answer);
    assert!(
        error
            .field_error("org_name")
            .is_some_and(|m| m.contains(&quota::OWNED_ORGANIZATIONS.to_string())),
        "{error:?}"
    );
    assert!(app.tenant("toomany").await.is_none());
}
