//! Every mutating server function, called as every role: allowed exactly
//! when the grant table says so, refused with 403 and no change otherwise.
//! (Deleting the organization, which would end the run, has its own test:
//! `settings::an_owner_deletes_the_organization_…`.)

use crate::helpers::{app_error, spawn_app, Backend};
use crate::logo::image_file;
use app::model::{AppError, Permission, Role};
use image::ImageFormat;

/// What a call may act on, made fresh for each call: a member (role
/// Member), a pending invitation (role Member), a team, a repository, a
/// label and a pattern rule.
struct Target {
    user_id: i64,
    invitation_id: i64,
    team_id: i64,
    repository_id: i64,
    label_id: i64,
    label: String,
    rule_id: i64,
}

/// `role` and `endpoint` as a name no other call uses.
fn tag(role: Role, endpoint: &str) -> String {
    format!("{}-{endpoint}", role.as_str())
}

/// A mutating server function, the permission it needs, and its arguments
/// for a call by a given role. Every mutation writes one audit entry, so
/// whether it took effect shows in the organization's audit log.
struct Mutation {
    endpoint: &'static str,
    needs: Permission,
    fields: fn(Role, &Target) -> Vec<(&'static str, String)>,
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        endpoint: "add_team",
        needs: Permission::ManageTeams,
        fields: |role, _| vec![("name", format!("Team of the {}", role.as_str()))],
    },
    Mutation {
        endpoint: "change_member_roles",
        needs: Permission::ManageMembers,
        fields: |_, target| {
            vec![
                ("user_ids", target.user_id.to_string()),
                ("role", "viewer".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "remove_members",
        needs: Permission::ManageMembers,
        fields: |_, target| vec![("user_ids", target.user_id.to_string())],
    },
    Mutation {
        endpoint: "invite_member",
        needs: Permission::ManageMembers,
        fields: |role, _| {
            vec![
                (
                    "email",
                    format!("invited-by-{}@example.test", role.as_str()),
                ),
                ("role", "member".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "resend_invitation",
        needs: Permission::ManageMembers,
        fields: |_, target| vec![("id", target.invitation_id.to_string())],
    },
    Mutation {
        endpoint: "revoke_invitation",
        needs: Permission::ManageMembers,
        fields: |_, target| vec![("id", target.invitation_id.to_string())],
    },
    Mutation {
        endpoint: "import_invitations",
        needs: Permission::ManageMembers,
        fields: |role, _| {
            vec![(
                "list",
                format!("imported-by-{}@example.test, viewer", role.as_str()),
            )]
        },
    },
    Mutation {
        endpoint: "bulk_invitations",
        needs: Permission::ManageMembers,
        fields: |_, target| {
            vec![
                ("ids", target.invitation_id.to_string()),
                ("action", "revoke".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "rename_team",
        needs: Permission::ManageTeams,
        fields: |role, target| {
            vec![
                ("id", target.team_id.to_string()),
                ("name", format!("Renamed by {}", role.as_str())),
            ]
        },
    },
    Mutation {
        endpoint: "remove_team",
        needs: Permission::ManageTeams,
        fields: |_, target| vec![("id", target.team_id.to_string())],
    },
    Mutation {
        endpoint: "add_repository",
        needs: Permission::ManageRepositories,
        fields: |role, _| vec![("name", format!("acme/added-by-{}", role.as_str()))],
    },
    Mutation {
        endpoint: "paste_repositories",
        needs: Permission::ManageRepositories,
        fields: |role, _| vec![("list", format!("acme/pasted-by-{}", role.as_str()))],
    },
    Mutation {
        endpoint: "rename_repository",
        needs: Permission::ManageRepositories,
        fields: |role, target| {
            vec![
                ("id", target.repository_id.to_string()),
                ("name", format!("acme/renamed-by-{}", role.as_str())),
            ]
        },
    },
    Mutation {
        endpoint: "remove_repository",
        needs: Permission::ManageRepositories,
        fields: |_, target| vec![("id", target.repository_id.to_string())],
    },
    Mutation {
        endpoint: "set_repository_labels",
        needs: Permission::ManageRepositories,
        fields: |_, target| {
            vec![
                ("id", target.repository_id.to_string()),
                ("labels", target.label.clone()),
            ]
        },
    },
    Mutation {
        endpoint: "decide_repository",
        needs: Permission::ManageRepositories,
        fields: |_, target| {
            vec![
                ("id", target.repository_id.to_string()),
                ("team_id", target.team_id.to_string()),
                ("decision", "exclude".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "add_label",
        needs: Permission::ManageRepositories,
        fields: |role, _| vec![("name", format!("added-by-{}", role.as_str()))],
    },
    Mutation {
        endpoint: "rename_label",
        needs: Permission::ManageRepositories,
        fields: |role, target| {
            vec![
                ("id", target.label_id.to_string()),
                ("name", format!("renamed-by-{}", role.as_str())),
            ]
        },
    },
    Mutation {
        endpoint: "remove_label",
        needs: Permission::ManageRepositories,
        fields: |_, target| vec![("id", target.label_id.to_string())],
    },
    Mutation {
        endpoint: "add_pattern_rule",
        needs: Permission::ManageRepositories,
        fields: |_, target| {
            vec![
                ("team_id", target.team_id.to_string()),
                ("pattern", "^acme/".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "add_label_rule",
        needs: Permission::ManageRepositories,
        fields: |_, target| {
            vec![
                ("team_id", target.team_id.to_string()),
                ("label", target.label.clone()),
            ]
        },
    },
    Mutation {
        endpoint: "update_rule",
        needs: Permission::ManageRepositories,
        fields: |_, target| {
            vec![
                ("id", target.rule_id.to_string()),
                ("team_id", target.team_id.to_string()),
                ("pattern", "changed".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "remove_rule",
        needs: Permission::ManageRepositories,
        fields: |_, target| vec![("id", target.rule_id.to_string())],
    },
    Mutation {
        endpoint: "onboarding_step",
        needs: Permission::ManageSettings,
        fields: |_, _| vec![("step", "repositories".to_owned())],
    },
    Mutation {
        endpoint: "rename_organization",
        needs: Permission::ManageSettings,
        fields: |role, _| vec![("name", format!("Renamed by the {}", role.as_str()))],
    },
    Mutation {
        endpoint: "update_display",
        needs: Permission::ManageSettings,
        // A zone of each role's own: setting the same again changes nothing.
        fields: |role, _| {
            let zone = match role {
                Role::Owner => "Europe/Berlin",
                Role::Admin => "Asia/Tokyo",
                Role::Member => "Europe/Paris",
                Role::Viewer => "Europe/Rome",
            };
            vec![
                ("time_zone", zone.to_owned()),
                ("date_format", "day".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "update_branding",
        needs: Permission::ManageSettings,
        fields: |role, _| {
            let color = match role {
                Role::Owner => "#0b6e4f",
                Role::Admin => "#7a1fa2",
                Role::Member => "#8a1c1c",
                Role::Viewer => "#1c4e8a",
            };
            vec![("brand_color", color.to_owned())]
        },
    },
    Mutation {
        endpoint: "update_notifications",
        needs: Permission::ViewOrganization,
        fields: |_, _| {
            vec![
                ("membership_changes", "off".to_owned()),
                ("invitations_accepted", "on".to_owned()),
                ("weekly_digest", "on".to_owned()),
            ]
        },
    },
    Mutation {
        endpoint: "update_notification_defaults",
        needs: Permission::ManageSettings,
        // The owner turns both off, the admin both on again: each a change.
        fields: |role, _| match role {
            Role::Admin => vec![
                ("membership_changes", "on".to_owned()),
                ("invitations_accepted", "on".to_owned()),
            ],
            _ => Vec::new(),
        },
    },
    Mutation {
        endpoint: "end_onboarding",
        needs: Permission::ManageSettings,
        fields: |_, _| vec![("how", "skipped".to_owned())],
    },
];

/// Calls `endpoint` as the owner and returns the `"id"` (or the number) it
/// answers with.
async fn made(
    app: &crate::helpers::TestApp,
    owner: &mut crate::http::CookieJar,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> i64 {
    let response = app
        .call(&app.tenant_host("acme"), endpoint, fields, Some(owner))
        .await;
    assert_eq!(response.status, 200, "{endpoint}: {}", response.body);
    let value: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    value
        .get("id")
        .unwrap_or(&value)
        .as_i64()
        .unwrap_or_else(|| panic!("{endpoint}: no id in {}", response.body))
}

async fn every_mutation_as_every_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.signed_in_owner("acme").await;
    // Inviting takes a confirmed address.
    app.mark_verified("owner@acme.test").await;
    let host = app.tenant_host("acme");
    for role in Role::ALL {
        let mut jar = if role == Role::Owner {
            owner.clone()
        } else {
            app.signed_in_as("acme", role).await
        };
        for mutation in MUTATIONS {
            let email = format!("target-{}-{}@acme.test", role.as_str(), mutation.endpoint);
            app.add_member("acme", &email, Role::Member).await;
            let tag = tag(role, mutation.endpoint);
            let mut as_owner = owner.clone();
            let team_id = made(&app, &mut as_owner, "add_team", &[("name", &tag)]).await;
            let repository = format!("acme/{tag}");
            let repository_id = made(
                &app,
                &mut as_owner,
                "add_repository",
                &[("name", &repository)],
            )
            .await;
            let label_id = made(&app, &mut as_owner, "add_label", &[("name", &tag)]).await;
            let team = team_id.to_string();
            let rule = [("team_id", team.as_str()), ("pattern", tag.as_str())];
            let rule_id = made(&app, &mut as_owner, "add_pattern_rule", &rule).await;
            let target = Target {
                user_id: app.user_id(&email).await,
                invitation_id: app
                    .add_invitation("acme", &format!("invitee-{email}"), Role::Member)
                    .await,
                team_id,
                repository_id,
                label_id,
                label: tag.clone(),
                rule_id,
            };
            let before = app.audit_entries("acme").await.len();
            let fields = (mutation.fields)(role, &target);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = app
                .call(&host, mutation.endpoint, &fields, Some(&mut jar))
                .await;
            let after = app.audit_entries("acme").await.len();
            let label = format!("{} as {role:?}", mutation.endpoint);
            allowed_exactly_as_granted(role, mutation.needs, &label, &response, before, after);
            if !role.grants(mutation.needs) {
                assert_eq!(
                    app.role_of("acme", &email).await,
                    Some(Role::Member),
                    "{label} left the target alone"
                );
            }
        }
        // The logo's, which take a file (multipart form data): a new logo,
        // and removing one, once the owner has given the organization one.
        for (n, endpoint) in ["upload_logo", "remove_logo"].into_iter().enumerate() {
            let shade = u8::try_from(16 * role as usize + n).unwrap();
            let mut as_owner = owner.clone();
            let current = image_file(8, 8, [shade, 0, 0], ImageFormat::Png);
            let given = app
                .upload(
                    &host,
                    "upload_logo",
                    "logo",
                    &current,
                    None,
                    Some(&mut as_owner),
                )
                .await;
            assert_eq!(given.status, 200, "{}", given.body);
            let before = app.audit_entries("acme").await.len();
            let response = if endpoint == "upload_logo" {
                let new = image_file(9, 9, [shade, 0, 0], ImageFormat::Png);
                app.upload(&host, endpoint, "logo", &new, None, Some(&mut jar))
                    .await
            } else {
                app.call(&host, endpoint, &[], Some(&mut jar)).await
            };
            let after = app.audit_entries("acme").await.len();
            let label = format!("{endpoint} as {role:?}");
            let needs = Permission::ManageSettings;
            allowed_exactly_as_granted(role, needs, &label, &response, before, after);
        }
        custom_domains_as(&app, &owner, &mut jar, role).await;
    }
}

/// The custom domains' mutations as `role`: adding one, checking it once
/// DNS holds its records (which serves it: an entry), removing it. What
/// the role may not do, the owner does, so each call has its target.
async fn custom_domains_as(
    app: &crate::helpers::TestApp,
    owner: &crate::http::CookieJar,
    jar: &mut crate::http::CookieJar,
    role: Role,
) {
    let host = app.tenant_host("acme");
    let domain = format!("{}.domains.test", role.as_str());
    let needs = Permission::ManageOwners;
    let mut as_owner = owner.clone();
    let field = [("host", domain.as_str())];
    for endpoint in ["add_domain", "verify_domain", "remove_domain"] {
        if endpoint == "verify_domain" {
            let page = app
                .call(&host, "custom_domains", &[], Some(&mut as_owner))
                .await;
            let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
            let txt = page["domains"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["host"] == domain.as_str())
                .map(|d| d["records"][1]["value"].as_str().unwrap().to_owned())
                .unwrap();
            app.dns
                .set(&format!("_tenantry.{domain}"), vec![testdns::Rec::Txt(txt)]);
            app.dns.set(
                &domain,
                vec![testdns::Rec::Cname(format!(
                    "acme.{}",
                    crate::helpers::BASE
                ))],
            );
        }
        let before = app.audit_entries("acme").await.len();
        let response = app.call(&host, endpoint, &field, Some(jar)).await;
        let after = app.audit_entries("acme").await.len();
        let label = format!("{endpoint} as {role:?}");
        allowed_exactly_as_granted(role, needs, &label, &response, before, after);
        if !role.grants(needs) {
            let done = app.call(&host, endpoint, &field, Some(&mut as_owner)).await;
            assert_eq!(done.status, 200, "{label}, then the owner: {}", done.body);
        }
    }
}

/// A call as `role` that needs `needs`: done, with one audit entry, when
/// the role grants it; refused with 403 and nothing changed otherwise.
fn allowed_exactly_as_granted(
    role: Role,
    needs: Permission,
    label: &str,
    response: &crate::http::Response,
    before: usize,
    after: usize,
) {
    if role.grants(needs) {
        assert_eq!(response.status, 200, "{label}: {}", response.body);
        assert_eq!(after, before + 1, "{label}");
    } else {
        assert_eq!(response.status, 403, "{label}: {}", response.body);
        assert_eq!(app_error(response), AppError::Forbidden, "{label}");
        assert_eq!(after, before, "{label} changed nothing");
    }
}

#[tokio::test]
async fn every_mutation_as_every_role_on_sqlite() {
    every_mutation_as_every_role(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_mutation_as_every_role_on_postgres() {
    every_mutation_as_every_role(Backend::Postgres).await;
}

#[tokio::test]
async fn a_viewer_sees_the_organization_but_no_form_to_change_it() {
    let app = spawn_app(Backend::Sqlite).await;
    app.sign_up("acme").await;
    let mut viewer = app.signed_in_as("acme", Role::Viewer).await;
    let page = app
        .get(&app.tenant_host("acme"), "/", Some(&mut viewer))
        .await;
    assert!(page.body.contains("Org acme"), "{}", page.body);
    assert!(
        page.body.contains(r#"data-testid="read-only""#),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Add team"), "{}", page.body);
}
